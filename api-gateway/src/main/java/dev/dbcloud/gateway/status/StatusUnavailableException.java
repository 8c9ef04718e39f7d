package dev.dbcloud.gateway.status;

/** status-service did not answer. */
public class StatusUnavailableException extends RuntimeException {

    StatusUnavailableException(Throwable cause) {
        super("status-service unavailable", cause);
    }
}
