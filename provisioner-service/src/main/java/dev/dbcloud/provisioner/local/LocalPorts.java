package dev.dbcloud.provisioner.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import org.springframework.stereotype.Component;

/** Hands out ports for local instances from the configured range. */
@Component
class LocalPorts {

    private final LocalServerProperties properties;

    LocalPorts(LocalServerProperties properties) {
        this.properties = properties;
    }

    /** The lowest port of the range that no instance holds and nothing on this host listens on; -1 if none. */
    int allocate(Set<Integer> taken) {
        for (int port = properties.portMin(); port <= properties.portMax(); port++) {
            if (!taken.contains(port) && isBindable(port)) {
                return port;
            }
        }
        return -1;
    }

    /** Whether nothing on this host listens on the port, on the loopback address the control plane uses. */
    static boolean isBindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
