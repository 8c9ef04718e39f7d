package dev.dbcloud.migration.migrating;

import dev.dbcloud.sql.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Finds the pending migrations that would break clients of the current schema (the previous version of an
 * application, still running while the new one rolls out): a dropped or renamed table or column, or a column whose
 * type changed. It does not guess from the SQL's text: it compares the catalog before and after each migration, while
 * the pending migrations run in order in one transaction as the owner role, with Flyway's schema first on the search
 * path, as Flyway runs them.
 *
 * <p>Each migration commits as a whole, so what counts is its net effect: a column dropped and added again within
 * one migration is dropped (its data is gone), a view dropped and created again under its name is the same view.
 * A change is blamed on the first statement after which it shows.
 *
 * <p>It looks in one of two ways. {@link #inspect} is a dry run, statement by statement, that names the statement to
 * blame. {@link Watch} rides along with Flyway when it applies all the pending migrations in one transaction,
 * looking after each migration; it only tells that something is wrong, so the transaction can be rolled back
 * before anything is committed, and the dry run can then say what.
 *
 * <p>Limits: statements that cannot run in a transaction ({@code CREATE INDEX CONCURRENTLY}, say) and
 * {@code COPY ... FROM STDIN} are not run, as neither changes a table's shape. A statement that fails in the dry
 * run stops it there (see {@link Unverifiable}). The dry run takes the locks the migrations take, for as long as it
 * runs, bounded by the session's {@code lock_timeout} and {@code statement_timeout}.
 */
final class BreakingChangeGuard {

    /**
     * The transaction's id on every row, with the catalog as that transaction sees it: one query, so checking the
     * transaction costs no round trip of its own, and prepared on the server once it has run a few times on a session
     * (the driver's statement cache), so it is not planned anew after each migration.
     */
    private static final String OBSERVE = "SELECT t.txid, r.* FROM (SELECT pg_catalog.txid_current() AS txid) t\n"
            + "LEFT JOIN (" + CatalogSnapshot.RELATIONS + ") r ON true\nORDER BY r.oid, r.attnum";

    sealed interface Inspection {
    }

    /** No pending migration would break a client. */
    record Clean() implements Inspection {
    }

    /** The first pending migration that would break a client, what it breaks and the statement that does. */
    record Breaking(MigrationVersion version, List<String> changes, ScriptStatements.Statement statement)
            implements Inspection {
    }

    /** A statement ends the transaction it runs in: the migration cannot commit or roll back as a whole. */
    record EndsTransaction(MigrationVersion version, ScriptStatements.Statement statement) implements Inspection {
    }

    /**
     * A statement failed in the dry run, so neither it nor anything after it was inspected; the migrations before it
     * (index {@code 0} to {@code index - 1} of the pending ones) were, and break nothing.
     */
    record Unverifiable(int index, MigrationVersion version, String reason) implements Inspection {
    }

    /**
     * @param session a session on the application's database, as the login migrations run under; left as found
     * @param owner the role to act as, or null to stay the login role
     * @param pending the pending migrations' scripts, in the order Flyway applies them
     */
    static Inspection inspect(Connection session, String owner, List<RequestedScripts.Script> pending)
            throws SQLException {
        boolean autoCommit = session.getAutoCommit();
        session.setAutoCommit(false);
        try (Statement statement = session.createStatement()) {
            if (owner != null) {
                statement.execute("SET LOCAL ROLE " + SqlIdentifiers.quote(owner));
            }
            // As Flyway does while migrating: its schema first, the search path kept after it.
            statement.execute("SELECT pg_catalog.set_config('search_path', "
                    + "pg_catalog.quote_ident('" + ApplicationFlyway.SCHEMA + "') || ', ' || "
                    + "pg_catalog.current_setting('search_path'), true)");
            Observation start = observe(session);
            long transaction = start.transaction();
            // Nothing runs between two migrations: the shape one left is the shape the next begins with.
            CatalogSnapshot shape = start.shape();
            for (int index = 0; index < pending.size(); index++) {
                RequestedScripts.Script script = pending.get(index);
                Inspected inspected = inspect(statement, transaction, index, script, shape);
                if (!(inspected.inspection() instanceof Clean)) {
                    return inspected.inspection();
                }
                shape = inspected.after();
            }
            return new Clean();
        } finally {
            session.rollback();
            session.setAutoCommit(autoCommit);
        }
    }

    /**
     * The guard inside the run that applies the migrations, for Flyway to call back before and after each: the
     * pending migrations must all run in Flyway's one transaction ({@code group}). It observes the catalog before the
     * first and after each, and stops the run, by throwing from the callback, at the first migration whose net effect
     * would break a client, or after which the transaction is no longer the one it began in. Flyway then rolls the
     * transaction back, so nothing of the run is committed. One run only.
     */
    static final class Watch implements Callback {

        private Observation last;

        @Override
        public boolean supports(Event event, Context context) {
            return event == Event.AFTER_EACH_MIGRATE || (event == Event.BEFORE_EACH_MIGRATE && last == null);
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return true;
        }

        @Override
        public void handle(Event event, Context context) {
            Observation now;
            try {
                now = observe(context.getConnection());
            } catch (SQLException e) {
                throw new FlywayException("the catalog could not be read (SQLSTATE " + e.getSQLState() + ")");
            }
            if (event == Event.AFTER_EACH_MIGRATE) {
                MigrationVersion version = context.getMigrationInfo().getVersion();
                if (now.transaction() != last.transaction()) {
                    throw new FlywayException("version " + version + " ended the transaction it ran in");
                }
                List<String> changes = last.shape().breakingChangesTo(now.shape());
                if (!changes.isEmpty()) {
                    throw new FlywayException("version " + version + " would break clients: " + changes.get(0));
                }
            }
            last = now;
        }

        @Override
        public String getCallbackName() {
            return "breaking-change guard";
        }
    }

    /** What one migration's dry run found, and the shape the database has after it (the next one's "before"). */
    private record Inspected(Inspection inspection, CatalogSnapshot after) {
    }

    private static Inspected inspect(Statement statement, long transaction, int index,
            RequestedScripts.Script script, CatalogSnapshot before) throws SQLException {
        List<ScriptStatements.Statement> statements;
        try {
            statements = script.statements();
        } catch (FlywayException e) {
            return new Inspected(new Unverifiable(index, script.version(), "the script cannot be parsed"), before);
        }
        CatalogSnapshot after = before;
        Map<String, ScriptStatements.Statement> firstShownBy = new LinkedHashMap<>();
        for (ScriptStatements.Statement sql : statements) {
            if (!sql.inTransaction() || sql.copiesData()) {
                continue;
            }
            if (sql.controlsTransaction()) {
                // Run here, it would commit the dry run.
                return new Inspected(new EndsTransaction(script.version(), sql), after);
            }
            try {
                statement.execute(sql.sql());
            } catch (SQLException e) {
                return new Inspected(new Unverifiable(index, script.version(), "SQLSTATE " + e.getSQLState()), after);
            }
            Observation now = observe(statement.getConnection());
            if (now.transaction() != transaction) {
                // The parser and the server disagreed on where a statement ends; what ran has been committed.
                return new Inspected(new EndsTransaction(script.version(), sql), after);
            }
            after = now.shape();
            for (String change : before.breakingChangesTo(after)) {
                firstShownBy.putIfAbsent(change, sql);
            }
        }
        List<String> changes = before.breakingChangesTo(after);
        if (changes.isEmpty()) {
            return new Inspected(new Clean(), after);
        }
        return new Inspected(new Breaking(script.version(), changes, firstShownBy.get(changes.get(0))), after);
    }

    /** The id of the transaction the session is in, and the catalog's shape as that transaction sees it. */
    private record Observation(long transaction, CatalogSnapshot shape) {
    }

    private static Observation observe(Connection session) throws SQLException {
        try (PreparedStatement query = session.prepareStatement(OBSERVE); ResultSet rows = query.executeQuery()) {
            if (!rows.next()) {
                throw new IllegalStateException("the catalog query answered no row");
            }
            return new Observation(rows.getLong("txid"), CatalogSnapshot.fromCurrentRow(rows));
        }
    }

    private BreakingChangeGuard() {
    }
}
