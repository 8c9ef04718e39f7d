package dev.dbcloud.status.projection;

import dev.dbcloud.common.EventMetadata;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecordBase;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code events} table: the timeline of every projected event, and the record of which event ids were
 * applied. An event's effect commits in the same transaction as its row, so an event is applied exactly once
 * however often Kafka delivers it. The same transaction makes the event the version of the instance it is about
 * ({@code instances.last_event_id}, served as the ETag of the instance): a reader that saw the event knows an answer
 * with that version has it applied, whatever the event's {@code occurredAt}.
 */
@Component
class EventTimeline {

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    EventTimeline(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** Records the event and applies its effect, in one transaction; a duplicate is a success that changes nothing. */
    void applyOnce(SpecificRecordBase record, Consumer<EventMetadata> effect) {
        EventMetadata event = EventMetadata.of(record);
        transactions.executeWithoutResult(status -> {
            if (record(event)) {
                effect.accept(event);
                version(event);
            }
        });
    }

    private boolean record(EventMetadata event) {
        return jdbc.sql("""
                        INSERT INTO events (event_id, operation_id, tenant, instance_name, type, occurred_at)
                        VALUES (:eventId, :operationId, :tenant, :instanceName, :type, :occurredAt)
                        ON CONFLICT (event_id) DO NOTHING
                        """)
                .param("eventId", event.eventId())
                .param("operationId", event.operationId())
                .param("tenant", event.instance().tenant())
                .param("instanceName", event.instance().name())
                .param("type", event.type())
                .param("occurredAt", timestamp(event.occurredAt()))
                .update() == 1;
    }

    /** Even an event that changed nothing of the instance versions it: a reader awaits the last event it saw. */
    private void version(EventMetadata event) {
        jdbc.sql("""
                        UPDATE instances SET last_event_id = :eventId
                         WHERE tenant = :tenant AND name = :name AND status <> 'DESTROYED'
                        """)
                .param("eventId", event.eventId())
                .param("tenant", event.instance().tenant())
                .param("name", event.instance().name())
                .update();
    }

    /** How the projections bind an instant to a {@code timestamptz} parameter. */
    static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
