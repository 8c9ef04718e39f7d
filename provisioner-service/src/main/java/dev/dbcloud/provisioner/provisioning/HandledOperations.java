package dev.dbcloud.provisioner.provisioning;

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
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The instance commands this provisioner has carried out, each with the outcome it emitted. A command acts once:
 * redelivered, it re-emits the recorded outcome, the very same record, so it can never act again on whatever
 * holds its instance's name by then (a newer instance, or a password set by a later reset).
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
        Optional<byte[]> outcome = jdbc.sql("SELECT outcome FROM handled_operations WHERE operation_id = ?")
                .param(operationId).query(byte[].class).optional();
        outcome.ifPresent(bytes -> transactions.executeWithoutResult(
                tx -> outbox.append(Topics.INSTANCE_EVENTS, codec.decode(bytes))));
        return outcome.isPresent();
    }

    /**
     * Emits the outcome of a command and records it, in the caller's transaction if there is one, so it commits
     * with the state change it reports.
     *
     * @param instanceOperationId the instance row the command acted on, if any
     */
    void emit(SpecificRecordBase command, UUID instanceOperationId, SpecificRecordBase outcome) {
        EventMetadata handled = EventMetadata.of(command);
        transactions.executeWithoutResult(tx -> {
            jdbc.sql("INSERT INTO handled_operations (operation_id, command, instance_operation_id, outcome_type, "
                            + "outcome, handled_at) VALUES (?, ?, ?, ?, ?, ?)")
                    .params(handled.operationId(), handled.type(), instanceOperationId,
                            outcome.getSchema().getName(), codec.encode(outcome), OffsetDateTime.now(clock))
                    .update();
            outbox.append(Topics.INSTANCE_EVENTS, outcome);
        });
    }
}
