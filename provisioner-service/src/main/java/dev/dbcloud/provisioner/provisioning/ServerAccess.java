package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.secrets.ControlPasswordCipher;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceDrivers;
import dev.dbcloud.provisioner.driver.InstanceSpec;
import org.springframework.stereotype.Component;

/**
 * Reaches the server behind an instance row: the driver the row names, and the driver's spec of the instance. The
 * control password ({@code dbosadmin}'s on a local instance, the named role's on a linked one) is decrypted here,
 * for the one call that needs it, and never kept.
 */
@Component
class ServerAccess {

    private final InstanceDrivers drivers;
    private final ControlPasswordCipher cipher;

    ServerAccess(InstanceDrivers drivers, ControlPasswordCipher cipher) {
        this.drivers = drivers;
        this.cipher = cipher;
    }

    /** The driver that runs, or reaches, the instance's server. */
    InstanceDriver driver(ProvisionedInstance instance) {
        return drivers.of(instance.driver());
    }

    /** The driver's view of an instance; {@code passwordVerifier} only when provisioning. */
    InstanceSpec spec(ProvisionedInstance instance, String passwordVerifier) {
        return new InstanceSpec(instance.instance(), instance.adminUsername(), passwordVerifier,
                controlPassword(instance), instance.hostName(), instance.port(), instance.dataDirectory());
    }

    private String controlPassword(ProvisionedInstance instance) {
        return cipher.decrypt(instance.instance(), instance.controlPasswordCiphertext());
    }
}
