package dev.dbcloud.provisioner.driver;

/**
 * The service is stopping, and the driver stopped its servers in the middle of the work: the work is not failed but
 * cut off, and resumes when the command is delivered again at the next start.
 */
public class ShuttingDownException extends DriverException {

    public ShuttingDownException() {
        super("the service is shutting down; the work resumes at its next start");
    }
}
