package dev.dbcloud.gateway.status;

import java.time.Instant;

/**
 * An instance as status-service projects it and the API shows it.
 *
 * @param statusReason why it is UNAVAILABLE, as its health check last said; null in every other status
 */
public record InstanceView(String name, String hostName, Integer port, String status, String statusReason,
        String adminUsername, String driver, Instant createdAt, Instant updatedAt) {
}
