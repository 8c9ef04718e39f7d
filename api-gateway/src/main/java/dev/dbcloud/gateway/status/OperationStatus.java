package dev.dbcloud.gateway.status;

/** Where an operation stands, as status-service reports it (and the gateway, before status-service has seen it). */
public enum OperationStatus {
    PENDING, RUNNING, SUCCEEDED, FAILED;

    /** Whether the operation has its outcome: nothing will change it any more but a late real outcome. */
    public boolean ended() {
        return this == SUCCEEDED || this == FAILED;
    }
}
