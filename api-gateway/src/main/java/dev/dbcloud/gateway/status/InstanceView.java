package dev.dbcloud.gateway.status;

import java.time.Instant;

/** An instance as status-service projects it and the API shows it. */
public record InstanceView(String name, String hostName, Integer port, String status, String adminUsername,
        String driver, Instant createdAt, Instant updatedAt) {
}
