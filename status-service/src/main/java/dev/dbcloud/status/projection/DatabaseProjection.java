package dev.dbcloud.status.projection;

import dev.dbcloud.events.CreateDatabaseRequested;
import dev.dbcloud.events.DatabaseCreated;
import dev.dbcloud.events.DatabaseCreationFailed;
import dev.dbcloud.events.MigrateRequested;
import dev.dbcloud.events.MigrationFailed;
import dev.dbcloud.events.MigrationSucceeded;
import org.springframework.stereotype.Component;

/**
 * Projects an instance's application databases: the operations that create and migrate them, and the databases
 * their outcomes show to exist.
 */
@Component
class DatabaseProjection {

    private final EventTimeline timeline;
    private final OperationTable operations;
    private final DatabaseTable databases;

    DatabaseProjection(EventTimeline timeline, OperationTable operations, DatabaseTable databases) {
        this.timeline = timeline;
        this.operations = operations;
        this.databases = databases;
    }

    void createDatabaseRequested(CreateDatabaseRequested command) {
        timeline.applyOnce(command, event -> operations.requested(event, OperationType.CREATE_DATABASE));
    }

    void databaseCreated(DatabaseCreated outcome) {
        timeline.applyOnce(outcome, event -> {
            operations.succeeded(event, OperationType.CREATE_DATABASE);
            databases.created(event, outcome.getDatabase(), outcome.getOwner());
        });
    }

    void databaseCreationFailed(DatabaseCreationFailed outcome) {
        timeline.applyOnce(outcome, event -> operations.failed(event, OperationType.CREATE_DATABASE,
                outcome.getReason(), outcome.getMessage()));
    }

    void migrateRequested(MigrateRequested command) {
        timeline.applyOnce(command, event -> operations.requested(event, OperationType.MIGRATE));
    }

    void migrationSucceeded(MigrationSucceeded outcome) {
        timeline.applyOnce(outcome, event -> {
            operations.succeeded(event, OperationType.MIGRATE);
            databases.migrated(event, outcome.getDatabase());
        });
    }

    void migrationFailed(MigrationFailed outcome) {
        timeline.applyOnce(outcome, event ->
                operations.failed(event, OperationType.MIGRATE, outcome.getReason(), outcome.getMessage()));
    }
}
