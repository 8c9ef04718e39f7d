package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.common.secrets.ControlPasswordCipher;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceDrivers;
import dev.dbcloud.provisioner.driver.Placement;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * Claims the row of a new local instance (provisioned or restored), named by the operation that makes it: its name
 * among the live ones, a port no other holds, a data directory, and a fresh control password, encrypted.
 */
@Component
class NewInstances {

    /** Why a new instance gets no row; the symbols are those of ProvisionFailureReason and RestoreFailureReason. */
    enum Refusal {
        NAME_IN_USE("an instance with this name exists"),
        PORTS_EXHAUSTED("no free port is left in the configured range");

        final String message;

        Refusal(String message) {
            this.message = message;
        }
    }

    /** The row claimed, or why there is none. */
    record Claim(ProvisionedInstance instance, Refusal refusal) {
    }

    private final ProvisionedInstances instances;
    private final InstanceDriver driver;
    private final ControlPasswordCipher cipher;

    NewInstances(ProvisionedInstances instances, InstanceDrivers drivers, ControlPasswordCipher cipher) {
        this.instances = instances;
        this.driver = drivers.of(DriverKind.LOCAL);
        this.cipher = cipher;
    }

    /** The operation's row, made now if there is none; concurrent claims of a port or name are retried. */
    Claim claim(UUID operationId, InstanceRef ref, String adminUsername) {
        byte[] ciphertext = cipher.encrypt(ref, ControlPasswordCipher.randomPassword());
        for (int attempt = 0; attempt < Provisioning.PORT_ATTEMPTS; attempt++) {
            Optional<ProvisionedInstance> existing = instances.byOperation(operationId);
            if (existing.isPresent()) {
                return new Claim(existing.get(), null);
            }
            if (instances.isLive(ref)) {
                return new Claim(null, Refusal.NAME_IN_USE);
            }
            Optional<Placement> placement = driver.place(operationId, instances.localPortsInUse());
            if (placement.isEmpty()) {
                return new Claim(null, Refusal.PORTS_EXHAUSTED);
            }
            ProvisionedInstance instance = ProvisionedInstance.provisioning(operationId, ref, adminUsername,
                    placement.get().port(), placement.get().dataDirectory(), ciphertext);
            try {
                instances.insert(instance);
                return new Claim(instance, null);
            } catch (DuplicateKeyException raced) {
                // A concurrent claim took the port or the name; look again.
            }
        }
        throw new IllegalStateException("could not claim a port for " + ref);
    }
}
