package dev.dbcloud.gateway.status;

import java.time.Instant;
import java.util.UUID;

/** An operation as the API shows it. */
public record OperationView(UUID id, String type, String instanceName, OperationStatus status, Failure error,
        Instant createdAt, Instant updatedAt) {

    public record Failure(String code, String message) {
    }

    public boolean ended() {
        return status.ended();
    }
}
