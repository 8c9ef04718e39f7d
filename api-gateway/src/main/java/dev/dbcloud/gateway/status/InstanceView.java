package dev.dbcloud.gateway.status;

import java.time.Instant;

/**
 * An instance as status-service projects it and the API shows it.
 *
 * @param statusReason why it is UNAVAILABLE, as its health check last said; null in every other status
 * @param restoredFrom where a restore made it from; null for an instance provisioned or linked
 */
public record InstanceView(String name, String hostName, Integer port, String status, String statusReason,
        String adminUsername, String driver, Instant createdAt, Instant updatedAt, RestoredFrom restoredFrom) {

    /**
     * @param instanceName the instance whose backups it was restored from
     * @param pointInTime the moment whose state it holds (until it is restored, the requested one; null for the
     *     latest state not reached yet)
     */
    public record RestoredFrom(String instanceName, Instant pointInTime) {
    }
}
