package dev.dbcloud.migration.migrating.kafka;

import dev.dbcloud.common.Topics;
import dev.dbcloud.events.MigrateRequested;
import dev.dbcloud.messaging.InvalidRecordException;
import dev.dbcloud.migration.migrating.Migrating;
import org.apache.avro.specific.SpecificRecordBase;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Adapts migration commands to the use case. One record per poll: a request may wait for its instance and then
 * run migrations, each bounded (see {@code dbcloud.migration.*}), so the poll loop stays inside
 * {@code max.poll.interval.ms}.
 */
@Component
@KafkaListener(topics = Topics.MIGRATION_COMMANDS, groupId = Topics.Groups.MIGRATION, properties = "max.poll.records=1")
class MigrationCommandListener {

    private final Migrating migrating;

    MigrationCommandListener(Migrating migrating) {
        this.migrating = migrating;
    }

    @KafkaHandler
    void on(MigrateRequested command) {
        migrating.migrate(command);
    }

    /** Any other record on this topic breaks the contract; it goes to the dead-letter topic, without retries. */
    @KafkaHandler(isDefault = true)
    void onOther(SpecificRecordBase record) {
        throw new InvalidRecordException(record.getSchema().getName() + " is not a migration command");
    }
}
