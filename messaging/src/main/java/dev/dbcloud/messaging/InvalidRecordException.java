package dev.dbcloud.messaging;

/**
 * A record decoded but breaks a rule of the contract (a missing field, a bad value). Retrying cannot help,
 * so the error handler sends it to its dead-letter topic at once.
 */
public class InvalidRecordException extends RuntimeException {

    public InvalidRecordException(String message) {
        super(message);
    }
}
