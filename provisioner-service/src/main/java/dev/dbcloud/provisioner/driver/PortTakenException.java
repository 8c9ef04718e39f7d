package dev.dbcloud.provisioner.driver;

/**
 * The server cannot start because another program listens on its port. The instance keeps its data; it runs again
 * once it is given a free port (a start command moves it; a provisioning picks another port itself).
 */
public class PortTakenException extends DriverException {

    private final int port;

    public PortTakenException(int port) {
        super("another program listens on port " + port);
        this.port = port;
    }

    public int port() {
        return port;
    }
}
