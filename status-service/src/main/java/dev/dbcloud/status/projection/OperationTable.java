package dev.dbcloud.status.projection;

import static dev.dbcloud.status.projection.EventTimeline.timestamp;

import dev.dbcloud.common.EventMetadata;
import java.sql.Types;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The moves an {@code operations} row can make: PENDING when its command is projected, SUCCEEDED or FAILED when
 * its outcome is, never back. Either may come first; whichever does creates the row.
 */
@Component
class OperationTable {

    private final JdbcClient jdbc;

    OperationTable(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records a requested operation. A command projected after its outcome only moves {@code createdAt} back to
     * the request's time.
     *
     * @return whether the operation is still pending, that is, no outcome of it was projected yet
     */
    boolean requested(EventMetadata command, OperationType type) {
        String status = jdbc.sql("""
                        INSERT INTO operations (id, tenant, instance_name, type, status, created_at, updated_at)
                        VALUES (:id, :tenant, :instanceName, :type, 'PENDING', :at, :at)
                        ON CONFLICT (id) DO UPDATE SET created_at = LEAST(operations.created_at, EXCLUDED.created_at)
                        RETURNING status
                        """)
                .param("id", command.operationId())
                .param("tenant", command.instance().tenant())
                .param("instanceName", command.instance().name())
                .param("type", type.name())
                .param("at", timestamp(command.occurredAt()))
                .query(String.class)
                .single();
        return status.equals("PENDING");
    }

    void succeeded(EventMetadata outcome, OperationType type) {
        finished(outcome, type, "SUCCEEDED", null, null);
    }

    /** @param reason the failure event's reason; its symbol becomes the error code */
    void failed(EventMetadata outcome, OperationType type, Enum<?> reason, String message) {
        finished(outcome, type, "FAILED", reason.name(), message);
    }

    /** The first outcome projected is final; a later one (a re-emitted outcome, say) changes nothing. */
    private void finished(EventMetadata outcome, OperationType type, String status, String errorCode, String errorMessage) {
        jdbc.sql("""
                        INSERT INTO operations (id, tenant, instance_name, type, status, error_code, error_message,
                                                created_at, updated_at)
                        VALUES (:id, :tenant, :instanceName, :type, :status, :errorCode, :errorMessage, :at, :at)
                        ON CONFLICT (id) DO UPDATE
                            SET status = EXCLUDED.status,
                                error_code = EXCLUDED.error_code,
                                error_message = EXCLUDED.error_message,
                                updated_at = GREATEST(operations.updated_at, EXCLUDED.updated_at)
                            WHERE operations.status IN ('PENDING', 'RUNNING')
                        """)
                .param("id", outcome.operationId())
                .param("tenant", outcome.instance().tenant())
                .param("instanceName", outcome.instance().name())
                .param("type", type.name())
                .param("status", status)
                .param("errorCode", errorCode, Types.VARCHAR)
                .param("errorMessage", errorMessage, Types.VARCHAR)
                .param("at", timestamp(outcome.occurredAt()))
                .update();
    }
}
