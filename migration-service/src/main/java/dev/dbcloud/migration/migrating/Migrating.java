package dev.dbcloud.migration.migrating;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.common.secrets.ControlPasswordCipher;
import dev.dbcloud.events.MigrateRequested;
import dev.dbcloud.events.Migration;
import dev.dbcloud.events.MigrationFailed;
import dev.dbcloud.events.MigrationFailureReason;
import dev.dbcloud.events.MigrationSucceeded;
import dev.dbcloud.messaging.handled.HandledOperations;
import dev.dbcloud.migration.migrating.MigrationOutcome.Applied;
import dev.dbcloud.migration.migrating.MigrationOutcome.Refused;
import dev.dbcloud.migration.registry.KnownInstance;
import dev.dbcloud.migration.registry.KnownInstances;
import dev.dbcloud.sql.ServerLogin;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Applying a request's migrations to an application's database, once per operation: a redelivered request
 * re-emits its outcome. Emits {@code MigrationSucceeded} or {@code MigrationFailed} (with a reason) on
 * {@code dbcloud.instance-events} through the outbox; no {@code DatabaseCreated}, even when the run created the
 * database, since it would travel on another topic than its {@code MigrateRequested} and a reader could take it
 * for a CREATE_DATABASE operation of that id. {@code MigrationSucceeded} names the database. Either outcome names
 * the restore point made before the run on a local instance (none when the run never reached the server).
 */
@Service
public class Migrating {

    /** How this service's sessions show in {@code pg_stat_activity}. */
    private static final String APPLICATION = "dbcloud-migration";

    private static final Logger log = LoggerFactory.getLogger(Migrating.class);

    private final KnownInstances instances;
    private final RestorePoints restorePoints;
    private final HandledOperations handled;
    private final ControlPasswordCipher cipher;
    private final MigrationProperties properties;
    private final Clock clock;

    Migrating(KnownInstances instances, RestorePoints restorePoints, HandledOperations handled,
            ControlPasswordCipher cipher, MigrationProperties properties, Clock clock) {
        this.instances = instances;
        this.restorePoints = restorePoints;
        this.handled = handled;
        this.cipher = cipher;
        this.properties = properties;
        this.clock = clock;
    }

    public void migrate(MigrateRequested command) {
        UUID operationId = UUID.fromString(command.getOperationId());
        if (handled.reEmit(operationId)) {
            log.info("Re-emitted the outcome of migration {}", operationId);
            return;
        }
        Optional<Refused> invalid = invalid(command.getMigrations());
        if (invalid.isPresent()) {
            handled.emit(command, failed(command, invalid.get()));
            return;
        }
        InstanceRef ref = new InstanceRef(command.getTenant(), command.getInstanceName());
        Optional<KnownInstance> instance = awaitInstance(ref);
        if (instance.isEmpty()) {
            handled.emit(command, failed(command, new Refused(
                    MigrationFailureReason.INSTANCE_NOT_AVAILABLE, null, null, "no available instance is named "
                            + ref.name() + " (waited " + properties.instanceWait().toSeconds() + "s for it)")));
            return;
        }
        Instant started = clock.instant();
        MigrationOutcome outcome = run(operationId, instance.get(), command);
        long durationMillis = clock.millis() - started.toEpochMilli();
        handled.emit(command, outcome.match(applied -> {
            log.info("Migrated {} on {}: applied {}, now at version {}", command.getAppDbName(), ref,
                    applied.appliedVersions(), applied.currentVersion());
            return succeeded(command, applied, durationMillis);
        }, refused -> {
            log.info("Migrating {} on {} failed: {} {}", command.getAppDbName(), ref, refused.reason(),
                    refused.message());
            return failed(command, refused);
        }));
    }

    private MigrationOutcome run(UUID operationId, KnownInstance instance, MigrateRequested command) {
        String password = cipher.decrypt(instance.instance(), instance.controlPasswordCiphertext());
        ServerLogin control = new ServerLogin(instance.hostName(), instance.port(), instance.controlRole(), password,
                properties.connectTimeout(), properties.connectTimeout(), APPLICATION)
                .withSessionLimits(properties.statementTimeout(), properties.lockTimeout());
        return new MigrationRun(operationId, instance, control, restorePoints, command.getAppDbName(),
                new RequestedScripts(command.getMigrations()), command.getAllowBreakingChanges()).run();
    }

    /** What the gateway validates, checked again: this service acts on what it is sent, whoever sent it. */
    private static Optional<Refused> invalid(List<Migration> migrations) {
        if (migrations.isEmpty()) {
            return Optional.of(invalid(null, "the request holds no migration"));
        }
        Map<MigrationVersion, String> versions = new HashMap<>();
        for (Migration migration : migrations) {
            MigrationVersion version;
            try {
                version = MigrationVersion.fromVersion(migration.getVersion());
            } catch (FlywayException | IllegalArgumentException e) {
                return Optional.of(invalid(migration.getVersion(), "\"" + migration.getVersion()
                        + "\" is not a version (numbers separated by dots or underscores)"));
            }
            String previous = versions.putIfAbsent(version, migration.getVersion());
            if (previous != null) {
                return Optional.of(invalid(migration.getVersion(), "versions " + previous + " and "
                        + migration.getVersion() + " are the same version"));
            }
            if (migration.getDescription().isBlank() || migration.getSql().isBlank()) {
                return Optional.of(invalid(migration.getVersion(), "version " + migration.getVersion()
                        + " needs a description and a script"));
            }
        }
        return Optional.empty();
    }

    private static Refused invalid(String version, String message) {
        return new Refused(MigrationFailureReason.INVALID_MIGRATION, version, null, message);
    }

    /**
     * The instance, once the registry knows it. A request can overtake the outcome that announces its instance
     * (they travel on different topics), so it waits a bounded time for it.
     */
    private Optional<KnownInstance> awaitInstance(InstanceRef ref) {
        long deadline = System.nanoTime() + properties.instanceWait().toNanos();
        while (true) {
            Optional<KnownInstance> instance = instances.live(ref);
            if (instance.isPresent() || System.nanoTime() - deadline >= 0) {
                return instance;
            }
            try {
                Thread.sleep(properties.instancePoll().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for instance " + ref, e);
            }
        }
    }

    private MigrationSucceeded succeeded(MigrateRequested command, Applied applied, long durationMillis) {
        MigrationSucceeded event = new MigrationSucceeded();
        event.setApplication(command.getApplication());
        event.setDatabase(command.getAppDbName());
        event.setAppliedVersions(applied.appliedVersions());
        event.setCurrentVersion(applied.currentVersion());
        event.setDurationMillis(durationMillis);
        event.setHistory(applied.history());
        event.setRestorePoint(applied.restorePoint());
        return EventMetadata.stampAsOutcomeOf(command, event, clock.instant());
    }

    private MigrationFailed failed(MigrateRequested command, Refused refused) {
        MigrationFailed event = new MigrationFailed();
        event.setApplication(command.getApplication());
        event.setDatabase(command.getAppDbName());
        event.setReason(refused.reason());
        event.setFailedVersion(refused.failedVersion());
        event.setSqlState(refused.sqlState());
        event.setMessage(refused.message());
        event.setHistory(refused.history());
        event.setRestorePoint(refused.restorePoint());
        return EventMetadata.stampAsOutcomeOf(command, event, clock.instant());
    }
}
