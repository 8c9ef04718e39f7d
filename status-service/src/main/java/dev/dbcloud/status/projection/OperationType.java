package dev.dbcloud.status.projection;

/** What an operation does; stored by name in {@code operations.type}. */
enum OperationType {
    PROVISION, DESTROY, PASSWORD_RESET, LINK, UNLINK, MIGRATE, CREATE_DATABASE, START, STOP, RESTORE
}
