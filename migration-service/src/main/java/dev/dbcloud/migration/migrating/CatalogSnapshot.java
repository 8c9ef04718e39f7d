package dev.dbcloud.migration.migrating;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The shape of a database's user relations as the catalog records it: each table, view or foreign table by its
 * oid, with its schema and name, and its columns by number, with name, type and type modifier. Two snapshots of
 * one database tell what changed in a way that would break a client of the earlier shape; additions never do.
 *
 * <p>Identity comes from the catalog, not from names: a renamed table keeps its oid, a renamed column its number,
 * so a rename is told from a drop and a new object. A view has no data and is often replaced to change its query,
 * so a view dropped and created again under the same name counts as the same view, compared column by name.
 */
record CatalogSnapshot(Map<Long, Relation> relations) {

    /**
     * The relations a client reads and writes (tables, partitioned tables, views, materialized views, foreign
     * tables), a row per column, unordered; a relation without columns has one row, its column fields null. The
     * columns are looked up relation by relation through {@code pg_attribute}'s index ({@code OFFSET 0} keeps the
     * planner from turning that into a join that reads every column of the catalog's own tables).
     */
    static final String RELATIONS = """
            SELECT c.oid::bigint AS oid, n.nspname, c.relname, c.relkind::text AS relkind,
                   a.attnum, a.attname, a.atttypid::bigint AS atttypid, a.atttypmod, a.attisdropped,
                   pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_name
            FROM pg_catalog.pg_namespace n
            JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid
            LEFT JOIN LATERAL (
                SELECT attnum, attname, atttypid, atttypmod, attisdropped FROM pg_catalog.pg_attribute
                WHERE attrelid = c.oid AND attnum > 0 OFFSET 0) a ON true
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'""";

    private static final long VARCHAR = 1043;
    private static final long NUMERIC = 1700;

    record Relation(long oid, String schema, String name, char kind, Map<Integer, Column> columns) {

        String qualifiedName() {
            return schema + "." + name;
        }

        String kindName() {
            return switch (kind) {
                case 'v' -> "view";
                case 'm' -> "materialized view";
                case 'f' -> "foreign table";
                default -> "table";
            };
        }

        boolean isView() {
            return kind == 'v' || kind == 'm';
        }

        Optional<Column> column(String name) {
            return columns.values().stream().filter(c -> !c.dropped() && c.name().equals(name)).findFirst();
        }
    }

    /** @param typeName the type as SQL spells it, modifier included, such as {@code character varying(20)} */
    record Column(int number, String name, long typeOid, int typeModifier, boolean dropped, String typeName) {
    }

    /**
     * The snapshot in rows of {@link #RELATIONS}, ordered by relation: from the row {@code rows} is on to the last.
     * A row whose {@code oid} is null (a query that joined {@link #RELATIONS} to something else found no relation)
     * is skipped.
     */
    static CatalogSnapshot fromCurrentRow(ResultSet rows) throws SQLException {
        Map<Long, Relation> relations = new LinkedHashMap<>();
        do {
            long oid = rows.getLong("oid");
            if (rows.wasNull()) {
                continue;
            }
            Relation relation = relations.get(oid);
            if (relation == null) {
                relation = new Relation(oid, rows.getString("nspname"), rows.getString("relname"),
                        rows.getString("relkind").charAt(0), new TreeMap<>());
                relations.put(oid, relation);
            }
            int number = rows.getInt("attnum");
            if (!rows.wasNull()) {
                relation.columns().put(number, new Column(number, rows.getString("attname"),
                        rows.getLong("atttypid"), rows.getInt("atttypmod"), rows.getBoolean("attisdropped"),
                        rows.getString("type_name")));
            }
        } while (rows.next());
        return new CatalogSnapshot(relations);
    }

    /**
     * What a client of this shape would find broken in {@code after}: dropped or renamed relations, dropped or
     * renamed columns, and columns whose type changed (widening a {@code varchar} or a {@code numeric}'s precision
     * excepted), each described for people, such as {@code column public.orders.note dropped}.
     */
    List<String> breakingChangesTo(CatalogSnapshot after) {
        List<String> changes = new ArrayList<>();
        relations.values().stream()
                .sorted(Comparator.comparing(Relation::qualifiedName))
                .forEach(before -> compare(before, after, changes));
        return changes;
    }

    private static void compare(Relation before, CatalogSnapshot after, List<String> changes) {
        Relation now = after.relations().get(before.oid());
        if (now == null) {
            Optional<Relation> replacement = before.isView() ? after.named(before.schema(), before.name())
                    .filter(Relation::isView) : Optional.empty();
            if (replacement.isEmpty()) {
                changes.add(before.kindName() + " " + before.qualifiedName() + " dropped");
                return;
            }
            compareByName(before, replacement.get(), changes);
            return;
        }
        if (!now.qualifiedName().equals(before.qualifiedName())) {
            changes.add(before.kindName() + " " + before.qualifiedName() + " renamed to " + now.qualifiedName());
        }
        for (Column column : before.columns().values()) {
            if (column.dropped()) {
                continue;
            }
            String name = "column " + before.qualifiedName() + "." + column.name();
            Column later = now.columns().get(column.number());
            if (later == null || later.dropped()) {
                changes.add(name + " dropped");
                continue;
            }
            if (!later.name().equals(column.name())) {
                changes.add(name + " renamed to " + later.name());
            }
            typeChange(name, column, later).ifPresent(changes::add);
        }
    }

    private static void compareByName(Relation before, Relation now, List<String> changes) {
        for (Column column : before.columns().values()) {
            if (column.dropped()) {
                continue;
            }
            String name = "column " + before.qualifiedName() + "." + column.name();
            Optional<Column> later = now.column(column.name());
            if (later.isEmpty()) {
                changes.add(name + " dropped");
            } else {
                typeChange(name, column, later.get()).ifPresent(changes::add);
            }
        }
    }

    private static Optional<String> typeChange(String name, Column before, Column after) {
        if (before.typeOid() == after.typeOid() && (before.typeModifier() == after.typeModifier()
                || widens(before.typeOid(), before.typeModifier(), after.typeModifier()))) {
            return Optional.empty();
        }
        return Optional.of(name + " type changed from " + before.typeName() + " to " + after.typeName());
    }

    /**
     * Whether a type modifier only lets more values in: a longer {@code varchar}, a {@code numeric} with more digits
     * before the point and the same scale, or either without a limit (modifier -1).
     */
    static boolean widens(long type, int before, int after) {
        if (before < 0) {
            return false;
        }
        if (type == VARCHAR) {
            return after < 0 || after > before;
        }
        if (type == NUMERIC) {
            if (after < 0) {
                return true;
            }
            int beforePrecision = (before - 4) >> 16;
            int beforeScale = (before - 4) & 0xffff;
            int afterPrecision = (after - 4) >> 16;
            int afterScale = (after - 4) & 0xffff;
            return afterScale == beforeScale && afterPrecision > beforePrecision;
        }
        return false;
    }

    private Optional<Relation> named(String schema, String name) {
        return relations.values().stream()
                .filter(relation -> relation.schema().equals(schema) && relation.name().equals(name))
                .findFirst();
    }
}
