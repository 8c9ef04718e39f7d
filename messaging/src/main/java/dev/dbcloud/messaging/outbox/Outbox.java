package dev.dbcloud.messaging.outbox;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.serde.EventCodec;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Where business code sends events: a row in the service's own database, committed with the state change it
 * describes. The {@link OutboxRelay} publishes committed rows to Kafka in order and deletes them once the
 * broker has acknowledged them, so an accepted change is never lost and never published without its state.
 *
 * <p>Each row keeps the W3C {@code traceparent} of the span it was appended in (the HTTP request, or the Kafka
 * record being handled): the relay publishes it later, on its own thread, and continues that trace, so one trace
 * runs from the gateway's request to every service that handles what it caused.
 */
public class Outbox {

    private final JdbcClient jdbc;
    private final EventCodec codec;
    private final OutboxRelay relay;
    private final Tracer tracer;
    private final Propagator propagator;

    Outbox(JdbcClient jdbc, EventCodec codec, OutboxRelay relay, Tracer tracer, Propagator propagator) {
        this.jdbc = jdbc;
        this.codec = codec;
        this.relay = relay;
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /**
     * Adds an event to the current transaction, keyed by its instance.
     *
     * @throws IllegalStateException outside a transaction: an event must commit with its state change
     */
    public void append(String topic, SpecificRecordBase event) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("Outbox.append needs a transaction");
        }
        EventMetadata metadata = EventMetadata.of(event);
        jdbc.sql("INSERT INTO outbox (topic, record_key, event_type, payload, traceparent) VALUES (?, ?, ?, ?, ?)")
                .params(topic, metadata.instance().key(), metadata.type(), codec.encode(event), currentTraceparent())
                .update();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                relay.wakeUp();
            }
        });
    }

    /** The {@code traceparent} of the current span; null outside any span (or with tracing off). */
    private String currentTraceparent() {
        Span span = tracer.currentSpan();
        if (span == null) {
            return null;
        }
        Map<String, String> headers = new HashMap<>();
        propagator.inject(span.context(), headers, Map::put);
        return headers.get(OutboxRelay.TRACEPARENT);
    }
}
