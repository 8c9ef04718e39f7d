package dev.dbcloud.provisioner.driver;

/** A driver could not do its work; the message says why in words fit for the user, without secrets. */
public class DriverException extends RuntimeException {

    public DriverException(String message) {
        super(message);
    }

    public DriverException(String message, Throwable cause) {
        super(message, cause);
    }
}
