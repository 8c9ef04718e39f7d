package dev.dbcloud.provisioner.driver;

import dev.dbcloud.common.InstanceRef;
import java.nio.file.Path;

/**
 * What a driver needs to run one instance. {@code controlPassword} is the decrypted password of the
 * {@code dbosadmin} control role: hold it only for the call, never log it ({@link #toString()} hides it).
 */
public record InstanceSpec(InstanceRef instance, String adminUsername, String passwordVerifier,
        String controlPassword, int port, Path dataDirectory) {

    /** The same instance, placed on another port. */
    public InstanceSpec onPort(int newPort) {
        return new InstanceSpec(instance, adminUsername, passwordVerifier, controlPassword, newPort, dataDirectory);
    }

    @Override
    public String toString() {
        return "InstanceSpec[" + instance + ", port " + port + ", " + dataDirectory + "]";
    }
}
