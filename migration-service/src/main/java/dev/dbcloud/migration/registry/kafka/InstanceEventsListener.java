package dev.dbcloud.migration.registry.kafka;

import dev.dbcloud.common.Topics;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.migration.registry.KnownInstances;
import org.apache.avro.specific.SpecificRecordBase;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Keeps the instance registry current from the provisioner's outcomes. */
@Component
@KafkaListener(topics = Topics.INSTANCE_EVENTS, groupId = Topics.Groups.MIGRATION)
class InstanceEventsListener {

    private final KnownInstances instances;

    InstanceEventsListener(KnownInstances instances) {
        this.instances = instances;
    }

    @KafkaHandler
    void on(InstanceProvisioned event) {
        instances.provisioned(event);
    }

    /** Every other event on the topic is of no concern to the registry. */
    @KafkaHandler(isDefault = true)
    void ignore(SpecificRecordBase event) {
    }
}
