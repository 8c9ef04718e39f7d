package dev.dbcloud.status.query;

import java.time.Instant;

/**
 * An instance as the gateway shows it.
 *
 * @param hostName null until the instance was provisioned
 * @param port null until the instance was provisioned
 * @param status PROVISIONING, AVAILABLE, UNAVAILABLE, FAILED, DESTROYING or DESTROYED
 * @param statusReason why it is UNAVAILABLE, as its health check last said; null in every other status
 * @param driver LOCAL or LINKED
 * @param updatedAt when the latest event applied to the instance happened
 */
record Instance(String name, String hostName, Integer port, String status, String statusReason,
        String adminUsername, String driver, Instant createdAt, Instant updatedAt) {
}
