package dev.dbcloud.gateway.status;

import java.time.Instant;
import java.util.UUID;

/**
 * An operation as the API shows it.
 *
 * @param restorePoint for a MIGRATE operation, the restore point made just before its run, which a restore's
 *     {@code beforeMigration} stops at; null for other operations, and until (or unless) the run's outcome reports one
 */
public record OperationView(UUID id, String type, String instanceName, OperationStatus status, Failure error,
        Instant createdAt, Instant updatedAt, RestorePoint restorePoint) {

    public record Failure(String code, String message) {
    }

    /**
     * @param name the restore point's name on the instance's server
     * @param createdAt when it was made, by the server's clock
     */
    public record RestorePoint(String name, Instant createdAt) {
    }

    public boolean ended() {
        return status.ended();
    }
}
