package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.InstanceRef;
import java.nio.file.Path;
import java.util.UUID;

/** One row of the provisioner's own record of the instances it runs. */
record ProvisionedInstance(UUID operationId, InstanceRef instance, Status status, String adminUsername, int port,
        Path dataDirectory, byte[] controlPasswordCiphertext, String hostName, String failureReason,
        String failureMessage) {

    enum Status { PROVISIONING, AVAILABLE, FAILED, DESTROYED }
}
