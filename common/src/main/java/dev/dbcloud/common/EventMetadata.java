package dev.dbcloud.common;

import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The fields every dbcloud record carries (see the schemas in {@code src/main/avro}): which record, which
 * operation, which instance, and when.
 */
public record EventMetadata(UUID eventId, UUID operationId, InstanceRef instance, Instant occurredAt, String type) {

    public static EventMetadata of(SpecificRecordBase record) {
        return new EventMetadata(
                UUID.fromString((String) record.get("eventId")),
                UUID.fromString((String) record.get("operationId")),
                new InstanceRef((String) record.get("tenant"), (String) record.get("instanceName")),
                (Instant) record.get("occurredAt"),
                record.getSchema().getName());
    }
}
