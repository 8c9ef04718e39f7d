package dev.dbcloud.status.query;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What is known of an application database's migrations: its applied history as the latest report gave it (a
 * success, or a failure after which earlier migrations stayed applied), and its last failure. A later success does
 * not erase the failure; compare {@code lastFailure.occurredAt} with {@code lastSucceededAt} to tell which came last.
 *
 * @param currentVersion the schema version the latest report gave; null if none did or it has no version
 * @param lastSucceededAt when the latest success happened; null if none did
 * @param applied a page of the applied migrations the latest report gave, oldest first; empty if none did
 * @param next the {@code cursor} of the next page of {@code applied}; null on the last page
 * @param lastFailure the latest failure; null if none failed
 * @param restorePoints the restore points made before the runs on the database, newest first: a restore to one
 *     brings back the instance as it was before that run
 */
record MigrationHistory(String database, String currentVersion, Instant lastSucceededAt, List<Applied> applied,
        String next, Failure lastFailure, List<RestorePoint> restorePoints) {

    /**
     * One applied migration, as Flyway's schema history recorded it.
     *
     * @param checksum Flyway's CRC32 checksum of the script; null if it has none
     */
    record Applied(String version, String description, Integer checksum, Instant appliedAt, long durationMillis) {
    }

    /**
     * A failed migration.
     *
     * @param operationId the MIGRATE operation that failed
     * @param version the version that failed; null if none did (the instance was not available, say)
     * @param reason the failure event's reason, e.g. {@code SQL_ERROR}
     * @param sqlState the SQLSTATE PostgreSQL reported; null if none
     * @param occurredAt when it failed
     */
    record Failure(UUID operationId, String version, String reason, String sqlState, String message,
            Instant occurredAt) {
    }

    /**
     * The restore point made just before a migration run.
     *
     * @param operationId the MIGRATE operation whose run it precedes; {@code beforeMigration} of a restore names it
     * @param name its name on the instance's server
     * @param createdAt when it was made, by the server's clock
     */
    record RestorePoint(UUID operationId, String name, Instant createdAt) {
    }
}
