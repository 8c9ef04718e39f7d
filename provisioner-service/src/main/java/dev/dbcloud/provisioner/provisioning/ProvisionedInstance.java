package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.InstanceHealth;
import dev.dbcloud.provisioner.driver.DriverKind;
import java.nio.file.Path;
import java.util.UUID;

/**
 * One row of the provisioner's own record of the instances it runs or links, named by the operation that created
 * it (a provisioning or a link).
 *
 * @param adminUsername the user's admin role on a local instance; the control role the user named on a linked one
 * @param dataDirectory where a local instance's data lives; null for a linked one
 * @param destroyedBy the destroy or unlink operation that began ending this row, if one did
 * @param health the health last reported for a local instance's server; null before the first report
 */
record ProvisionedInstance(UUID operationId, InstanceRef instance, DriverKind driver, Status status, String adminUsername,
        int port, Path dataDirectory, byte[] controlPasswordCiphertext, String hostName, String failureReason,
        String failureMessage, UUID destroyedBy, InstanceHealth health) {

    enum Status { PROVISIONING, AVAILABLE, STOPPED, FAILED, DESTROYING, DESTROYED }

    static ProvisionedInstance provisioning(UUID operationId, InstanceRef instance, String adminUsername, int port,
            Path dataDirectory, byte[] controlPasswordCiphertext) {
        return new ProvisionedInstance(operationId, instance, DriverKind.LOCAL, Status.PROVISIONING, adminUsername, port,
                dataDirectory, controlPasswordCiphertext, null, null, null, null, null);
    }

    static ProvisionedInstance linked(UUID operationId, InstanceRef instance, String hostName, int port,
            String controlRole, byte[] controlPasswordCiphertext, String failureReason, String failureMessage) {
        return new ProvisionedInstance(operationId, instance, DriverKind.LINKED,
                failureReason == null ? Status.AVAILABLE : Status.FAILED, controlRole, port, null,
                controlPasswordCiphertext, hostName, failureReason, failureMessage, null, null);
    }
}
