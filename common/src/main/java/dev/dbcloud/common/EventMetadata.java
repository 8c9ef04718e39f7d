package dev.dbcloud.common;

import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The fields every dbcloud record carries (see the schemas in {@code src/main/avro}): which record, which
 * operation, which instance, and when. {@link #stamp} and {@link #stampAsOutcomeOf} fill them in; a record made
 * with its constructor and its own setters then needs nothing else.
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

    /** Fills the fields every record carries: a new event id, the operation, the instance and the time. */
    public static <T extends SpecificRecordBase> T stamp(T record, UUID operationId, InstanceRef instance,
            Instant occurredAt) {
        record.put("eventId", UUID.randomUUID().toString());
        record.put("operationId", operationId.toString());
        record.put("tenant", instance.tenant());
        record.put("instanceName", instance.name());
        record.put("occurredAt", occurredAt);
        return record;
    }

    /** Fills the fields every record carries as an outcome of {@code cause}: its operation and its instance. */
    public static <T extends SpecificRecordBase> T stampAsOutcomeOf(SpecificRecordBase cause, T record,
            Instant occurredAt) {
        EventMetadata metadata = of(cause);
        return stamp(record, metadata.operationId(), metadata.instance(), occurredAt);
    }
}
