package dev.dbcloud.status.query;

import java.time.Instant;
import java.util.UUID;

/**
 * A requested change and how it went.
 *
 * @param type PROVISION, DESTROY, PASSWORD_RESET, LINK, UNLINK, MIGRATE, CREATE_DATABASE, START, STOP or RESTORE
 * @param status PENDING, RUNNING, SUCCEEDED or FAILED
 * @param error why it failed; null unless the status is FAILED. Code TIMEOUT with no outcome in time; a real
 *     outcome that comes later replaces it
 * @param updatedAt when the latest event applied to the operation happened
 * @param restorePoint for a MIGRATE operation, the restore point made just before its run, which a restore can
 *     stop at; null for other operations, and until (or unless) the run's outcome reports one
 */
record Operation(UUID id, String type, String instanceName, String status, Failure error, Instant createdAt,
        Instant updatedAt, RestorePoint restorePoint) {

    /**
     * @param code the failure event's reason, e.g. {@code DRIVER_ERROR}
     * @param message a human-readable explanation
     */
    record Failure(String code, String message) {
    }

    /**
     * @param name the restore point's name on the instance's server
     * @param createdAt when it was made, by the server's clock
     */
    record RestorePoint(String name, Instant createdAt) {
    }
}
