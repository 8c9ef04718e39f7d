package dev.dbcloud.provisioner.driver;

import dev.dbcloud.common.InstanceRef;
import java.nio.file.Path;

/**
 * What a driver needs to run or reach one instance. {@code controlPassword} is the decrypted password of the
 * control role ({@code dbosadmin} on a local instance, the role the user named on a linked one): hold it only for
 * the call, never log it ({@link #toString()} hides it).
 *
 * @param adminUsername the user's admin role on a local instance; the control role on a linked one
 * @param hostName where the server is reached, for a linked one; null for a local one until it is provisioned
 * @param dataDirectory a local instance's data; null for a linked one
 */
public record InstanceSpec(InstanceRef instance, String adminUsername, String passwordVerifier,
        String controlPassword, String hostName, int port, Path dataDirectory) {

    /** The same instance, placed on another port. */
    public InstanceSpec onPort(int newPort) {
        return new InstanceSpec(instance, adminUsername, passwordVerifier, controlPassword, hostName, newPort,
                dataDirectory);
    }

    @Override
    public String toString() {
        return "InstanceSpec[" + instance + ", port " + port + ", " + dataDirectory + "]";
    }
}
