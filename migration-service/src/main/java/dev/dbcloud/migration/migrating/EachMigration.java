package dev.dbcloud.migration.migrating;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * What a run holds every migration to, whether its migrations are applied together in one transaction or one at a
 * time: Flyway calls it back after each migration, before the migration's row is written and committed.
 *
 * <ul>
 *   <li>The next migration begins with the settings the session began with ({@code RESET ALL}): what one
 *       migration sets, with {@code SET} or {@code SET LOCAL} (a time zone, a timeout), does not reach the next,
 *       as it would not had each its own session. Flyway sets the role and the search path again itself.</li>
 *   <li>The session still holds an advisory lock, Flyway's on its history: a migration that released it
 *       ({@code pg_advisory_unlock_all()}) is refused, rolled back with its transaction, rather than leaving Flyway
 *       to fail once the migration is committed. When the migrations are applied together, this is checked once,
 *       after the last (nothing is committed before), as reading {@code pg_locks} costs more than the reset; the
 *       run then goes one at a time, and the check after each names the migration.</li>
 * </ul>
 */
final class EachMigration implements Callback {

    private static final String RESET = "RESET ALL";

    private static final String HOLDS_AN_ADVISORY_LOCK = "SELECT EXISTS (SELECT FROM pg_catalog.pg_locks"
            + " WHERE locktype = 'advisory' AND pid = pg_catalog.pg_backend_pid() AND granted)";

    private final MigrationVersion lockCheckedAfter;

    /**
     * @param lockCheckedAfter the version after which the session's advisory lock is checked, the last of
     *     migrations applied together; null to check it after each
     */
    EachMigration(MigrationVersion lockCheckedAfter) {
        this.lockCheckedAfter = lockCheckedAfter;
    }

    /** A migration broke a rule of the run; it was rolled back. */
    static final class Refused extends FlywayException {

        private final MigrationVersion version;

        Refused(MigrationVersion version, String message) {
            super(message);
            this.version = version;
        }

        MigrationVersion version() {
            return version;
        }
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.AFTER_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        MigrationVersion version = context.getMigrationInfo().getVersion();
        boolean lockHeld = true;
        try (Statement statement = context.getConnection().createStatement()) {
            if (lockCheckedAfter == null || lockCheckedAfter.equals(version)) {
                try (ResultSet row = statement.executeQuery(HOLDS_AN_ADVISORY_LOCK)) {
                    lockHeld = row.next() && row.getBoolean(1);
                }
            }
            statement.execute(RESET);
        } catch (SQLException e) {
            throw new FlywayException("the session could not be reset after version " + version + " (SQLSTATE "
                    + e.getSQLState() + ")");
        }
        if (!lockHeld) {
            throw new Refused(version, "version " + version + " released the advisory locks of its session"
                    + " (pg_advisory_unlock_all), Flyway's lock on its history among them; a migration must not"
                    + " release locks it did not take; it was not applied");
        }
    }

    @Override
    public String getCallbackName() {
        return "each migration";
    }
}
