package dev.dbcloud.provisioner.driver;

import java.nio.file.Path;

/**
 * Where a driver puts an instance: the port its server listens on and, for a server the control plane runs, its
 * data directory (null otherwise). The provisioner records it with the instance, so no port is handed out twice.
 */
public record Placement(int port, Path dataDirectory) {
}
