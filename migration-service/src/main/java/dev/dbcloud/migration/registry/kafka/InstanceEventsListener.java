package dev.dbcloud.migration.registry.kafka;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.Topics;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceLinked;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.InstanceRestored;
import dev.dbcloud.events.InstanceStarted;
import dev.dbcloud.events.InstanceUnlinked;
import dev.dbcloud.migration.registry.KnownInstances;
import org.apache.avro.specific.SpecificRecordBase;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Keeps the instance registry current from the provisioner's outcomes.
 *
 * <p>It consumes in a group of its own, apart from the {@code MigrateRequested} consumer: that one may spend many
 * seconds on one record (waiting for an instance to be announced, then migrating), and in a shared group every
 * rebalance would wait for it, holding up the very announcements it waits for.
 */
@Component
@KafkaListener(topics = Topics.INSTANCE_EVENTS, groupId = InstanceEventsListener.GROUP)
class InstanceEventsListener {

    static final String GROUP = Topics.Groups.MIGRATION + "-registry";

    private final KnownInstances instances;

    InstanceEventsListener(KnownInstances instances) {
        this.instances = instances;
    }

    @KafkaHandler
    void on(InstanceProvisioned event) {
        instances.provisioned(event);
    }

    @KafkaHandler
    void on(InstanceRestored event) {
        instances.restored(event);
    }

    @KafkaHandler
    void on(InstanceLinked event) {
        instances.linked(event);
    }

    @KafkaHandler
    void on(InstanceStarted event) {
        instances.started(event);
    }

    @KafkaHandler
    void on(InstanceDestroyed event) {
        instances.ended(EventMetadata.of(event));
    }

    @KafkaHandler
    void on(InstanceUnlinked event) {
        instances.ended(EventMetadata.of(event));
    }

    /** Every other event on the topic (this service's own outcomes among them) is of no concern to the registry. */
    @KafkaHandler(isDefault = true)
    void ignore(SpecificRecordBase event) {
    }
}
