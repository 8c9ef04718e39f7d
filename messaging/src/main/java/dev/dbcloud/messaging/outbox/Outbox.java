package dev.dbcloud.messaging.outbox;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.serde.EventCodec;
import org.apache.avro.specific.SpecificRecordBase;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Where business code sends events: a row in the service's own database, committed with the state change it
 * describes. The {@link OutboxRelay} publishes committed rows to Kafka in order and deletes them once the
 * broker has acknowledged them, so an accepted change is never lost and never published without its state.
 */
public class Outbox {

    private final JdbcClient jdbc;
    private final EventCodec codec;
    private final OutboxRelay relay;

    Outbox(JdbcClient jdbc, EventCodec codec, OutboxRelay relay) {
        this.jdbc = jdbc;
        this.codec = codec;
        this.relay = relay;
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
        jdbc.sql("INSERT INTO outbox (topic, record_key, event_type, payload) VALUES (?, ?, ?, ?)")
                .params(topic, metadata.instance().key(), metadata.type(), codec.encode(event))
                .update();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                relay.wakeUp();
            }
        });
    }
}
