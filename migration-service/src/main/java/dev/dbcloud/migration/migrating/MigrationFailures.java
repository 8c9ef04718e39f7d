package dev.dbcloud.migration.migrating;

import dev.dbcloud.events.MigrationFailureReason;
import dev.dbcloud.migration.migrating.MigrationOutcome.Refused;
import dev.dbcloud.sql.ServerLogin.SessionLimits;
import dev.dbcloud.sql.SqlStates;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.ErrorCode;
import org.flywaydb.core.api.ErrorDetails;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;
import org.flywaydb.core.api.output.errors.ErrorOutputItem;
import org.flywaydb.core.api.output.errors.ExceptionToErrorObjectConverter;
import org.flywaydb.core.api.output.errors.FlywayMigrateExceptionToErrorObjectConverter;
import org.flywaydb.core.api.output.errors.FlywayMigrateExceptionToErrorObjectConverter.FlywayMigrateErrorOutputItem;
import org.postgresql.util.PSQLException;

/**
 * Why a migration run failed, told to the user: a reason, the failed version and SQLSTATE when known, and a message
 * that says what to do, from what Flyway, the breaking-change guard and the server reported. Pure: it reads the
 * failures and the run's state it is given, and nothing else.
 *
 * @param address the server's host and port, for messages
 * @param role the role the migrations run as
 * @param limits the session limits the run had, for timeout messages
 * @param applied the versions this run applied before it failed
 * @param scrub removes passwords from a text before it goes into a message
 */
record MigrationFailures(String address, String role, SessionLimits limits, List<String> applied,
        UnaryOperator<String> scrub) {

    private static final String INVALID_AUTHORIZATION_CLASS = "28";
    private static final FlywayMigrateExceptionToErrorObjectConverter MIGRATE_ERRORS =
            new FlywayMigrateExceptionToErrorObjectConverter();
    private static final int CHANGES_NAMED_MAX = 10;
    private static final int SUMMARY_MAX = 1000;

    /** A pending script that would begin, commit or roll back a transaction itself. */
    Refused endsTransaction(MigrationVersion version, ScriptStatements.Statement statement) {
        return new Refused(MigrationFailureReason.INVALID_MIGRATION, version.getVersion(), null,
                "version " + version + " controls its transaction (line " + statement.line() + ": "
                        + statement.excerpt() + "); each migration runs in a transaction of its own, so it may not"
                        + " begin, commit or roll back one" + appliedBefore());
    }

    /** A pending migration the guard found would break the current schema's clients. */
    Refused breaking(BreakingChangeGuard.Breaking breaking) {
        List<String> changes = breaking.changes();
        String named = changes.stream().limit(CHANGES_NAMED_MAX).collect(Collectors.joining(", "))
                + (changes.size() > CHANGES_NAMED_MAX ? " and " + (changes.size() - CHANGES_NAMED_MAX) + " more" : "");
        return new Refused(MigrationFailureReason.BREAKING_CHANGE, breaking.version().getVersion(),
                null, "version " + breaking.version() + " would break clients of the current schema: " + named
                        + " (line " + breaking.statement().line() + ": " + breaking.statement().excerpt()
                        + "); it was not applied; to apply it anyway, send the migrations again allowing breaking"
                        + " changes" + appliedBefore());
    }

    /** The request does not agree with what was applied before (Flyway's validation). */
    Refused invalid(ValidateResult validation) {
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
            return new Refused(MigrationFailureReason.INVALID_MIGRATION, null, null, scrub.apply(summary(message)));
        }
        String version = first.version == null || first.version.isEmpty() ? null : first.version;
        return new Refused(MigrationFailureReason.INVALID_MIGRATION, version, null, explain(version, first.errorDetails));
    }

    /**
     * Flyway failed while migrating: a statement the server refused, or a script Flyway could not run. Where it
     * failed (the script, the line) comes from Flyway's public error output, not its internal exception types.
     *
     * @param versionOfScript the version of a requested script, by its file name; null for a name not requested
     */
    Refused flyway(FlywayException e, Function<String, String> versionOfScript) {
        String version = failedVersion(e, versionOfScript);
        Integer line = null;
        if (migrateError(e) instanceof FlywayMigrateErrorOutputItem failure) {
            line = failure.lineNumber() != null && failure.lineNumber() > 0 ? failure.lineNumber() : null;
        }
        SQLException sql = cause(e, SQLException.class);
        if (sql == null) {
            return new Refused(MigrationFailureReason.INVALID_MIGRATION, version, null,
                    scrub.apply(summary(e.getMessage())) + appliedBefore());
        }
        String doing = version == null ? "migrating" : "version " + version + (line == null ? "" : ", line " + line);
        return server(sql, version, doing);
    }

    /** A migration broke a rule every migration of a run is held to (see {@link EachMigration}); it was rolled back. */
    Refused brokeARule(String version, String message) {
        return new Refused(MigrationFailureReason.INVALID_MIGRATION, version, null, message + appliedBefore());
    }

    /**
     * {@code failure}, of a migration that ran outside a transaction, told with what that means: what its statements
     * did before the failing one stays done, and the next request tries the version again (see
     * {@link SchemaHistory#forgetFailed}).
     */
    Refused outsideTransaction(Refused failure) {
        String version = failure.failedVersion();
        return new Refused(failure.reason(), version, failure.sqlState(), failure.message() + "; version " + version
                + " ran outside a transaction (its statements, such as CREATE INDEX CONCURRENTLY, cannot run in one),"
                + " so what its statements before the failing one did stays done: undo it or make them safe to run"
                + " again (IF NOT EXISTS), then send the migrations again to retry version " + version);
    }

    /** A failure of the server, or of reaching it, while {@code doing} something. */
    Refused server(SQLException e, String version, String doing) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals(SqlStates.QUERY_CANCELED) || state.equals(SqlStates.LOCK_NOT_AVAILABLE)
                || cause(e, SocketTimeoutException.class) != null) {
            return new Refused(MigrationFailureReason.TIMEOUT, version, e.getSQLState(),
                    doing + " timed out: " + (state.equals(SqlStates.LOCK_NOT_AVAILABLE) ? "a lock was held longer than "
                            + limits.lockTimeout().toSeconds() + "s (lock_timeout)" : "a statement ran longer than "
                            + limits.statementTimeout().toSeconds() + "s (statement_timeout)") + appliedBefore());
        }
        if (SqlStates.isUnreachable(e)) {
            return new Refused(MigrationFailureReason.INSTANCE_NOT_AVAILABLE, version, e.getSQLState(),
                    doing + " failed: the server at " + address + " could not be reached (SQLSTATE "
                            + e.getSQLState() + ")" + appliedBefore());
        }
        if (state.startsWith(INVALID_AUTHORIZATION_CLASS)) {
            return new Refused(MigrationFailureReason.INSTANCE_NOT_AVAILABLE, version, e.getSQLState(),
                    doing + " failed: the server at " + address + " refused the login of " + role + " (SQLSTATE "
                            + e.getSQLState() + ")" + appliedBefore());
        }
        return new Refused(MigrationFailureReason.SQL_ERROR, version, e.getSQLState(),
                doing + " failed: " + scrub.apply(serverMessage(e)) + appliedBefore());
    }

    /**
     * The restore point a run on a local instance begins with could not be made, so the run did not begin: a
     * migration is applied there only when a restore can undo it. The server's refusal (say it is in recovery) is
     * the instance's state, not the request's SQL: INSTANCE_NOT_AVAILABLE, like a server that cannot be reached;
     * a timeout stays a TIMEOUT.
     */
    Refused restorePoint(SQLException e, String name) {
        Refused failure = server(e, null, "making the restore point " + name);
        MigrationFailureReason reason = failure.reason() == MigrationFailureReason.SQL_ERROR
                ? MigrationFailureReason.INSTANCE_NOT_AVAILABLE : failure.reason();
        return new Refused(reason, null, failure.sqlState(), failure.message()
                + "; no migration ran, since none runs on a local instance that a restore could not undo");
    }

    /**
     * The version of the migration Flyway failed in, when {@code e} is Flyway's failure of a migration; else null.
     *
     * @param versionOfScript the version of a requested script, by its file name; null for a name not requested
     */
    static String failedVersion(FlywayException e, Function<String, String> versionOfScript) {
        return migrateError(e) instanceof FlywayMigrateErrorOutputItem failure && failure.path() != null
                ? versionOfScript.apply(failure.path()) : null;
    }

    /**
     * Flyway's public view of a failed migration (script path, line, SQLSTATE), or null when {@code e} is not the
     * failure of a migration. Its converter is typed by an internal exception class, so it is called through its
     * untyped base here, after the type check.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ErrorOutputItem migrateError(FlywayException e) {
        return MIGRATE_ERRORS.getSupportedExceptionType().isInstance(e)
                ? ((ExceptionToErrorObjectConverter) MIGRATE_ERRORS).convert(e) : null;
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
        return scrub.apply(summary(error == null ? "version " + version + " is not valid" : error.errorMessage));
    }

    private String appliedBefore() {
        if (applied.isEmpty()) {
            return "";
        }
        return applied.size() == 1 ? " (version " + applied.get(0) + " was applied before)"
                : " (versions " + String.join(", ", applied) + " were applied before)";
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

    static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable cause = e; cause != null && seen.add(cause); cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
