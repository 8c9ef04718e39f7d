package dev.dbcloud.status.query;

import java.time.Instant;
import java.util.UUID;

/**
 * A requested change and how it went.
 *
 * @param type PROVISION, DESTROY, PASSWORD_RESET, LINK, UNLINK, MIGRATE or CREATE_DATABASE
 * @param status PENDING, RUNNING, SUCCEEDED or FAILED
 * @param error why it failed; null unless the status is FAILED. Code TIMEOUT with no outcome in time; a real
 *     outcome that comes later replaces it
 * @param updatedAt when the latest event applied to the operation happened
 */
record Operation(UUID id, String type, String instanceName, String status, Failure error, Instant createdAt,
        Instant updatedAt) {

    /**
     * @param code the failure event's reason, e.g. {@code DRIVER_ERROR}
     * @param message a human-readable explanation
     */
    record Failure(String code, String message) {
    }
}
