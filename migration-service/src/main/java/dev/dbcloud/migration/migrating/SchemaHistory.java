package dev.dbcloud.migration.migrating;

import dev.dbcloud.events.AppliedMigration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.api.CoreMigrationType;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Flyway's schema history of an application's database, read straight from its table (see {@link ApplicationFlyway}
 * for where it is): what was applied, and whether it succeeded. Flyway's {@code info} tells the same, but only after
 * configuring itself, connecting, and resolving every requested script against the table, tens of milliseconds that
 * a run paid twice (once to list what is pending, once for the history it reports); this is one query on a session
 * the run has open. It only lists: whether the request is valid against the history is Flyway's to judge
 * ({@code migrate} and {@code validate}).
 *
 * <p>The columns read are the ones Flyway has kept since version 3; the values are read as Flyway reads them
 * ({@code installed_on} through {@link ResultSet#getTimestamp}).
 */
final class SchemaHistory {

    private static final String UNDEFINED_TABLE = "42P01";

    private static final String TABLE = ApplicationFlyway.SCHEMA + "." + ApplicationFlyway.HISTORY_TABLE;

    private static final String QUERY = "SELECT version, description, type, checksum, installed_on, execution_time, "
            + "success FROM " + TABLE + " ORDER BY installed_rank";

    private final List<Entry> entries;

    /** One row: a migration Flyway applied or tried to, or a row of its own (a schema it created, a deletion). */
    record Entry(MigrationVersion version, String description, CoreMigrationType type, Integer checksum,
            Timestamp installedOn, int executionMillis, boolean success) {

        /** A versioned migration the user asked for, applied successfully (unless a later row takes it back). */
        boolean appliedVersioned() {
            return version != null && success && !type.isSynthetic() && !type.isUndo();
        }

        /** A row that takes back the version's earlier rows: Flyway's repair deleting it, or an undo migration. */
        boolean takesBack() {
            return version != null && success && (type == CoreMigrationType.DELETE || type.isUndo());
        }

        AppliedMigration toEvent() {
            return AppliedMigration.newBuilder()
                    .setVersion(version.getVersion())
                    .setDescription(description)
                    .setChecksum(checksum)
                    .setAppliedAt(installedOn.toInstant())
                    .setDurationMillis(executionMillis)
                    .build();
        }
    }

    private SchemaHistory(List<Entry> entries) {
        this.entries = entries;
    }

    /**
     * The history as it is now; empty when Flyway has not made its table yet.
     *
     * @throws FlywayException when a row is not one Flyway could have written (the owner can change the table):
     *     Flyway's own commands refuse such a history too
     */
    static SchemaHistory read(DataSource sessions) throws SQLException {
        try (Connection session = sessions.getConnection(); Statement statement = session.createStatement()) {
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery(QUERY)) {
                while (rows.next()) {
                    entries.add(entry(rows));
                }
            } catch (SQLException e) {
                if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                    return new SchemaHistory(List.of());
                }
                throw e;
            }
            return new SchemaHistory(entries);
        }
    }

    /**
     * Removes the rows of migrations that failed. On PostgreSQL Flyway keeps one only for a migration that ran outside
     * a transaction (nothing could roll it back), and then refuses every later request until someone runs its
     * {@code repair}, which a user of dbcloud cannot: without the row, the next request tries that version again.
     *
     * @return the versions whose rows were removed
     */
    static List<String> forgetFailed(DataSource sessions) throws SQLException {
        try (Connection session = sessions.getConnection(); Statement statement = session.createStatement();
                ResultSet rows = statement.executeQuery(
                        "DELETE FROM " + TABLE + " WHERE NOT success RETURNING version")) {
            List<String> versions = new ArrayList<>();
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
            return versions;
        }
    }

    /** Whether a migration failed and Flyway kept its row (see {@link #forgetFailed}). */
    boolean hasFailed() {
        return entries.stream().anyMatch(entry -> !entry.success());
    }

    /** Whether Flyway kept the row of that version as failed (it ran outside a transaction, see above). */
    boolean failed(String version) {
        return version != null && entries.stream().anyMatch(entry -> !entry.success() && entry.version() != null
                && entry.version().equals(MigrationVersion.fromVersion(version)));
    }

    private static Entry entry(ResultSet row) throws SQLException {
        String version = row.getString("version");
        int checksum = row.getInt("checksum");
        Integer checksumOrNull = row.wasNull() ? null : checksum;
        String description = row.getString("description");
        Timestamp installedOn = row.getTimestamp("installed_on");
        int executionMillis = row.getInt("execution_time");
        boolean success = row.getBoolean("success");
        if (row.wasNull() || description == null || installedOn == null) {
            throw new FlywayException("the schema history has a row without its description, its time or its outcome");
        }
        CoreMigrationType type;
        try {
            type = (CoreMigrationType) CoreMigrationType.fromString(row.getString("type"));
        } catch (RuntimeException e) {
            throw new FlywayException("the schema history has a row of an unknown type");
        }
        MigrationVersion parsed;
        try {
            parsed = version == null ? null : MigrationVersion.fromVersion(version);
        } catch (FlywayException e) {
            throw new FlywayException("the schema history has a row whose version is not one");
        }
        return new Entry(parsed, description, type, checksumOrNull, installedOn, executionMillis, success);
    }

    /**
     * The rows that stand, in the order Flyway wrote them: each version's rows, unless a later row took them back
     * (see {@link Entry#takesBack}), as Flyway reads its history.
     */
    private List<Entry> standing() {
        List<Entry> standing = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.takesBack()) {
                standing.removeIf(earlier -> entry.version().equals(earlier.version()));
            } else {
                standing.add(entry);
            }
        }
        return standing;
    }

    /**
     * The highest version with a row that stands, applied, failed or a baseline, or null when none has: Flyway applies
     * only the requested versions above it (the run never applies out of order), and refuses a request with one
     * below it not applied.
     */
    MigrationVersion latest() {
        return standing().stream().filter(entry -> entry.type() != CoreMigrationType.SCHEMA).map(Entry::version)
                .filter(version -> version != null).max(Comparator.naturalOrder()).orElse(null);
    }

    /** The versioned migrations applied successfully, oldest first, as a run reports them. */
    List<AppliedMigration> applied() {
        return standing().stream().filter(Entry::appliedVersioned)
                .sorted(Comparator.comparing(Entry::version))
                .map(Entry::toEvent)
                .toList();
    }
}
