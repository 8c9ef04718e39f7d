package dev.dbcloud.gateway.instances;

/**
 * The body of {@code POST /v1/instances/{name}/restore}: the new instance's name, and the moment to restore, either
 * {@code pointInTime} (an RFC 3339 time with an offset) or {@code beforeMigration} (the id of a migration operation,
 * whose run's restore point the restore stops just before); with neither, the latest state. The moment is kept as
 * sent, so that one that does not parse is refused naming its field.
 */
public record RestoreRequest(String targetName, String pointInTime, String beforeMigration) {
}
