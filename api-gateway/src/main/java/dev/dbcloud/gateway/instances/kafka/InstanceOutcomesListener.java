package dev.dbcloud.gateway.instances.kafka;

import dev.dbcloud.common.Topics;
import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.gateway.operations.OperationWaits;
import dev.dbcloud.events.DestroyFailed;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceUnlinked;
import dev.dbcloud.events.UnlinkFailed;
import dev.dbcloud.gateway.instances.InstanceNames;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Frees the names of instances that are gone, and wakes the long-polls of every operation an event is about. With
 * more than one gateway, only the one that consumes an event is woken by it; the others find out by their
 * periodic check.
 */
@Component
@KafkaListener(topics = Topics.INSTANCE_EVENTS, groupId = Topics.Groups.GATEWAY)
class InstanceOutcomesListener {

    private final InstanceNames names;
    private final OperationWaits waits;

    InstanceOutcomesListener(InstanceNames names, OperationWaits waits) {
        this.names = names;
        this.waits = waits;
    }

    @KafkaHandler
    void on(InstanceDestroyed outcome) {
        names.released(UUID.fromString(outcome.getOperationId()));
        wake(outcome);
    }

    @KafkaHandler
    void on(InstanceUnlinked outcome) {
        names.released(UUID.fromString(outcome.getOperationId()));
        wake(outcome);
    }

    @KafkaHandler
    void on(DestroyFailed outcome) {
        names.releaseFailed(UUID.fromString(outcome.getOperationId()));
        wake(outcome);
    }

    @KafkaHandler
    void on(UnlinkFailed outcome) {
        names.releaseFailed(UUID.fromString(outcome.getOperationId()));
        wake(outcome);
    }

    @KafkaHandler(isDefault = true)
    void wake(SpecificRecordBase event) {
        waits.outcome(EventMetadata.of(event).operationId());
    }
}
