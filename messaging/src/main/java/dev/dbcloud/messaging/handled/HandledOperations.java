package dev.dbcloud.messaging.handled;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.Topics;
import dev.dbcloud.common.serde.EventCodec;
import dev.dbcloud.messaging.outbox.Outbox;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The commands a service has carried out, each with the outcome it emitted, in its {@code handled_operations}
 * table. A command acts once: redelivered, it re-emits the recorded outcome, the very same record (same
 * {@code eventId}), so it never acts again on whatever holds its instance's name by then (a newer instance, a
 * password set by a later reset, a later start or stop).
 *
 * <p>A service that uses it imports it ({@code @Import(HandledOperations.class)}) and creates the table:
 * {@code operation_id uuid PRIMARY KEY, command text, outcome_type text NOT NULL, outcome bytea NOT NULL,
 * handled_at timestamptz NOT NULL}.
 */
public class HandledOperations {

    private final JdbcClient jdbc;
    private final EventCodec codec;
    private final Outbox outbox;
    private final TransactionTemplate transactions;
    private final Clock clock;

    public HandledOperations(JdbcClient jdbc, EventCodec codec, Outbox outbox, TransactionTemplate transactions,
            Clock clock) {
        this.jdbc = jdbc;
        this.codec = codec;
        this.outbox = outbox;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Re-emits the outcome of an operation handled before; answers whether there was one. */
    public boolean reEmit(UUID operationId) {
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            Optional<byte[]> outcome = recorded(operationId);
            outcome.ifPresent(bytes -> outbox.append(Topics.INSTANCE_EVENTS, codec.decode(bytes)));
            return outcome.isPresent();
        }));
    }

    /**
     * Records the outcome of a command and emits it, in the caller's transaction if there is one, so it commits with
     * the state change it reports. Should the command have been recorded meanwhile (a redelivery handled in
     * parallel after a rebalance), the outcome recorded first is emitted again instead.
     */
    public void emit(SpecificRecordBase command, SpecificRecordBase outcome) {
        EventMetadata handled = EventMetadata.of(command);
        transactions.executeWithoutResult(tx -> {
            int recorded = jdbc.sql("""
                            INSERT INTO handled_operations (operation_id, command, outcome_type, outcome, handled_at)
                            VALUES (?, ?, ?, ?, ?)
                            ON CONFLICT (operation_id) DO NOTHING""")
                    .params(handled.operationId(), handled.type(), outcome.getSchema().getName(),
                            codec.encode(outcome), OffsetDateTime.now(clock))
                    .update();
            outbox.append(Topics.INSTANCE_EVENTS,
                    recorded == 1 ? outcome : codec.decode(recorded(handled.operationId()).orElseThrow()));
        });
    }

    private Optional<byte[]> recorded(UUID operationId) {
        return jdbc.sql("SELECT outcome FROM handled_operations WHERE operation_id = ?")
                .param(operationId).query(byte[].class).optional();
    }
}
