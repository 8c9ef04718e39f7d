package dev.dbcloud.status.projection;

import static dev.dbcloud.status.projection.EventTimeline.timestamp;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.events.RestorePoint;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The moves an {@code operations} row can make: PENDING when its command is projected, SUCCEEDED or FAILED when
 * its outcome is, never back. Either may come first; whichever does creates the row. The one exception is a
 * TIMEOUT failure, which {@link OperationTimeouts} records when no outcome came in time: the real outcome, when it
 * comes, replaces it.
 */
@Component
class OperationTable {

    private final JdbcClient jdbc;
    private final ProjectionMetrics metrics;

    OperationTable(JdbcClient jdbc, ProjectionMetrics metrics) {
        this.jdbc = jdbc;
        this.metrics = metrics;
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

    /** @return whether this outcome ended the operation, see {@link #finished} */
    boolean succeeded(EventMetadata outcome, OperationType type) {
        return finished(outcome, type, "SUCCEEDED", null, null);
    }

    /**
     * @param reason the failure event's reason; its symbol becomes the error code
     * @return whether this outcome ended the operation, see {@link #finished}
     */
    boolean failed(EventMetadata outcome, OperationType type, Enum<?> reason, String message) {
        return finished(outcome, type, "FAILED", reason.name(), message);
    }

    /**
     * A migration run's outcome was projected: the MIGRATE operation records the database it ran on and the restore
     * point made just before it, if any. The first restore point reported stays: a redelivered command may run again
     * and make another, after the changes the first run made.
     *
     * @param restorePoint the restore point the outcome reports, or null
     */
    void migrationReported(EventMetadata outcome, String database, RestorePoint restorePoint) {
        jdbc.sql("""
                        UPDATE operations
                           SET database = COALESCE(database, :database),
                               restore_point_name = COALESCE(restore_point_name, :name),
                               restore_point_created_at = CASE WHEN restore_point_name IS NULL THEN :createdAt
                                                               ELSE restore_point_created_at END
                         WHERE id = :id AND type = 'MIGRATE'
                        """)
                .param("database", database)
                .param("name", restorePoint == null ? null : restorePoint.getName(), Types.VARCHAR)
                .param("createdAt", restorePoint == null ? null : timestamp(restorePoint.getCreatedAt()),
                        Types.TIMESTAMP_WITH_TIMEZONE)
                .param("id", outcome.operationId())
                .update();
    }

    /**
     * The first outcome projected is final; a later one (a re-emitted outcome, say) changes nothing. A TIMEOUT is
     * no outcome: the first outcome replaces it. An outcome of another type than the operation's (a DatabaseCreated
     * reported while migrating, say) leaves the operation alone.
     *
     * <p>An outcome that ends an operation whose command was projected first records the operation's duration; one
     * projected before its command (whose row it creates) does not, as nobody knows yet when it was requested.
     *
     * @return whether this outcome ended the operation, that is, it is the operation's first outcome
     */
    private boolean finished(EventMetadata outcome, OperationType type, String status, String errorCode,
            String errorMessage) {
        List<Instant> requested = jdbc.sql("""
                        INSERT INTO operations (id, tenant, instance_name, type, status, error_code, error_message,
                                                created_at, updated_at)
                        VALUES (:id, :tenant, :instanceName, :type, :status, :errorCode, :errorMessage, :at, :at)
                        ON CONFLICT (id) DO UPDATE
                            SET status = EXCLUDED.status,
                                error_code = EXCLUDED.error_code,
                                error_message = EXCLUDED.error_message,
                                timed_out = false,
                                updated_at = GREATEST(operations.updated_at, EXCLUDED.updated_at)
                            WHERE operations.type = EXCLUDED.type
                              AND (operations.status IN ('PENDING', 'RUNNING') OR operations.timed_out)
                        RETURNING created_at, (xmax = 0) AS inserted
                        """)
                .param("id", outcome.operationId())
                .param("tenant", outcome.instance().tenant())
                .param("instanceName", outcome.instance().name())
                .param("type", type.name())
                .param("status", status)
                .param("errorCode", errorCode, Types.VARCHAR)
                .param("errorMessage", errorMessage, Types.VARCHAR)
                .param("at", timestamp(outcome.occurredAt()))
                .query((row, number) -> !row.getBoolean("inserted")
                        ? row.getObject("created_at", OffsetDateTime.class).toInstant() : null)
                .list();
        if (requested.isEmpty()) {
            return false;
        }
        if (requested.get(0) != null) {
            metrics.operationEnded(type, status, requested.get(0), outcome.occurredAt());
        }
        return true;
    }
}
