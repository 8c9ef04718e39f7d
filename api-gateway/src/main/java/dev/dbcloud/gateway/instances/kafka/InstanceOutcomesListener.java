package dev.dbcloud.gateway.instances.kafka;

import dev.dbcloud.common.Topics;
import dev.dbcloud.events.DestroyFailed;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceUnlinked;
import dev.dbcloud.gateway.instances.InstanceNames;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Frees the names of instances that are gone; every other event is someone else's business. */
@Component
@KafkaListener(topics = Topics.INSTANCE_EVENTS, groupId = Topics.Groups.GATEWAY)
class InstanceOutcomesListener {

    private final InstanceNames names;

    InstanceOutcomesListener(InstanceNames names) {
        this.names = names;
    }

    @KafkaHandler
    void on(InstanceDestroyed outcome) {
        names.released(UUID.fromString(outcome.getOperationId()));
    }

    @KafkaHandler
    void on(InstanceUnlinked outcome) {
        names.released(UUID.fromString(outcome.getOperationId()));
    }

    @KafkaHandler
    void on(DestroyFailed outcome) {
        names.releaseFailed(UUID.fromString(outcome.getOperationId()));
    }

    @KafkaHandler(isDefault = true)
    void ignore(SpecificRecordBase other) {
    }
}
