package dev.dbcloud.status.query;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.UUID;

/**
 * An instance as the gateway shows it.
 *
 * @param hostName null until the instance was provisioned
 * @param port null until the instance was provisioned
 * @param status PROVISIONING, AVAILABLE, UNAVAILABLE, STOPPED, FAILED, DESTROYING or DESTROYED
 * @param statusReason why it is UNAVAILABLE, as its health check last said; null in every other status
 * @param driver LOCAL or LINKED
 * @param updatedAt when the latest event applied to the instance happened
 * @param restoredFrom where a restore made it from; null for an instance provisioned or linked
 * @param version the id of the last event applied to it, served as its ETag rather than in the body; null on a row
 *     not versioned yet
 */
record Instance(String name, String hostName, Integer port, String status, String statusReason,
        String adminUsername, String driver, Instant createdAt, Instant updatedAt, RestoredFrom restoredFrom,
        @JsonIgnore UUID version) {

    /**
     * The instance whose backups a restore made this one from.
     *
     * @param instanceName the source instance's name
     * @param pointInTime the moment whose state it holds: the one the restore reached once it is restored, until then
     *     the requested one; null while the latest state was requested and not reached yet, or when not known
     */
    record RestoredFrom(String instanceName, Instant pointInTime) {
    }
}
