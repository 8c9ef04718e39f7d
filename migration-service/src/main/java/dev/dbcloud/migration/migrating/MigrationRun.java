package dev.dbcloud.migration.migrating;

import dev.dbcloud.events.AppliedMigration;
import dev.dbcloud.events.RestorePoint;
import dev.dbcloud.migration.registry.KnownInstance;
import dev.dbcloud.sql.ApplicationDatabases;
import dev.dbcloud.sql.ServerLogin;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's migrations on one instance: on an instance that keeps backups, a restore point made first (see
 * {@link RestorePoints}; without it the run does not begin), the application's database made to exist, what was
 * applied before validated against the request, then the pending migrations applied by Flyway as the owner role,
 * checked for breaking changes: all together in one transaction the guard watches, or, when that cannot be or
 * stops short, one at a time after the guard's dry run (see {@link #together}). Every business failure ends the
 * run with a {@link MigrationOutcome.Refused} naming its reason ({@link MigrationFailures} words it); only faults
 * of this service's own making escape as exceptions. Flyway's commands and the dry run take their sessions from
 * the run's {@link RunSessions}, which keeps them open between steps and closes them all at the end.
 *
 * <p>One at a time: when the dry run of the breaking-change guard cannot go past a statement, the migrations it
 * verified are applied, and the guard looks again from there, on the schema they left: a statement that failed in
 * the dry run only because an earlier migration was not committed yet gets its chance, and one that fails for real
 * fails in Flyway, which reports it and leaves the migrations before it applied.
 */
final class MigrationRun {

    private static final Logger log = LoggerFactory.getLogger(MigrationRun.class);

    private final UUID operationId;
    private final KnownInstance instance;
    private final ServerLogin control;
    private final RestorePoints restorePoints;
    private final String database;
    private final boolean allowBreakingChanges;
    private final RequestedScripts scripts;
    private final List<String> applied = new ArrayList<>();
    private ServerLogin migrator;

    MigrationRun(UUID operationId, KnownInstance instance, ServerLogin control, RestorePoints restorePoints,
            String database, RequestedScripts scripts, boolean allowBreakingChanges) {
        this.operationId = operationId;
        this.instance = instance;
        this.control = control;
        this.restorePoints = restorePoints;
        this.database = database;
        this.scripts = scripts;
        this.allowBreakingChanges = allowBreakingChanges;
        this.migrator = control;
    }

    MigrationOutcome run() {
        boolean separateMigrator = !instance.controlRoleOwns();
        RestorePoint restorePoint = null;
        try (Connection server = control.connect("postgres")) {
            // The server answered: the point comes before anything the run changes, the database it creates too.
            if (instance.keepsBackups()) {
                try {
                    restorePoint = restorePoints.before(operationId, instance, server);
                } catch (SQLException e) {
                    return failures().restorePoint(e, RestorePoints.name(operationId));
                }
            }
            ApplicationDatabases.ensureExists(server, database,
                    separateMigrator ? instance.ownerRole() : null);
            if (separateMigrator) {
                migrator = MigratorRole.enable(server, control, instance.ownerRole());
            }
        } catch (SQLException e) {
            return failures().server(e, null, "preparing the database " + database).withRestorePoint(restorePoint);
        }
        // The sessions close before the migrator role hands over what it created and stops logging in.
        try (RunSessions sessions = new RunSessions(migrator, database)) {
            String owner = separateMigrator ? instance.ownerRole() : null;
            return migrate(sessions, owner).match(applied -> applied,
                    refused -> refused.withHistory(historyOrNull(sessions))).withRestorePoint(restorePoint);
        } finally {
            if (separateMigrator) {
                disableMigrator();
            }
        }
    }

    /**
     * The schema history read before the run lists both the pending migrations and what was applied before (see
     * {@link SchemaHistory}; Flyway's {@code info} was a command of its own). What was applied
     * before is validated against the request by {@code migrate} itself (its validation ignores future and pending
     * migrations, as this run's always did), so a run that applies something does not validate in a command of its
     * own; a refusal decided before {@code migrate} ran validates first (see {@link #validatedFirst}), so an invalid
     * request is still refused as invalid, whatever else the run found. (The dry run of an invalid request's pending
     * migrations now runs before that refusal; it is rolled back, as always.)
     */
    private MigrationOutcome migrate(DataSource dataSource, String owner) {
        boolean validated = false;
        try {
            SchemaHistory before = SchemaHistory.read(dataSource);
            if (before.hasFailed()) {
                log.info("Removed the failed rows of versions {} from the history of {}; the request tries them again",
                        SchemaHistory.forgetFailed(dataSource), database);
                before = SchemaHistory.read(dataSource);
            }
            List<RequestedScripts.Script> pending = scripts.above(before.latest());
            if (pending.isEmpty()) {
                MigrationOutcome.Refused invalid = invalid(dataSource, owner);
                return invalid != null ? invalid : applied(before);
            }
            MigrationOutcome together = together(dataSource, owner, pending);
            if (together != null) {
                return together;
            }
            // Nothing of it was committed, unless its commit went through and the answer was lost: look again.
            pending = pending(dataSource);
            while (!pending.isEmpty()) {
                MigrationOutcome.Refused endsTransaction = endingTransaction(pending);
                if (endsTransaction != null) {
                    return validatedFirst(dataSource, owner, validated, endsTransaction);
                }
                MigrationVersion target = MigrationVersion.LATEST;
                if (!allowBreakingChanges) {
                    BreakingChangeGuard.Inspection inspection;
                    try (Connection session = dataSource.getConnection()) {
                        inspection = BreakingChangeGuard.inspect(session, owner, pending);
                    } catch (SQLException e) {
                        MigrationOutcome.Refused failed = failures().server(e, null,
                                "inspecting the pending migrations");
                        return validatedFirst(dataSource, owner, validated, failed);
                    }
                    MigrationOutcome.Refused refused = null;
                    if (inspection instanceof BreakingChangeGuard.Breaking breaking) {
                        refused = failures().breaking(breaking);
                    }
                    if (inspection instanceof BreakingChangeGuard.EndsTransaction ends) {
                        refused = failures().endsTransaction(ends.version(), ends.statement());
                    }
                    if (refused != null) {
                        return validatedFirst(dataSource, owner, validated, refused);
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
                MigrateResult result;
                try {
                    result = ApplicationFlyway.migrating(dataSource, owner, scripts, target).migrate();
                } catch (FlywayValidateException e) {
                    MigrationOutcome.Refused invalid = invalid(dataSource, owner);
                    return invalid != null ? invalid : failures().flyway(e, scripts::versionOf);
                }
                validated = true;
                result.migrations.forEach(migration -> applied.add(migration.version));
                if (target == MigrationVersion.LATEST) {
                    break;
                }
                if (result.migrationsExecuted == 0) {
                    throw new IllegalStateException("Flyway applied nothing up to pending version " + target);
                }
                pending = pending(dataSource);
            }
            return applied(SchemaHistory.read(dataSource));
        } catch (FlywayException e) {
            return failure(dataSource, e);
        } catch (SQLException e) {
            return failures().server(e, null, "reading the schema history");
        }
    }

    /**
     * The way of a run that goes well: Flyway applies every pending migration in one transaction, the guard watching
     * (see {@link BreakingChangeGuard.Watch}), so each statement runs once and the migrations commit together. Null
     * when the run must go one migration at a time instead, everything of this attempt rolled back: a pending
     * migration cannot run in a transaction, or one of them fails or would break a client. The dry run then names
     * what breaks, and the migrations before a failure are applied, as the user is told they will be. A failure in
     * the first pending migration is reported as it is: one at a time, it would fail the same way.
     */
    private MigrationOutcome together(DataSource dataSource, String owner, List<RequestedScripts.Script> pending)
            throws SQLException {
        if (endingTransaction(pending) != null || !allInTransaction(pending)) {
            return null;
        }
        MigrateResult result;
        try {
            result = ApplicationFlyway.together(dataSource, owner, scripts, pending.get(pending.size() - 1).version(),
                    allowBreakingChanges ? null : new BreakingChangeGuard.Watch()).migrate();
        } catch (FlywayValidateException e) {
            MigrationOutcome.Refused invalid = invalid(dataSource, owner);
            return invalid != null ? invalid : failures().flyway(e, scripts::versionOf);
        } catch (FlywayException e) {
            String failed = failedVersion(e);
            if (pending.get(0).version().getVersion().equals(failed)) {
                return failure(dataSource, e);
            }
            log.info("Applying the {} pending migrations together stopped ({}); applying them one at a time",
                    pending.size(), failed != null ? "version " + failed + " failed" : e.getMessage());
            return null;
        }
        result.migrations.forEach(migration -> applied.add(migration.version));
        return applied(SchemaHistory.read(dataSource));
    }

    /** A failure of Flyway's in a migration, told: a rule of the run broken, or a statement that failed. */
    private MigrationOutcome.Refused failure(DataSource dataSource, FlywayException e) {
        EachMigration.Refused broken = MigrationFailures.cause(e, EachMigration.Refused.class);
        if (broken != null) {
            return failures().brokeARule(broken.version().getVersion(), broken.getMessage());
        }
        MigrationOutcome.Refused failed = failures().flyway(e, scripts::versionOf);
        return keptAsFailed(dataSource, failed.failedVersion()) ? failures().outsideTransaction(failed) : failed;
    }

    /** The version a failure of Flyway's happened in, whether a statement failed or a rule of the run was broken. */
    private String failedVersion(FlywayException e) {
        EachMigration.Refused broken = MigrationFailures.cause(e, EachMigration.Refused.class);
        return broken != null ? broken.version().getVersion() : MigrationFailures.failedVersion(e, scripts::versionOf);
    }

    /**
     * Whether Flyway kept that version's row as failed, which it does for a migration that ran outside a transaction
     * (Flyway decides that with the server's version at hand, which the parser here does not have).
     */
    private boolean keptAsFailed(DataSource dataSource, String version) {
        try {
            return SchemaHistory.read(dataSource).failed(version);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static boolean allInTransaction(List<RequestedScripts.Script> pending) {
        for (RequestedScripts.Script script : pending) {
            try {
                if (!script.statements().stream().allMatch(ScriptStatements.Statement::inTransaction)) {
                    return false;
                }
            } catch (FlywayException e) {
                return false; // Flyway reports it, one migration at a time.
            }
        }
        return true;
    }

    /**
     * Flyway's validation of what was applied before against the request, as a refusal; null when it passes. Its
     * ignore patterns are the ones {@code migrate} validates with.
     */
    private MigrationOutcome.Refused invalid(DataSource dataSource, String owner) {
        ValidateResult validation = ApplicationFlyway.validating(dataSource, owner, scripts).validateWithResult();
        return validation.validationSuccessful ? null : failures().invalid(validation);
    }

    /**
     * A refusal about the pending migrations, unless the request is invalid: then that is the refusal, as when the
     * validation came before everything else.
     *
     * @param validated whether a {@code migrate} of this run validated already
     */
    private MigrationOutcome.Refused validatedFirst(DataSource dataSource, String owner, boolean validated,
            MigrationOutcome.Refused refused) {
        if (validated) {
            return refused;
        }
        MigrationOutcome.Refused invalid = invalid(dataSource, owner);
        return invalid != null ? invalid : refused;
    }

    private MigrationOutcome.Applied applied(SchemaHistory history) {
        List<AppliedMigration> successful = history.applied();
        return new MigrationOutcome.Applied(List.copyOf(applied),
                successful.isEmpty() ? null : successful.get(successful.size() - 1).getVersion(), successful);
    }

    /** After a failure: the history if it can be read, else null (the server may be the reason of the failure). */
    private List<AppliedMigration> historyOrNull(DataSource dataSource) {
        try {
            return SchemaHistory.read(dataSource).applied();
        } catch (SQLException | RuntimeException e) {
            log.info("The applied history of {} could not be read after the failure: {}", database, e.toString());
            return null;
        }
    }

    /** The requested scripts Flyway has yet to apply, in the order it applies them. */
    private List<RequestedScripts.Script> pending(DataSource dataSource) throws SQLException {
        return scripts.above(SchemaHistory.read(dataSource).latest());
    }

    /** A pending script that ends its transaction would not commit or roll back as a whole: it is refused. */
    private MigrationOutcome.Refused endingTransaction(List<RequestedScripts.Script> pending) {
        for (RequestedScripts.Script script : pending) {
            List<ScriptStatements.Statement> statements;
            try {
                statements = script.statements();
            } catch (FlywayException e) {
                continue; // Flyway reports it when it gets there, after the versions before it.
            }
            for (ScriptStatements.Statement statement : statements) {
                if (statement.controlsTransaction()) {
                    return failures().endsTransaction(script.version(), statement);
                }
            }
        }
        return null;
    }

    /** Tells failures with what the run knows now: the role it migrates as, and what it applied so far. */
    private MigrationFailures failures() {
        return new MigrationFailures(control.address(), migrator.role(), control.limits(), List.copyOf(applied),
                text -> migrator.scrub(control.scrub(text)));
    }

    private void disableMigrator() {
        try (Connection session = control.connect(database)) {
            MigratorRole.disable(session, instance.ownerRole());
        } catch (SQLException e) {
            // It logs in with a password nobody kept; the next run on this database finishes the hand-over.
            log.warn("Could not disable the migrator role on {} (SQLSTATE {})", instance.instance(), e.getSQLState());
        }
    }
}
