package dev.dbcloud.migration.migrating;

import dev.dbcloud.sql.SqlStates;
import dev.dbcloud.sql.ServerLogin;
import dev.dbcloud.sql.ApplicationDatabases;
import dev.dbcloud.events.AppliedMigration;
import dev.dbcloud.events.MigrationFailureReason;
import dev.dbcloud.migration.registry.KnownInstance;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.ErrorCode;
import org.flywaydb.core.api.ErrorDetails;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's migrations on one instance: the application's database made to exist, what was applied before
 * validated against the request, the pending migrations inspected for breaking changes, then applied by Flyway,
 * each in its own transaction, as the owner role. Every business failure ends the run with a {@link Refused}
 * naming its reason; only faults of this service's own making escape as exceptions.
 *
 * <p>When the dry run of the breaking-change guard cannot go past a statement, the migrations it verified are
 * applied, and the guard looks again from there, on the schema they left: a statement that failed in the dry run
 * only because an earlier migration was not committed yet gets its chance, and one that fails for real fails in
 * Flyway, which reports it and leaves the migrations before it applied.
 */
final class MigrationRun {

    private static final Logger log = LoggerFactory.getLogger(MigrationRun.class);
    private static final String INVALID_AUTHORIZATION_CLASS = "28";
    private static final int CHANGES_NAMED_MAX = 10;
    private static final int SUMMARY_MAX = 1000;

    sealed interface Result {
    }

    record Applied(List<String> appliedVersions, String currentVersion,
            List<AppliedMigration> history) implements Result {
    }

    /**
     * A run that ended without applying everything.
     *
     * @param history the database's applied migrations afterwards (those applied before the failure stay applied);
     *     null when they could not be read
     */
    record Refused(MigrationFailureReason reason, String failedVersion, String sqlState, String message,
            List<AppliedMigration> history) implements Result {

        Refused(MigrationFailureReason reason, String failedVersion, String sqlState, String message) {
            this(reason, failedVersion, sqlState, message, null);
        }

        Refused withHistory(List<AppliedMigration> applied) {
            return new Refused(reason, failedVersion, sqlState, message, applied);
        }
    }

    private final KnownInstance instance;
    private final ServerLogin control;
    private final String database;
    private final boolean allowBreakingChanges;
    private final RequestedScripts scripts;
    private final List<String> applied = new ArrayList<>();
    private ServerLogin migrator;

    MigrationRun(KnownInstance instance, ServerLogin control, String database, RequestedScripts scripts,
            boolean allowBreakingChanges) {
        this.instance = instance;
        this.control = control;
        this.database = database;
        this.scripts = scripts;
        this.allowBreakingChanges = allowBreakingChanges;
        this.migrator = control;
    }

    Result run() {
        boolean separateMigrator = !instance.controlRoleOwns();
        try (Connection server = control.connect("postgres")) {
            ApplicationDatabases.ensureExists(server, database,
                    separateMigrator ? instance.ownerRole() : null);
            if (separateMigrator) {
                migrator = MigratorRole.enable(server, control, instance.ownerRole());
            }
        } catch (SQLException e) {
            return refused(e, null, "preparing the database " + database);
        }
        try {
            String owner = separateMigrator ? instance.ownerRole() : null;
            Result result = migrate(owner);
            return result instanceof Refused refused ? refused.withHistory(historyOrNull(owner)) : result;
        } finally {
            if (separateMigrator) {
                disableMigrator();
            }
        }
    }

    private Result migrate(String owner) {
        DataSource dataSource = migrator.dataSource(database);
        try {
            ValidateResult validation = ApplicationFlyway.validating(dataSource, owner, scripts).validateWithResult();
            if (!validation.validationSuccessful) {
                return invalid(validation);
            }
            while (true) {
                List<RequestedScripts.Script> pending = pending(dataSource, owner);
                if (pending.isEmpty()) {
                    break;
                }
                Refused endsTransaction = endingTransaction(pending);
                if (endsTransaction != null) {
                    return endsTransaction;
                }
                MigrationVersion target = MigrationVersion.LATEST;
                if (!allowBreakingChanges) {
                    BreakingChangeGuard.Inspection inspection;
                    try (Connection session = migrator.connect(database)) {
                        inspection = BreakingChangeGuard.inspect(session, owner, pending);
                    }
                    if (inspection instanceof BreakingChangeGuard.Breaking breaking) {
                        return breaking(breaking);
                    }
                    if (inspection instanceof BreakingChangeGuard.EndsTransaction ends) {
                        return endsTransaction(ends.version(), ends.statement());
                    }
                    if (inspection instanceof BreakingChangeGuard.Unverifiable unverifiable) {
                        if (unverifiable.index() > 0) {
                            log.info("The dry run stopped in version {} ({}); applying the versions before it, then"
                                    + " inspecting again", unverifiable.version(), unverifiable.reason());
                        } else {
                            log.warn("The dry run of version {} failed ({}); Flyway applies it alone, its statements"
                                    + " after the failing one uninspected", unverifiable.version(), unverifiable.reason());
                        }
                        target = pending.get(Math.max(0, unverifiable.index() - 1)).version();
                    }
                }
                MigrateResult result = ApplicationFlyway.migrating(dataSource, owner, scripts, target).migrate();
                result.migrations.forEach(migration -> applied.add(migration.version));
                if (target == MigrationVersion.LATEST) {
                    break;
                }
                if (result.migrationsExecuted == 0) {
                    throw new IllegalStateException("Flyway applied nothing up to pending version " + target);
                }
            }
            List<AppliedMigration> successful = history(dataSource, owner);
            return new Applied(List.copyOf(applied),
                    successful.isEmpty() ? null : successful.get(successful.size() - 1).getVersion(), successful);
        } catch (FlywayException e) {
            return refused(e);
        } catch (SQLException e) {
            return refused(e, null, "inspecting the pending migrations");
        }
    }

    /** The versioned migrations applied successfully, oldest first, as Flyway's schema history has them. */
    private List<AppliedMigration> history(DataSource dataSource, String owner) {
        MigrationInfo[] history = ApplicationFlyway.migrating(dataSource, owner, scripts, MigrationVersion.LATEST)
                .info().applied();
        return Arrays.stream(history)
                .filter(info -> info.isVersioned() && !info.getType().isSynthetic() && info.getState().isApplied()
                        && !info.getState().isFailed())
                .map(MigrationRun::applied)
                .toList();
    }

    /** After a failure: the history if it can be read, else null (the server may be the reason of the failure). */
    private List<AppliedMigration> historyOrNull(String owner) {
        try {
            return history(migrator.dataSource(database), owner);
        } catch (RuntimeException e) {
            log.info("The applied history of {} could not be read after the failure: {}", database, e.toString());
            return null;
        }
    }

    private List<RequestedScripts.Script> pending(DataSource dataSource, String owner) {
        Flyway flyway = ApplicationFlyway.migrating(dataSource, owner, scripts, MigrationVersion.LATEST);
        return Arrays.stream(flyway.info().pending())
                .map(info -> scripts.script(info.getVersion()).orElseThrow(
                        () -> new IllegalStateException("Flyway found a pending version not requested: " + info.getVersion())))
                .toList();
    }

    /** A pending script that ends its transaction would not commit or roll back as a whole: it is refused. */
    private Refused endingTransaction(List<RequestedScripts.Script> pending) {
        for (RequestedScripts.Script script : pending) {
            List<ScriptStatements.Statement> statements;
            try {
                statements = ScriptStatements.of(script);
            } catch (FlywayException e) {
                continue; // Flyway reports it when it gets there, after the versions before it.
            }
            for (ScriptStatements.Statement statement : statements) {
                if (statement.controlsTransaction()) {
                    return endsTransaction(script.version(), statement);
                }
            }
        }
        return null;
    }

    private Refused endsTransaction(MigrationVersion version, ScriptStatements.Statement statement) {
        return new Refused(MigrationFailureReason.INVALID_MIGRATION, version.getVersion(), null,
                "version " + version + " controls its transaction (line " + statement.line() + ": "
                        + statement.excerpt() + "); each migration runs in a transaction of its own, so it may not"
                        + " begin, commit or roll back one" + appliedBefore());
    }

    private Refused breaking(BreakingChangeGuard.Breaking breaking) {
        List<String> changes = breaking.changes();
        String named = changes.stream().limit(CHANGES_NAMED_MAX).collect(Collectors.joining(", "))
                + (changes.size() > CHANGES_NAMED_MAX ? " and " + (changes.size() - CHANGES_NAMED_MAX) + " more" : "");
        return new Refused(MigrationFailureReason.BREAKING_CHANGE, breaking.version().getVersion(),
                null, "version " + breaking.version() + " would break clients of the current schema: " + named
                        + " (line " + breaking.statement().line() + ": " + breaking.statement().excerpt()
                        + "); it was not applied; to apply it anyway, send the migrations again allowing breaking"
                        + " changes" + appliedBefore());
    }

    private Refused invalid(ValidateResult validation) {
        for (ValidateOutput output : validation.invalidMigrations) {
            if (output.errorDetails != null && output.errorDetails.errorCode == CoreErrorCode.CHECKSUM_MISMATCH) {
                return new Refused(MigrationFailureReason.CHECKSUM_MISMATCH, output.version, null,
                        "the script of version " + output.version + " differs from the one applied (checksum"
                                + " mismatch); applied migrations never change: restore its script and make the"
                                + " change in a new version");
            }
        }
        ValidateOutput first = validation.invalidMigrations.isEmpty() ? null : validation.invalidMigrations.get(0);
        if (first == null) {
            String message = validation.errorDetails != null ? validation.errorDetails.errorMessage
                    : validation.getAllErrorMessages();
            return new Refused(MigrationFailureReason.INVALID_MIGRATION, null, null,
                    scrub(summary(message)));
        }
        String version = first.version == null || first.version.isEmpty() ? null : first.version;
        return new Refused(MigrationFailureReason.INVALID_MIGRATION, version, null,
                explain(version, first.errorDetails));
    }

    /** Flyway's validation errors, told in terms of the request rather than of Flyway's options. */
    private String explain(String version, ErrorDetails error) {
        ErrorCode code = error == null ? null : error.errorCode;
        if (code == CoreErrorCode.RESOLVED_VERSIONED_MIGRATION_NOT_APPLIED) {
            return "version " + version + " is below a version applied already; migrations apply in version order,"
                    + " so a new one needs a version above the applied ones";
        }
        if (code == CoreErrorCode.APPLIED_VERSIONED_MIGRATION_NOT_RESOLVED) {
            return "version " + version + " was applied but the request does not hold it; send every migration of"
                    + " the application, the applied ones included";
        }
        if (code == CoreErrorCode.DESCRIPTION_MISMATCH) {
            return "the description of version " + version + " differs from the one applied; applied migrations"
                    + " never change";
        }
        return scrub(summary(error == null ? "version " + version + " is not valid" : error.errorMessage));
    }

    private Refused refused(FlywayException e) {
        String version = null;
        if (e instanceof FlywayMigrateException migrate && migrate.getMigration() != null
                && migrate.getMigration().getVersion() != null) {
            version = migrate.getMigration().getVersion().getVersion();
        }
        SQLException sql = cause(e, SQLException.class);
        if (sql == null) {
            return new Refused(MigrationFailureReason.INVALID_MIGRATION, version, null,
                    scrub(summary(e.getMessage())) + appliedBefore());
        }
        FlywaySqlScriptException script = cause(e, FlywaySqlScriptException.class);
        String doing = version == null ? "migrating" : "version " + version
                + (script == null ? "" : ", line " + script.getLineNumber());
        return refused(sql, version, doing);
    }

    /** Classifies a failure of the server, or of reaching it, while {@code doing} something. */
    private Refused refused(SQLException e, String version, String doing) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals(SqlStates.QUERY_CANCELED) || state.equals(SqlStates.LOCK_NOT_AVAILABLE) || cause(e, SocketTimeoutException.class) != null) {
            return new Refused(MigrationFailureReason.TIMEOUT, version, e.getSQLState(),
                    doing + " timed out: " + (state.equals(SqlStates.LOCK_NOT_AVAILABLE) ? "a lock was held longer than "
                            + control.limits().lockTimeout().toSeconds() + "s (lock_timeout)" : "a statement ran longer than "
                            + control.limits().statementTimeout().toSeconds() + "s (statement_timeout)") + appliedBefore());
        }
        if (SqlStates.isUnreachable(e)) {
            return new Refused(MigrationFailureReason.INSTANCE_NOT_AVAILABLE, version, e.getSQLState(),
                    doing + " failed: the server at " + control.address() + " could not be reached (SQLSTATE "
                            + e.getSQLState() + ")" + appliedBefore());
        }
        if (state.startsWith(INVALID_AUTHORIZATION_CLASS)) {
            return new Refused(MigrationFailureReason.INSTANCE_NOT_AVAILABLE, version, e.getSQLState(),
                    doing + " failed: the server at " + control.address() + " refused the login of "
                            + migrator.role() + " (SQLSTATE " + e.getSQLState() + ")" + appliedBefore());
        }
        return new Refused(MigrationFailureReason.SQL_ERROR, version, e.getSQLState(),
                doing + " failed: " + scrub(serverMessage(e)) + appliedBefore());
    }

    private String appliedBefore() {
        if (applied.isEmpty()) {
            return "";
        }
        return applied.size() == 1 ? " (version " + applied.get(0) + " was applied before)"
                : " (versions " + String.join(", ", applied) + " were applied before)";
    }

    private void disableMigrator() {
        try (Connection session = control.connect(database)) {
            MigratorRole.disable(session, instance.ownerRole());
        } catch (SQLException e) {
            // It logs in with a password nobody kept; the next run on this database finishes the hand-over.
            log.warn("Could not disable the migrator role on {} (SQLSTATE {})", instance.instance(), e.getSQLState());
        }
    }

    private String scrub(String text) {
        return migrator.scrub(control.scrub(text));
    }

    private static AppliedMigration applied(MigrationInfo info) {
        return AppliedMigration.newBuilder()
                .setVersion(info.getVersion().getVersion())
                .setDescription(info.getDescription())
                .setChecksum(info.getChecksum())
                .setAppliedAt(info.getInstalledOn().toInstant())
                .setDurationMillis(info.getExecutionTime() == null ? 0 : info.getExecutionTime())
                .build();
    }

    private static String serverMessage(SQLException e) {
        if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null
                && psql.getServerErrorMessage().getMessage() != null) {
            String detail = psql.getServerErrorMessage().getDetail();
            return psql.getServerErrorMessage().getMessage() + (detail == null ? "" : " (" + detail + ")");
        }
        return firstLine(e.getMessage());
    }

    /** Flyway's explanation on one line, bounded. */
    private static String summary(String text) {
        if (text == null) {
            return "unknown error";
        }
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= SUMMARY_MAX ? flat : flat.substring(0, SUMMARY_MAX - 3) + "...";
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unknown error";
        }
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip();
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable cause = e; cause != null && seen.add(cause); cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
