package dev.dbcloud.gateway.operations;

/** What an operation does: one per kind of command the gateway accepts. Stored by name in {@code operations.type}. */
public enum OperationType {
    PROVISION, LINK, PASSWORD_RESET, CREATE_DATABASE, MIGRATE, STOP, START, DESTROY, UNLINK, RESTORE
}
