package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.secrets.ControlPasswordCipher;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceSpec;
import dev.dbcloud.sql.ServerLogin;
import dev.dbcloud.provisioner.linked.LinkedServerDriver;
import org.springframework.stereotype.Component;

/**
 * Reaches the server behind an instance row: the local driver's spec of it, or a login as its control role
 * ({@code dbosadmin} on a local instance, the role the user named on a linked one). The control password is
 * decrypted here, for the one call that needs it, and never kept.
 */
@Component
class ServerAccess {

    private final InstanceDriver local;
    private final LinkedServerDriver linked;
    private final ControlPasswordCipher cipher;

    ServerAccess(InstanceDriver local, LinkedServerDriver linked, ControlPasswordCipher cipher) {
        this.local = local;
        this.linked = linked;
        this.cipher = cipher;
    }

    /** The local driver's view of an instance; {@code passwordVerifier} only when provisioning. */
    InstanceSpec spec(ProvisionedInstance instance, String passwordVerifier) {
        return new InstanceSpec(instance.instance(), instance.adminUsername(), passwordVerifier,
                controlPassword(instance), instance.port(), instance.dataDirectory());
    }

    ServerLogin controlLogin(ProvisionedInstance instance) {
        return switch (instance.driver()) {
            case LOCAL -> local.controlLogin(spec(instance, null));
            case LINKED -> linked.login(instance.hostName(), instance.port(), instance.adminUsername(),
                    controlPassword(instance));
        };
    }

    private String controlPassword(ProvisionedInstance instance) {
        return cipher.decrypt(instance.instance(), instance.controlPasswordCiphertext());
    }
}
