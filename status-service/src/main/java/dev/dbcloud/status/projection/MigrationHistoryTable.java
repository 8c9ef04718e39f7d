package dev.dbcloud.status.projection;

import static dev.dbcloud.status.projection.EventTimeline.timestamp;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.events.AppliedMigration;
import java.sql.Types;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code migration_histories} and {@code applied_migrations} rows (each database's applied migrations, as the
 * latest report gave them: a success, or a failure after which earlier migrations stayed applied) and the {@code migration_failures} rows (each database's latest failure). Each is
 * replaced only by an outcome that happened later than the one stored, so a duplicate, a re-emitted outcome or one
 * projected out of order never moves them back.
 *
 * <p>Like {@link DatabaseTable}, both belong to the tenant's current instance of the event's name when the event is
 * projected; when there is none, nothing is recorded.
 */
@Component
class MigrationHistoryTable {

    private final JdbcClient jdbc;

    MigrationHistoryTable(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Migrations succeeded: {@code history}, the database's complete applied history after the run, oldest first,
     * becomes the stored one unless a later report (a success or a failure) was applied already. The database's row
     * must exist already (see {@link DatabaseTable#migrated}).
     *
     * @param currentVersion the database's schema version afterwards; null if it has none
     */
    void succeeded(EventMetadata outcome, String database, String currentVersion, List<AppliedMigration> history) {
        report(outcome, database, currentVersion, history, true);
    }

    /**
     * A failed run that reported what stayed applied: that history becomes the stored one unless a later report was
     * applied already; the time of the latest success is kept. The database's row must exist already.
     */
    void reportedAfterFailure(EventMetadata outcome, String database, List<AppliedMigration> history) {
        report(outcome, database, history.isEmpty() ? null : history.get(history.size() - 1).getVersion(), history,
                false);
    }

    private void report(EventMetadata outcome, String database, String currentVersion, List<AppliedMigration> history,
            boolean success) {
        jdbc.sql("""
                        INSERT INTO migration_histories (instance_id, database, operation_id, current_version,
                                                         succeeded_at, reported_at)
                        SELECT id, :database, :operationId, :currentVersion, :succeededAt, :at
                          FROM instances
                         WHERE tenant = :tenant AND name = :instanceName AND status <> 'DESTROYED'
                        ON CONFLICT (instance_id, database) DO UPDATE
                            SET operation_id = CASE WHEN migration_histories.reported_at < EXCLUDED.reported_at
                                                    THEN EXCLUDED.operation_id ELSE migration_histories.operation_id END,
                                current_version = CASE WHEN migration_histories.reported_at < EXCLUDED.reported_at
                                                       THEN EXCLUDED.current_version
                                                       ELSE migration_histories.current_version END,
                                succeeded_at = GREATEST(migration_histories.succeeded_at, EXCLUDED.succeeded_at),
                                reported_at = GREATEST(migration_histories.reported_at, EXCLUDED.reported_at)
                        RETURNING instance_id, operation_id = :operationId AS newest
                        """)
                .param("database", database)
                .param("operationId", outcome.operationId())
                .param("currentVersion", currentVersion, Types.VARCHAR)
                .param("succeededAt", success ? timestamp(outcome.occurredAt()) : null, Types.TIMESTAMP_WITH_TIMEZONE)
                .param("at", timestamp(outcome.occurredAt()))
                .param("tenant", outcome.instance().tenant())
                .param("instanceName", outcome.instance().name())
                .query((row, n) -> new Stored(row.getObject("instance_id", UUID.class), row.getBoolean("newest")))
                .optional()
                .filter(Stored::newest)
                .ifPresent(stored -> replaceApplied(stored.instanceId(), database, history));
    }

    /**
     * A migration failed: it becomes the database's last failure unless one that happened later was applied
     * already. The database need not exist.
     *
     * @param reason the failure event's reason; its symbol is stored
     * @param failedVersion the version that failed, or null if none did
     * @param sqlState the SQLSTATE PostgreSQL reported, or null
     */
    void failed(EventMetadata outcome, String database, Enum<?> reason, String failedVersion, String sqlState,
            String message) {
        jdbc.sql("""
                        INSERT INTO migration_failures (instance_id, database, operation_id, reason, failed_version,
                                                        sql_state, message, occurred_at)
                        SELECT id, :database, :operationId, :reason, :failedVersion, :sqlState, :message, :at
                          FROM instances
                         WHERE tenant = :tenant AND name = :instanceName AND status <> 'DESTROYED'
                        ON CONFLICT (instance_id, database) DO UPDATE
                            SET operation_id = EXCLUDED.operation_id,
                                reason = EXCLUDED.reason,
                                failed_version = EXCLUDED.failed_version,
                                sql_state = EXCLUDED.sql_state,
                                message = EXCLUDED.message,
                                occurred_at = EXCLUDED.occurred_at
                            WHERE migration_failures.occurred_at < EXCLUDED.occurred_at
                        """)
                .param("database", database)
                .param("operationId", outcome.operationId())
                .param("reason", reason.name())
                .param("failedVersion", failedVersion, Types.VARCHAR)
                .param("sqlState", sqlState, Types.VARCHAR)
                .param("message", message)
                .param("at", timestamp(outcome.occurredAt()))
                .param("tenant", outcome.instance().tenant())
                .param("instanceName", outcome.instance().name())
                .update();
    }

    /** In the transaction that replaced the history's row: readers see the old rows or the new ones, never a mix. */
    private void replaceApplied(UUID instanceId, String database, List<AppliedMigration> history) {
        jdbc.sql("DELETE FROM applied_migrations WHERE instance_id = :instanceId AND database = :database")
                .param("instanceId", instanceId)
                .param("database", database)
                .update();
        int ordinal = 0;
        for (AppliedMigration migration : history) {
            jdbc.sql("""
                            INSERT INTO applied_migrations (instance_id, database, ordinal, version, description,
                                                            checksum, applied_at, duration_millis)
                            VALUES (:instanceId, :database, :ordinal, :version, :description, :checksum, :appliedAt,
                                    :durationMillis)
                            """)
                    .param("instanceId", instanceId)
                    .param("database", database)
                    .param("ordinal", ++ordinal)
                    .param("version", migration.getVersion())
                    .param("description", migration.getDescription())
                    .param("checksum", migration.getChecksum(), Types.INTEGER)
                    .param("appliedAt", timestamp(migration.getAppliedAt()))
                    .param("durationMillis", migration.getDurationMillis())
                    .update();
        }
    }

    /** The history row a report was projected into, and whether that report is now the stored one. */
    private record Stored(UUID instanceId, boolean newest) {
    }
}
