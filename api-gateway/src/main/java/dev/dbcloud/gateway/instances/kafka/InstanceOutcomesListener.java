package dev.dbcloud.gateway.instances.kafka;

import dev.dbcloud.common.Topics;
import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.gateway.operations.OperationWaits;
import dev.dbcloud.events.DestroyFailed;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceUnlinked;
import dev.dbcloud.events.UnlinkFailed;
import dev.dbcloud.gateway.instances.InstanceNames;
import dev.dbcloud.gateway.status.InstanceReads;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Frees the names of instances that are gone, tells {@link InstanceReads} what happened to each instance, and wakes
 * the long-polls of every operation an event is about. With more than one gateway, only the one that consumes an
 * event is woken by it; the others find out by their periodic check.
 */
@Component
@KafkaListener(topics = Topics.INSTANCE_EVENTS, groupId = Topics.Groups.GATEWAY)
class InstanceOutcomesListener {

    private final InstanceNames names;
    private final OperationWaits waits;
    private final InstanceReads reads;

    InstanceOutcomesListener(InstanceNames names, OperationWaits waits, InstanceReads reads) {
        this.names = names;
        this.waits = waits;
        this.reads = reads;
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
        EventMetadata metadata = EventMetadata.of(event);
        reads.eventSeen(metadata.instance().tenant(), metadata.instance().name(), metadata.operationId(),
                metadata.eventId());
        waits.outcome(metadata.operationId());
    }
}
