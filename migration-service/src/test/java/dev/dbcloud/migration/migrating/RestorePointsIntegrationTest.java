package dev.dbcloud.migration.migrating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.MigrateRequested;
import dev.dbcloud.events.Migration;
import dev.dbcloud.events.MigrationFailed;
import dev.dbcloud.events.MigrationFailureReason;
import dev.dbcloud.events.MigrationSucceeded;
import dev.dbcloud.events.RestorePoint;
import dev.dbcloud.migration.MigrationServiceIntegrationTest;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The restore point a run on a local instance begins with, looked for where a restore looks: in the server's WAL
 * (read with {@code pg_walinspect}, as the bootstrap superuser).
 */
class RestorePointsIntegrationTest extends MigrationServiceIntegrationTest {

    private static final Migration ORDERS = migration("1", "create orders",
            "CREATE TABLE orders (id bigint PRIMARY KEY, note text);");

    /** This service's own database, where it records what it handled. */
    @Autowired private JdbcClient jdbc;

    @BeforeAll
    static void inspectTheWal() throws SQLException {
        execute("postgres", "CREATE EXTENSION IF NOT EXISTS pg_walinspect");
    }

    @Test
    void aRunOnALocalInstanceBeginsAtARestorePointNamedForItsOperation() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        MigrateRequested command = migrateCommand(instance, database, false, ORDERS);
        String from = walPosition();
        Instant sent = Instant.now();

        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class, command);

        RestorePoint point = succeeded.getRestorePoint();
        assertThat(point.getName()).isEqualTo("dbcloud-before-" + command.getOperationId());
        assertThat(point.getCreatedAt()).isBetween(sent, succeeded.getOccurredAt());
        assertThat(restorePointsSince(from)).containsExactly(point.getName());
        assertThat(query("postgres", "SELECT record_type FROM pg_get_wal_records_info('" + from + "', "
                + "pg_current_wal_flush_lsn()) WHERE record_type = 'RESTORE_POINT' OR resource_manager = 'Database' "
                + "ORDER BY start_lsn LIMIT 1"))
                .as("the point comes before the run created the database").containsExactly(List.of("RESTORE_POINT"));
    }

    @Test
    void aFailedRunNamesTheRestorePointItBeganAt() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, ORDERS));
        MigrateRequested command = migrateCommand(instance, database, false, ORDERS, migration("2", "add notes",
                "CREATE TABLE notes (id bigint);\nALTER TABLE missing ADD COLUMN note text;"));
        String from = walPosition();

        MigrationFailed failed = migrate(MigrationFailed.class, command);

        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.SQL_ERROR);
        assertThat(failed.getRestorePoint().getName()).isEqualTo("dbcloud-before-" + command.getOperationId());
        assertThat(restorePointsSince(from)).containsExactly(failed.getRestorePoint().getName());
    }

    @Test
    void aLinkedInstanceKeepsNoBackupsSoItsRunsHaveNoRestorePoint() throws SQLException {
        InstanceRef instance = new InstanceRef(uniqueTenant(), "mine");
        publish(linked(instance, Instant.now()));
        awaitKnown(instance);
        String from = walPosition();

        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class,
                migrateCommand(instance, uniqueDatabase("linked"), false, ORDERS));

        assertThat(succeeded.getAppliedVersions()).containsExactly("1");
        assertThat(succeeded.getRestorePoint()).isNull();
        assertThat(restorePointsSince(from)).isEmpty();
    }

    @Test
    void aRequestRunAgainAfterACrashReusesTheRestorePointOfItsFirstAttempt() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        MigrateRequested command = migrateCommand(instance, database, false, ORDERS);
        String from = walPosition();
        MigrationSucceeded first = migrate(MigrationSucceeded.class, command);
        // What a crash after the run and before its outcome was recorded leaves: the redelivery runs again.
        jdbc.sql("DELETE FROM handled_operations WHERE operation_id = ?")
                .param(UUID.fromString(command.getOperationId())).update();

        send(command);
        await().atMost(BOUND).until(() -> events(command.getOperationId()).stream()
                .filter(MigrationSucceeded.class::isInstance).count() == 2);

        MigrationSucceeded second = (MigrationSucceeded) events(command.getOperationId()).stream()
                .filter(MigrationSucceeded.class::isInstance).skip(1).findFirst().orElseThrow();
        assertThat(second.getEventId()).isNotEqualTo(first.getEventId());
        assertThat(second.getAppliedVersions()).isEmpty();
        assertThat(second.getRestorePoint()).isEqualTo(first.getRestorePoint());
        assertThat(restorePointsSince(from)).containsExactly(first.getRestorePoint().getName());
    }

    @Test
    void aRestorePointTheServerRefusesStopsTheRunBeforeItChangesAnything() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        MigrateRequested command = migrateCommand(instance, database, false, ORDERS);
        MigrationFailed failed;
        // Without superuser, the control role may not make restore points (EXECUTE is revoked from PUBLIC).
        execute("postgres", "ALTER ROLE dbosadmin NOSUPERUSER");
        try {
            failed = migrate(MigrationFailed.class, command);
        } finally {
            execute("postgres", "ALTER ROLE dbosadmin SUPERUSER");
        }

        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.INSTANCE_NOT_AVAILABLE);
        assertThat(failed.getSqlState()).isEqualTo("42501");
        assertThat(failed.getMessage()).contains("making the restore point dbcloud-before-" + command.getOperationId(),
                "permission denied", "no migration ran");
        assertThat(failed.getRestorePoint()).isNull();
        assertThat(failed.getHistory()).isNull();
        assertThat(query("postgres", "SELECT count(*) FROM pg_database WHERE datname = '" + database + "'"))
                .containsExactly(List.of("0"));
    }

    private static String walPosition() throws SQLException {
        return query("postgres", "SELECT pg_current_wal_lsn()").get(0).get(0);
    }

    /** The names of the restore points in the WAL written since {@code from}, oldest first. */
    private static List<String> restorePointsSince(String from) throws SQLException {
        return query("postgres", "SELECT description FROM pg_get_wal_records_info('" + from + "', "
                + "pg_current_wal_flush_lsn()) WHERE record_type = 'RESTORE_POINT' ORDER BY start_lsn")
                .stream().map(row -> row.get(0)).toList();
    }
}
