package dev.dbcloud.gateway.status;

/** status-service did not answer, or answered with a fault of its own (5xx). */
public class StatusUnavailableException extends RuntimeException {

    StatusUnavailableException(Throwable cause) {
        super("status-service unavailable", cause);
    }
}
