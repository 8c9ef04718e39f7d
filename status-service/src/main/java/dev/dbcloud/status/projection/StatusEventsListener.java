package dev.dbcloud.status.projection;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.Topics;
import dev.dbcloud.events.DestroyFailed;
import dev.dbcloud.events.DestroyRequested;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceHealthChanged;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.MigrateRequested;
import dev.dbcloud.events.MigrationFailed;
import dev.dbcloud.events.MigrationSucceeded;
import dev.dbcloud.events.PasswordReset;
import dev.dbcloud.events.PasswordResetFailed;
import dev.dbcloud.events.PasswordResetRequested;
import dev.dbcloud.events.ProvisionFailed;
import dev.dbcloud.events.ProvisionRequested;
import org.apache.avro.specific.SpecificRecordBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The Kafka adapter: each record type the read model projects goes to its projection, one line each. Failures
 * are left to the container's error handler (bounded retries, then the topic's dead-letter topic).
 */
@Component
@KafkaListener(topics = {Topics.INSTANCE_COMMANDS, Topics.MIGRATION_COMMANDS, Topics.INSTANCE_EVENTS},
        groupId = Topics.Groups.STATUS)
class StatusEventsListener {

    private static final Logger log = LoggerFactory.getLogger(StatusEventsListener.class);

    private final InstanceProjection instances;
    private final OperationProjection operations;

    StatusEventsListener(InstanceProjection instances, OperationProjection operations) {
        this.instances = instances;
        this.operations = operations;
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
    void on(InstanceHealthChanged fact) {
        instances.healthChanged(fact);
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
    void on(MigrateRequested command) {
        operations.migrateRequested(command);
    }

    @KafkaHandler
    void on(MigrationSucceeded outcome) {
        operations.migrationSucceeded(outcome);
    }

    @KafkaHandler
    void on(MigrationFailed outcome) {
        operations.migrationFailed(outcome);
    }

    /** Linking, unlinking and app databases are not part of this version's read model. */
    @KafkaHandler(isDefault = true)
    void notProjected(SpecificRecordBase record) {
        if (log.isDebugEnabled()) {
            EventMetadata event = EventMetadata.of(record);
            log.debug("Not projected: {} {} for {}", event.type(), event.eventId(), event.instance());
        }
    }
}
