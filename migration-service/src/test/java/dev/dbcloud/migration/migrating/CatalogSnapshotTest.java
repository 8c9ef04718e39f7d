package dev.dbcloud.migration.migrating;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.migration.migrating.CatalogSnapshot.Column;
import dev.dbcloud.migration.migrating.CatalogSnapshot.Relation;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CatalogSnapshotTest {

    private static final long INT4 = 23;
    private static final long INT8 = 20;
    private static final long TEXT = 25;
    private static final long VARCHAR = 1043;
    private static final long NUMERIC = 1700;

    @Test
    void additionsBreakNothing() {
        CatalogSnapshot before = snapshot(table(1, "orders", column(1, "id", INT4)));
        CatalogSnapshot after = snapshot(
                table(1, "orders", column(1, "id", INT4), column(2, "note", TEXT)),
                table(2, "customers", column(1, "id", INT4)));

        assertThat(before.breakingChangesTo(after)).isEmpty();
    }

    @Test
    void namesADroppedColumnByItsTable() {
        CatalogSnapshot before = snapshot(table(1, "orders", column(1, "id", INT4), column(2, "note", TEXT)));
        CatalogSnapshot after = snapshot(table(1, "orders", column(1, "id", INT4), dropped(2)));

        assertThat(before.breakingChangesTo(after)).containsExactly("column public.orders.note dropped");
    }

    @Test
    void tellsARenamedColumnFromADroppedOneByItsNumber() {
        CatalogSnapshot before = snapshot(table(1, "orders", column(1, "id", INT4), column(2, "note", TEXT)));
        CatalogSnapshot after = snapshot(table(1, "orders", column(1, "id", INT4), column(2, "remark", TEXT)));

        assertThat(before.breakingChangesTo(after)).containsExactly("column public.orders.note renamed to remark");
    }

    @Test
    void aColumnDroppedAndAddedAgainUnderItsNameIsDropped() {
        CatalogSnapshot before = snapshot(table(1, "orders", column(1, "id", INT4), column(2, "note", TEXT)));
        CatalogSnapshot after = snapshot(table(1, "orders", column(1, "id", INT4), dropped(2), column(3, "note", TEXT)));

        assertThat(before.breakingChangesTo(after)).containsExactly("column public.orders.note dropped");
    }

    @Test
    void namesATypeChangeWithBothTypes() {
        CatalogSnapshot before = snapshot(table(1, "orders", column(1, "amount", INT4, -1, "integer")));
        CatalogSnapshot after = snapshot(table(1, "orders", column(1, "amount", INT8, -1, "bigint")));

        assertThat(before.breakingChangesTo(after))
                .containsExactly("column public.orders.amount type changed from integer to bigint");
    }

    @Test
    void wideningAVarcharOrANumericPrecisionBreaksNothingButNarrowingDoes() {
        CatalogSnapshot narrow = snapshot(table(1, "t", column(1, "code", VARCHAR, 20 + 4, "character varying(20)"),
                column(2, "price", NUMERIC, ((8 << 16) | 2) + 4, "numeric(8,2)")));
        CatalogSnapshot wide = snapshot(table(1, "t", column(1, "code", VARCHAR, 40 + 4, "character varying(40)"),
                column(2, "price", NUMERIC, ((12 << 16) | 2) + 4, "numeric(12,2)")));
        CatalogSnapshot rescaled = snapshot(table(1, "t", column(1, "code", VARCHAR, -1, "character varying"),
                column(2, "price", NUMERIC, ((12 << 16) | 4) + 4, "numeric(12,4)")));

        assertThat(narrow.breakingChangesTo(wide)).isEmpty();
        assertThat(wide.breakingChangesTo(narrow)).containsExactly(
                "column public.t.code type changed from character varying(40) to character varying(20)",
                "column public.t.price type changed from numeric(12,2) to numeric(8,2)");
        assertThat(narrow.breakingChangesTo(rescaled))
                .containsExactly("column public.t.price type changed from numeric(8,2) to numeric(12,4)");
    }

    @Test
    void namesADroppedAndARenamedTable() {
        CatalogSnapshot before = snapshot(table(1, "orders", column(1, "id", INT4)),
                table(2, "notes", column(1, "id", INT4)));
        CatalogSnapshot after = snapshot(table(1, "purchases", column(1, "id", INT4)));

        assertThat(before.breakingChangesTo(after))
                .containsExactly("table public.notes dropped", "table public.orders renamed to public.purchases");
    }

    @Test
    void aTableDroppedAndCreatedAgainUnderItsNameIsDroppedButAViewIsReplaced() {
        CatalogSnapshot before = snapshot(table(1, "orders", column(1, "id", INT4)),
                view(2, "open_orders", column(1, "id", INT4), column(2, "total", INT4)));
        CatalogSnapshot after = snapshot(table(3, "orders", column(1, "id", INT4)),
                view(4, "open_orders", column(1, "id", INT4), column(2, "total", INT4), column(3, "extra", TEXT)));

        assertThat(before.breakingChangesTo(after)).containsExactly("table public.orders dropped");
    }

    @Test
    void aReplacedViewWithoutAColumnBreaksItsReaders() {
        CatalogSnapshot before = snapshot(view(2, "open_orders", column(1, "id", INT4), column(2, "total", INT4)));
        CatalogSnapshot after = snapshot(view(4, "open_orders", column(1, "id", INT4)));

        assertThat(before.breakingChangesTo(after)).containsExactly("column public.open_orders.total dropped");
    }

    private static CatalogSnapshot snapshot(Relation... relations) {
        Map<Long, Relation> byOid = new LinkedHashMap<>();
        Arrays.stream(relations).forEach(relation -> byOid.put(relation.oid(), relation));
        return new CatalogSnapshot(byOid);
    }

    private static Relation table(long oid, String name, Column... columns) {
        return relation(oid, name, 'r', columns);
    }

    private static Relation view(long oid, String name, Column... columns) {
        return relation(oid, name, 'v', columns);
    }

    private static Relation relation(long oid, String name, char kind, Column... columns) {
        Map<Integer, Column> byNumber = new TreeMap<>();
        Arrays.stream(columns).forEach(column -> byNumber.put(column.number(), column));
        return new Relation(oid, "public", name, kind, byNumber);
    }

    private static Column column(int number, String name, long type) {
        return column(number, name, type, -1, "type" + type);
    }

    private static Column column(int number, String name, long type, int modifier, String typeName) {
        return new Column(number, name, type, modifier, false, typeName);
    }

    private static Column dropped(int number) {
        return new Column(number, "........pg.dropped." + number + "........", 0, -1, true, "-");
    }
}
