package dev.dbcloud.status.projection;

import static dev.dbcloud.status.projection.EventTimeline.timestamp;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.events.BaseBackup;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code backup_sets} and {@code base_backups} rows: each local instance's base backups and the earliest moment a
 * restore can reach, as the latest BackupsChanged gave them. A fact replaces the set only when it happened no earlier
 * than the one stored, so a duplicate or a fact projected out of order never moves it back.
 *
 * <p>The set belongs to the incarnation the fact names by its operation id (the operation that created the instance),
 * whether or not its row exists yet: a destroyed instance's backups never show on a new instance of the same name.
 */
@Component
class BackupTable {

    private final JdbcClient jdbc;

    BackupTable(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param backups every base backup kept, oldest first
     * @param earliestRestorableTime the end of the oldest one; null when none is kept
     */
    void changed(EventMetadata fact, List<BaseBackup> backups, Instant earliestRestorableTime) {
        boolean newest = jdbc.sql("""
                        INSERT INTO backup_sets (instance_id, earliest_restorable_time, reported_at)
                        VALUES (:id, :earliest, :at)
                        ON CONFLICT (instance_id) DO UPDATE
                            SET earliest_restorable_time = EXCLUDED.earliest_restorable_time,
                                reported_at = EXCLUDED.reported_at
                            WHERE backup_sets.reported_at <= EXCLUDED.reported_at
                        """)
                .param("id", fact.operationId())
                .param("earliest", earliestRestorableTime == null ? null : timestamp(earliestRestorableTime),
                        Types.TIMESTAMP_WITH_TIMEZONE)
                .param("at", timestamp(fact.occurredAt()))
                .update() == 1;
        if (newest) {
            replace(fact, backups);
        }
    }

    /** In the transaction that replaced the set's row: readers see the old backups or the new ones, never a mix. */
    private void replace(EventMetadata fact, List<BaseBackup> backups) {
        jdbc.sql("DELETE FROM base_backups WHERE instance_id = :id").param("id", fact.operationId()).update();
        int ordinal = 0;
        for (BaseBackup backup : backups) {
            jdbc.sql("""
                            INSERT INTO base_backups (instance_id, ordinal, started_at, finished_at, size_bytes)
                            VALUES (:id, :ordinal, :startedAt, :finishedAt, :sizeBytes)
                            """)
                    .param("id", fact.operationId())
                    .param("ordinal", ++ordinal)
                    .param("startedAt", timestamp(backup.getStartedAt()))
                    .param("finishedAt", timestamp(backup.getFinishedAt()))
                    .param("sizeBytes", backup.getSizeBytes())
                    .update();
        }
    }
}
