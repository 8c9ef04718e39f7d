package dev.dbcloud.provisioner.driver;

import dev.dbcloud.common.InstanceRef;

/**
 * A step of provisioning (or restoring) an instance is done; published as a Spring application event, synchronously, on the
 * thread that did it. The log follows provisioning by these, and the fault suite stops the provisioner at each.
 */
public record ProvisioningStepDone(InstanceRef instance, Step step) {

    public enum Step {
        /** initdb ran, and the configured data directory is in place. */
        DATA_DIRECTORY_CREATED,
        /** The server runs and accepts connections. */
        SERVER_STARTED,
        /** The user's admin role exists with the requested password. */
        ADMIN_ROLE_READY,
        /** The instance is AVAILABLE and its outcome is committed to the outbox, not yet published. */
        OUTCOME_RECORDED,
        /** A restore put the base backup in place as the new data directory; its WAL replay has not begun. */
        BACKUP_RESTORED,
        /** A restored server replays WAL; it accepts no connections until it is promoted. */
        RECOVERY_STARTED
    }
}
