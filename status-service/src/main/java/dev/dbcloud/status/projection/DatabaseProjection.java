package dev.dbcloud.status.projection;

import dev.dbcloud.events.CreateDatabaseRequested;
import dev.dbcloud.events.DatabaseCreated;
import dev.dbcloud.events.DatabaseCreationFailed;
import dev.dbcloud.events.MigrateRequested;
import dev.dbcloud.events.MigrationFailed;
import dev.dbcloud.events.MigrationSucceeded;
import org.springframework.stereotype.Component;

/**
 * Projects an instance's application databases: the operations that create and migrate them (with the restore point
 * made before each migration run), the databases their outcomes show to exist, and each database's migration history
 * and last failed migration.
 */
@Component
class DatabaseProjection {

    private final EventTimeline timeline;
    private final OperationTable operations;
    private final DatabaseTable databases;
    private final MigrationHistoryTable migrations;

    DatabaseProjection(EventTimeline timeline, OperationTable operations, DatabaseTable databases,
            MigrationHistoryTable migrations) {
        this.timeline = timeline;
        this.operations = operations;
        this.databases = databases;
        this.migrations = migrations;
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
            operations.migrationReported(event, outcome.getDatabase(), outcome.getRestorePoint());
            databases.migrated(event, outcome.getDatabase());
            migrations.succeeded(event, outcome.getDatabase(), outcome.getCurrentVersion(), outcome.getHistory());
        });
    }

    /**
     * A failed migration shows its database only when it reports the history that stayed applied (the instance may
     * not have been available to create it); that history then becomes the database's.
     */
    void migrationFailed(MigrationFailed outcome) {
        timeline.applyOnce(outcome, event -> {
            operations.failed(event, OperationType.MIGRATE, outcome.getReason(), outcome.getMessage());
            operations.migrationReported(event, outcome.getDatabase(), outcome.getRestorePoint());
            migrations.failed(event, outcome.getDatabase(), outcome.getReason(), outcome.getFailedVersion(),
                    outcome.getSqlState(), outcome.getMessage());
            if (outcome.getHistory() != null) {
                databases.migrated(event, outcome.getDatabase());
                migrations.reportedAfterFailure(event, outcome.getDatabase(), outcome.getHistory());
            }
        });
    }
}
