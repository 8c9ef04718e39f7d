package dev.dbcloud.status;

import dev.dbcloud.events.AppliedMigration;
import dev.dbcloud.events.BackupsChanged;
import dev.dbcloud.events.BaseBackup;
import dev.dbcloud.events.CreateDatabaseRequested;
import dev.dbcloud.events.DatabaseCreated;
import dev.dbcloud.events.DatabaseCreationFailed;
import dev.dbcloud.events.DatabaseCreationFailureReason;
import dev.dbcloud.events.DestroyFailed;
import dev.dbcloud.events.DestroyFailureReason;
import dev.dbcloud.events.DestroyRequested;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceDriverKind;
import dev.dbcloud.events.InstanceHealth;
import dev.dbcloud.events.InstanceHealthChanged;
import dev.dbcloud.events.InstanceLinked;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.InstanceRestored;
import dev.dbcloud.events.InstanceUnlinked;
import dev.dbcloud.events.LinkFailed;
import dev.dbcloud.events.LinkFailureReason;
import dev.dbcloud.events.LinkRequested;
import dev.dbcloud.events.MigrateRequested;
import dev.dbcloud.events.Migration;
import dev.dbcloud.events.MigrationFailed;
import dev.dbcloud.events.MigrationFailureReason;
import dev.dbcloud.events.MigrationSucceeded;
import dev.dbcloud.events.PasswordReset;
import dev.dbcloud.events.PasswordResetRequested;
import dev.dbcloud.events.ProvisionFailed;
import dev.dbcloud.events.ProvisionFailureReason;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.events.RestoreFailed;
import dev.dbcloud.events.RestoreFailureReason;
import dev.dbcloud.events.RestorePoint;
import dev.dbcloud.events.RestoreRequested;
import dev.dbcloud.events.InstanceStarted;
import dev.dbcloud.events.InstanceStopped;
import dev.dbcloud.events.StartFailed;
import dev.dbcloud.events.StartFailureReason;
import dev.dbcloud.events.StartRequested;
import dev.dbcloud.events.StopRequested;
import dev.dbcloud.events.UnlinkFailed;
import dev.dbcloud.events.UnlinkFailureReason;
import dev.dbcloud.events.UnlinkRequested;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Builds the records of one instance's story, each with a fresh event id. Times are whole seconds after the story's
 * {@code start}, so a test can name them and compare them with the ISO-8601 strings the API returns.
 *
 * <p>Stories start at {@link #START} unless told otherwise. It lies far in the future, so the status-service's
 * operation timeout never ends their operations, however long a test takes; a story about timeouts
 * {@link #startingAt starts} in the past.
 */
record InstanceStory(String tenant, String name, Instant start) {

    static final Instant START = Instant.parse("2100-01-01T00:00:00Z");

    static final String LINKED_HOST = "pg.customer.test";
    static final int LINKED_PORT = 6543;
    static final String LINKED_ROLE = "dbcontrol";

    /** A tenant no other test uses. */
    static InstanceStory of(String name) {
        return new InstanceStory("t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12), name, START);
    }

    InstanceStory named(String otherName) {
        return new InstanceStory(tenant, otherName, start);
    }

    InstanceStory startingAt(Instant otherStart) {
        return new InstanceStory(tenant, name, otherStart);
    }

    String key() {
        return tenant + "/" + name;
    }

    /** A time in a story that starts at {@link #START}. */
    static Instant at(int second) {
        return START.plusSeconds(second);
    }

    /** A time in this story. */
    Instant time(int second) {
        return start.plusSeconds(second);
    }

    ProvisionRequested provisionRequested(UUID operation, int second) {
        return ProvisionRequested.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setAdminUsername("alice").setPasswordVerifier("SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy")
                .build();
    }

    InstanceProvisioned provisioned(UUID operation, int second, int port) {
        return InstanceProvisioned.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setHostName("db.example.test").setPort(port).setAdminUsername("alice")
                .setDriver(InstanceDriverKind.LOCAL)
                .setControlPasswordCiphertext(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .build();
    }

    ProvisionFailed provisionFailed(UUID operation, int second, ProvisionFailureReason reason, String message) {
        return ProvisionFailed.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setReason(reason).setMessage(message)
                .build();
    }

    /**
     * A restore of {@code source}'s backups into this story's instance.
     *
     * @param pointInTime the moment to restore, or null for the latest state
     * @param restorePoint the restore point to stop before, or null
     */
    RestoreRequested restoreRequested(UUID operation, int second, String source, Instant pointInTime,
            String restorePoint) {
        return RestoreRequested.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setSourceInstanceName(source).setPointInTime(pointInTime).setRestorePoint(restorePoint)
                .build();
    }

    /** The restore made this story's instance, holding {@code source}'s state at {@code restoredTo}. */
    InstanceRestored restored(UUID operation, int second, int port, String source, Instant restoredTo,
            String... databases) {
        return InstanceRestored.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setHostName("db.example.test").setPort(port).setAdminUsername("alice")
                .setDriver(InstanceDriverKind.LOCAL)
                .setControlPasswordCiphertext(ByteBuffer.wrap(new byte[] {7, 8, 9}))
                .setSourceInstanceName(source).setRestoredTo(restoredTo).setDatabases(List.of(databases))
                .build();
    }

    RestoreFailed restoreFailed(UUID operation, int second, String source, RestoreFailureReason reason,
            String message) {
        return RestoreFailed.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setSourceInstanceName(source).setReason(reason).setMessage(message)
                .build();
    }

    /**
     * The instance's backups changed: a fact under its creating operation, carrying every base backup kept, oldest
     * first; the earliest restorable time is the end of the oldest.
     */
    BackupsChanged backupsChanged(UUID creatingOperation, int second, BaseBackup... backups) {
        return BackupsChanged.newBuilder()
                .setEventId(newId()).setOperationId(creatingOperation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setBackups(List.of(backups))
                .setEarliestRestorableTime(backups.length == 0 ? null : backups[0].getFinishedAt())
                .build();
    }

    /** A base backup taken from {@code second} to {@code second + 1} of this story. */
    BaseBackup baseBackup(int second, long sizeBytes) {
        return BaseBackup.newBuilder()
                .setStartedAt(time(second)).setFinishedAt(time(second + 1)).setSizeBytes(sizeBytes)
                .build();
    }

    /** The restore point a migration run was preceded by, made at {@code second} of this story. */
    RestorePoint restorePoint(String pointName, int second) {
        return RestorePoint.newBuilder().setName(pointName).setCreatedAt(time(second)).build();
    }

    DestroyRequested destroyRequested(UUID operation, int second) {
        return DestroyRequested.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .build();
    }

    InstanceDestroyed destroyed(UUID operation, int second) {
        return InstanceDestroyed.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .build();
    }

    DestroyFailed destroyFailed(UUID operation, int second, String message) {
        return DestroyFailed.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setReason(DestroyFailureReason.DRIVER_ERROR).setMessage(message)
                .build();
    }

    InstanceHealthChanged health(InstanceHealth health, int second) {
        return InstanceHealthChanged.newBuilder()
                .setEventId(newId()).setOperationId(UUID.randomUUID().toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setHealth(health)
                .build();
    }

    StopRequested stopRequested(UUID operation, int second) {
        return StopRequested.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .build();
    }

    InstanceStopped stopped(UUID operation, int second) {
        return InstanceStopped.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .build();
    }

    StartRequested startRequested(UUID operation, int second) {
        return StartRequested.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .build();
    }

    InstanceStarted started(UUID operation, int second, int port, Integer previousPort) {
        return InstanceStarted.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setHostName("localhost").setPort(port).setPreviousPort(previousPort)
                .build();
    }

    StartFailed startFailed(UUID operation, int second, String message) {
        return StartFailed.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setReason(StartFailureReason.PORTS_EXHAUSTED).setMessage(message)
                .build();
    }

    PasswordResetRequested passwordResetRequested(UUID operation, int second) {
        return PasswordResetRequested.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setPasswordVerifier("SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy")
                .build();
    }

    PasswordReset passwordReset(UUID operation, int second) {
        return PasswordReset.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .build();
    }

    MigrateRequested migrateRequested(UUID operation, int second) {
        return MigrateRequested.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setApplication("shop").setAppDbName("shop")
                .setMigrations(List.of(Migration.newBuilder()
                        .setVersion("1").setDescription("orders").setSql("CREATE TABLE orders (id bigint)").build()))
                .build();
    }

    /** Migrating the database {@code shop} succeeded; its history is version 1, applied just before. */
    MigrationSucceeded migrationSucceeded(UUID operation, int second) {
        return migrationSucceeded(operation, second, "shop", appliedMigration("1", "orders", 1126, second - 1, 40));
    }

    /**
     * Migrating {@code database} succeeded.
     *
     * @param history the database's whole applied history afterwards, oldest first; the last one's version is the
     *     current version, and the run reports all of them as applied by it (status-service reads only the history)
     */
    MigrationSucceeded migrationSucceeded(UUID operation, int second, String database, AppliedMigration... history) {
        List<String> versions = Arrays.stream(history).map(AppliedMigration::getVersion).toList();
        return MigrationSucceeded.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setApplication("shop").setDatabase(database).setAppliedVersions(versions)
                .setCurrentVersion(versions.isEmpty() ? null : versions.get(versions.size() - 1))
                .setDurationMillis(12).setHistory(List.of(history))
                .build();
    }

    /** One entry of a database's history, applied at {@code second} of this story. */
    AppliedMigration appliedMigration(String version, String description, Integer checksum, int second,
            long durationMillis) {
        return AppliedMigration.newBuilder()
                .setVersion(version).setDescription(description).setChecksum(checksum)
                .setAppliedAt(time(second)).setDurationMillis(durationMillis)
                .build();
    }

    /** Migrating the database {@code shop} failed with an SQL error at version 2. */
    MigrationFailed migrationFailed(UUID operation, int second, String message) {
        return migrationFailed(operation, second, "shop", MigrationFailureReason.SQL_ERROR, "2", "42P07", message);
    }

    /**
     * @param failedVersion the version that failed, or null
     * @param sqlState the SQLSTATE PostgreSQL reported, or null
     */
    MigrationFailed migrationFailed(UUID operation, int second, String database, MigrationFailureReason reason,
            String failedVersion, String sqlState, String message) {
        return MigrationFailed.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setApplication("shop").setDatabase(database)
                .setReason(reason).setFailedVersion(failedVersion).setSqlState(sqlState)
                .setMessage(message)
                .build();
    }

    /** Migrating {@code shop} failed at version 3, after which {@code stillApplied} were the applied ones. */
    MigrationFailed migrationFailedLeaving(UUID operation, int second, AppliedMigration... stillApplied) {
        MigrationFailed failed = migrationFailed(operation, second, "shop", MigrationFailureReason.SQL_ERROR, "3",
                "42703", "column \"note\" does not exist");
        failed.setHistory(List.of(stillApplied));
        return failed;
    }

    CreateDatabaseRequested createDatabaseRequested(UUID operation, int second, String database) {
        return CreateDatabaseRequested.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setDatabase(database)
                .build();
    }

    DatabaseCreated databaseCreated(UUID operation, int second, String database) {
        return DatabaseCreated.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setDatabase(database).setOwner("alice")
                .build();
    }

    DatabaseCreationFailed databaseCreationFailed(UUID operation, int second, String database,
            DatabaseCreationFailureReason reason, String message) {
        return DatabaseCreationFailed.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setDatabase(database).setReason(reason).setMessage(message)
                .build();
    }

    LinkRequested linkRequested(UUID operation, int second) {
        return LinkRequested.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setHostName(LINKED_HOST).setPort(LINKED_PORT).setAdminRole(LINKED_ROLE)
                .setPasswordCiphertext(ByteBuffer.wrap(new byte[] {4, 5, 6}))
                .build();
    }

    InstanceLinked linked(UUID operation, int second) {
        return InstanceLinked.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setHostName(LINKED_HOST).setPort(LINKED_PORT).setAdminRole(LINKED_ROLE)
                .setControlPasswordCiphertext(ByteBuffer.wrap(new byte[] {4, 5, 6}))
                .build();
    }

    LinkFailed linkFailed(UUID operation, int second, LinkFailureReason reason, String message) {
        return LinkFailed.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setReason(reason).setMessage(message)
                .build();
    }

    UnlinkRequested unlinkRequested(UUID operation, int second) {
        return UnlinkRequested.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .build();
    }

    InstanceUnlinked unlinked(UUID operation, int second) {
        return InstanceUnlinked.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .build();
    }

    UnlinkFailed unlinkFailed(UUID operation, int second) {
        return UnlinkFailed.newBuilder()
                .setEventId(newId()).setOperationId(operation.toString())
                .setTenant(tenant).setInstanceName(name).setOccurredAt(time(second))
                .setReason(UnlinkFailureReason.WRONG_DRIVER).setMessage("a local instance is destroyed, not unlinked")
                .build();
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }
}
