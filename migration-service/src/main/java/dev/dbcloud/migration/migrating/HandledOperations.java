package dev.dbcloud.migration.migrating;

import dev.dbcloud.common.Topics;
import dev.dbcloud.common.serde.EventCodec;
import dev.dbcloud.messaging.outbox.Outbox;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The migration requests this service has carried out, each with the outcome it emitted. A request runs once:
 * redelivered, it re-emits the recorded outcome, the very same record (same {@code eventId}), and runs nothing.
 */
@Component
class HandledOperations {

    private final JdbcClient jdbc;
    private final EventCodec codec;
    private final Outbox outbox;
    private final TransactionTemplate transactions;
    private final Clock clock;

    HandledOperations(JdbcClient jdbc, EventCodec codec, Outbox outbox, TransactionTemplate transactions, Clock clock) {
        this.jdbc = jdbc;
        this.codec = codec;
        this.outbox = outbox;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Re-emits the outcome of an operation handled before; answers whether there was one. */
    boolean reEmit(UUID operationId) {
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            Optional<byte[]> outcome = recorded(operationId);
            outcome.ifPresent(bytes -> outbox.append(Topics.INSTANCE_EVENTS, codec.decode(bytes)));
            return outcome.isPresent();
        }));
    }

    /**
     * Records the outcome of an operation and emits it, in one transaction. Should the operation have been recorded meanwhile (a redelivery handled
     * in parallel after a rebalance), the outcome recorded first is emitted again instead.
     */
    void emit(UUID operationId, SpecificRecordBase outcome) {
        transactions.executeWithoutResult(tx -> {
            int recorded = jdbc.sql("""
                            INSERT INTO handled_operations (operation_id, outcome_type, outcome, handled_at)
                            VALUES (?, ?, ?, ?)
                            ON CONFLICT (operation_id) DO NOTHING""")
                    .params(operationId, outcome.getSchema().getName(), codec.encode(outcome), OffsetDateTime.now(clock))
                    .update();
            if (recorded == 1) {
                outbox.append(Topics.INSTANCE_EVENTS, outcome);
            } else {
                outbox.append(Topics.INSTANCE_EVENTS, codec.decode(recorded(operationId).orElseThrow()));
            }
        });
    }

    private Optional<byte[]> recorded(UUID operationId) {
        return jdbc.sql("SELECT outcome FROM handled_operations WHERE operation_id = ?")
                .param(operationId).query(byte[].class).optional();
    }
}
