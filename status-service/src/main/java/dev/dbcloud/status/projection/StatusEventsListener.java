package dev.dbcloud.status.projection;

import dev.dbcloud.common.Topics;
import dev.dbcloud.events.BackupsChanged;
import dev.dbcloud.events.CreateDatabaseRequested;
import dev.dbcloud.events.DatabaseCreated;
import dev.dbcloud.events.DatabaseCreationFailed;
import dev.dbcloud.events.DestroyFailed;
import dev.dbcloud.events.DestroyRequested;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceHealthChanged;
import dev.dbcloud.events.InstanceLinked;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.InstanceRestored;
import dev.dbcloud.events.InstanceUnlinked;
import dev.dbcloud.events.LinkFailed;
import dev.dbcloud.events.LinkRequested;
import dev.dbcloud.events.MigrateRequested;
import dev.dbcloud.events.MigrationFailed;
import dev.dbcloud.events.MigrationSucceeded;
import dev.dbcloud.events.PasswordReset;
import dev.dbcloud.events.PasswordResetFailed;
import dev.dbcloud.events.PasswordResetRequested;
import dev.dbcloud.events.ProvisionFailed;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.events.RestoreFailed;
import dev.dbcloud.events.RestoreRequested;
import dev.dbcloud.events.InstanceStarted;
import dev.dbcloud.events.InstanceStopped;
import dev.dbcloud.events.StartFailed;
import dev.dbcloud.events.StartRequested;
import dev.dbcloud.events.StopFailed;
import dev.dbcloud.events.StopRequested;
import dev.dbcloud.events.UnlinkFailed;
import dev.dbcloud.events.UnlinkRequested;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The Kafka adapter: each record type of the contract goes to its projection, one line each (a test checks that
 * none is missing). Failures are left to the container's error handler (bounded retries, then the topic's
 * dead-letter topic).
 */
@Component
@KafkaListener(topics = {Topics.INSTANCE_COMMANDS, Topics.MIGRATION_COMMANDS, Topics.INSTANCE_EVENTS},
        groupId = Topics.Groups.STATUS)
class StatusEventsListener {

    private final InstanceProjection instances;
    private final DatabaseProjection databases;
    private final OperationProjection operations;
    private final BackupProjection backups;

    StatusEventsListener(InstanceProjection instances, DatabaseProjection databases, OperationProjection operations,
            BackupProjection backups) {
        this.instances = instances;
        this.databases = databases;
        this.operations = operations;
        this.backups = backups;
    }

    @KafkaHandler
    void on(ProvisionRequested command) {
        instances.provisionRequested(command);
    }

    @KafkaHandler
    void on(InstanceProvisioned outcome) {
        instances.provisioned(outcome);
    }

    @KafkaHandler
    void on(ProvisionFailed outcome) {
        instances.provisionFailed(outcome);
    }

    @KafkaHandler
    void on(LinkRequested command) {
        instances.linkRequested(command);
    }

    @KafkaHandler
    void on(InstanceLinked outcome) {
        instances.linked(outcome);
    }

    @KafkaHandler
    void on(LinkFailed outcome) {
        instances.linkFailed(outcome);
    }

    @KafkaHandler
    void on(DestroyRequested command) {
        instances.destroyRequested(command);
    }

    @KafkaHandler
    void on(InstanceDestroyed outcome) {
        instances.destroyed(outcome);
    }

    @KafkaHandler
    void on(DestroyFailed outcome) {
        instances.destroyFailed(outcome);
    }

    @KafkaHandler
    void on(UnlinkRequested command) {
        instances.unlinkRequested(command);
    }

    @KafkaHandler
    void on(InstanceUnlinked outcome) {
        instances.unlinked(outcome);
    }

    @KafkaHandler
    void on(UnlinkFailed outcome) {
        instances.unlinkFailed(outcome);
    }

    @KafkaHandler
    void on(InstanceHealthChanged fact) {
        instances.healthChanged(fact);
    }

    @KafkaHandler
    void on(StopRequested command) {
        instances.stopRequested(command);
    }

    @KafkaHandler
    void on(InstanceStopped outcome) {
        instances.stopped(outcome);
    }

    @KafkaHandler
    void on(StopFailed outcome) {
        instances.stopFailed(outcome);
    }

    @KafkaHandler
    void on(StartRequested command) {
        instances.startRequested(command);
    }

    @KafkaHandler
    void on(InstanceStarted outcome) {
        instances.started(outcome);
    }

    @KafkaHandler
    void on(StartFailed outcome) {
        instances.startFailed(outcome);
    }

    @KafkaHandler
    void on(RestoreRequested command) {
        instances.restoreRequested(command);
    }

    @KafkaHandler
    void on(InstanceRestored outcome) {
        instances.restored(outcome);
    }

    @KafkaHandler
    void on(RestoreFailed outcome) {
        instances.restoreFailed(outcome);
    }

    @KafkaHandler
    void on(BackupsChanged fact) {
        backups.backupsChanged(fact);
    }

    @KafkaHandler
    void on(PasswordResetRequested command) {
        operations.passwordResetRequested(command);
    }

    @KafkaHandler
    void on(PasswordReset outcome) {
        operations.passwordReset(outcome);
    }

    @KafkaHandler
    void on(PasswordResetFailed outcome) {
        operations.passwordResetFailed(outcome);
    }

    @KafkaHandler
    void on(CreateDatabaseRequested command) {
        databases.createDatabaseRequested(command);
    }

    @KafkaHandler
    void on(DatabaseCreated outcome) {
        databases.databaseCreated(outcome);
    }

    @KafkaHandler
    void on(DatabaseCreationFailed outcome) {
        databases.databaseCreationFailed(outcome);
    }

    @KafkaHandler
    void on(MigrateRequested command) {
        databases.migrateRequested(command);
    }

    @KafkaHandler
    void on(MigrationSucceeded outcome) {
        databases.migrationSucceeded(outcome);
    }

    @KafkaHandler
    void on(MigrationFailed outcome) {
        databases.migrationFailed(outcome);
    }
}
