package dev.dbcloud.provisioner.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.BackupsChanged;
import dev.dbcloud.events.DestroyRequested;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.InstanceRestored;
import dev.dbcloud.events.InstanceStopped;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.events.RestoreFailed;
import dev.dbcloud.events.RestoreFailureReason;
import dev.dbcloud.events.RestoreRequested;
import dev.dbcloud.events.StopRequested;
import dev.dbcloud.provisioner.driver.Backup;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceDrivers;
import dev.dbcloud.provisioner.driver.InstanceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Backups and restores of local instances, on real servers: what a restore brings back, and what it refuses. */
class RestoringIntegrationTest extends AbstractProvisionerIntegrationTest {

    private static final String PASSWORD = "restore-me-please";

    @Autowired ProvisionedInstances instances;
    @Autowired ServerAccess access;
    @Autowired InstanceDrivers drivers;
    @Autowired NewInstances newInstances;

    @Test
    void restoresTheStateAtAMomentIntoANewInstanceWhileTheSourceRunsOn() throws SQLException {
        ProvisionRequested source = provisionWithBackup("orders");
        int port = port(source);
        execute(port, "CREATE TABLE items (id int PRIMARY KEY, state text)",
                "INSERT INTO items SELECT g, 'before' FROM generate_series(1, 100) g");
        Instant moment = serverTime(port);
        execute(port, "UPDATE items SET state = 'after'", "DELETE FROM items WHERE id <= 10",
                "INSERT INTO items VALUES (1000, 'after')");

        RestoreRequested restore = restoreCommand(source, "orders-then", moment, null);
        send(restore);
        InstanceRestored restored = awaitOutcome(InstanceRestored.class, restore.getOperationId());

        assertThat(restored.getSourceInstanceName()).isEqualTo("orders");
        assertThat(restored.getRestoredTo()).isEqualTo(moment);
        assertThat(restored.getAdminUsername()).isEqualTo("alice");
        assertThat(restored.getDatabases()).containsExactly("app");
        assertThat(restored.getPort()).isNotEqualTo(port);
        assertThat(rows(restored.getPort(), "SELECT count(*), min(state), max(state) FROM items"))
                .containsExactly("100", "before", "before");
        assertThat(rows(port, "SELECT count(*), min(state), max(state) FROM items"))
                .as("the source is untouched").containsExactly("91", "after", "after");
        assertThat(status(restore.getOperationId())).isEqualTo("AVAILABLE");

        // The new instance's control role has a password of its own; the source's no longer logs in there.
        String sourceControl = access.spec(instances.byOperation(UUID.fromString(source.getOperationId())).orElseThrow(),
                null).controlPassword();
        String targetControl = cipher.decrypt(new InstanceRef(restore.getTenant(), restore.getInstanceName()),
                bytes(restored.getControlPasswordCiphertext()));
        assertThat(targetControl).isNotEqualTo(sourceControl);
        login(restored.getPort(), "dbosadmin", targetControl).close();
        assertThatThrownBy(() -> login(restored.getPort(), "dbosadmin", sourceControl))
                .isInstanceOf(SQLException.class);

        // It archives on a timeline of its own, into its own archive, and gets a first base backup.
        await().atMost(BOUND).until(() -> backupsChanged(restore.getOperationId()).stream()
                .anyMatch(changed -> !changed.getBackups().isEmpty()));
    }

    @Test
    void theLatestStateHoldsTheLastCommitOfARunningSource() throws SQLException {
        ProvisionRequested source = provisionWithBackup("latest");
        int port = port(source);
        execute(port, "CREATE TABLE log (line text)", "INSERT INTO log VALUES ('first'), ('last')");

        RestoreRequested restore = restoreCommand(source, "latest-copy", null, null);
        send(restore);
        InstanceRestored restored = awaitOutcome(InstanceRestored.class, restore.getOperationId());

        assertThat(rows(restored.getPort(), "SELECT string_agg(line, ',' ORDER BY line) FROM log"))
                .containsExactly("first,last");
    }

    @Test
    void aStoppedSourceRestoresAMomentAfterItsLastCommit() throws SQLException {
        ProvisionRequested source = provisionWithBackup("stopped");
        int port = port(source);
        execute(port, "CREATE TABLE kept (v int)", "INSERT INTO kept VALUES (1), (2)");
        StopRequested stop = StopRequested.newBuilder().setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString()).setTenant(source.getTenant())
                .setInstanceName(source.getInstanceName()).setOccurredAt(Instant.now()).build();
        send(stop);
        awaitOutcome(InstanceStopped.class, stop.getOperationId());

        RestoreRequested restore = restoreCommand(source, "stopped-copy", Instant.now(), null);
        send(restore);
        InstanceRestored restored = awaitOutcome(InstanceRestored.class, restore.getOperationId());

        assertThat(rows(restored.getPort(), "SELECT sum(v) FROM kept")).containsExactly("3");
    }

    @Test
    void restoresToJustBeforeARestorePoint() throws SQLException {
        ProvisionRequested source = provisionWithBackup("points");
        int port = port(source);
        execute(port, "CREATE TABLE precious (v text)", "INSERT INTO precious VALUES ('keep me')");
        Instant madeAt;
        try (Connection connection = login(port, "dbosadmin", controlPassword(source));
                Statement statement = connection.createStatement();
                ResultSet point = statement.executeQuery(
                        "SELECT clock_timestamp() FROM pg_create_restore_point('dbcloud-before-test')")) {
            point.next();
            madeAt = point.getObject(1, OffsetDateTime.class).toInstant();
        }
        execute(port, "DROP TABLE precious");

        RestoreRequested restore = restoreCommand(source, "points-undo", madeAt, "dbcloud-before-test");
        send(restore);
        InstanceRestored restored = awaitOutcome(InstanceRestored.class, restore.getOperationId());

        assertThat(rows(restored.getPort(), "SELECT v FROM precious")).containsExactly("keep me");
        assertThat(restored.getRestoredTo()).isEqualTo(madeAt);
    }

    @Test
    void aMomentBeforeTheFirstBackupFailsAndLeavesNoServer() {
        ProvisionRequested source = provisionWithBackup("early");
        RestoreRequested restore = restoreCommand(source, "early-copy", Instant.now().minusSeconds(3600), null);
        send(restore);

        RestoreFailed failed = awaitOutcome(RestoreFailed.class, restore.getOperationId());
        assertThat(failed.getReason()).isEqualTo(RestoreFailureReason.OUTSIDE_WINDOW);
        assertThat(status(restore.getOperationId())).isEqualTo("FAILED");
        assertThat(root.resolve("instances").resolve(restore.getOperationId())).doesNotExist();
        assertThat(root.resolve("backups").resolve(restore.getOperationId())).doesNotExist();
    }

    @Test
    void anUnknownRestorePointFailsWithItsReason() {
        ProvisionRequested source = provisionWithBackup("nopoint");
        RestoreRequested restore = restoreCommand(source, "nopoint-copy", Instant.now(), "dbcloud-before-nothing");
        send(restore);

        assertThat(awaitOutcome(RestoreFailed.class, restore.getOperationId()).getReason())
                .isEqualTo(RestoreFailureReason.RESTORE_POINT_NOT_FOUND);
        assertThat(root.resolve("instances").resolve(restore.getOperationId())).doesNotExist();
    }

    /**
     * A restore resumed after its source was destroyed fails, and reads no other instance that took the source's
     * name meanwhile: it knows its source by its row.
     */
    @Test
    void aResumedRestoreWhoseSourceWasDestroyedFailsAndReadsNoNewcomerOfItsName() throws Exception {
        ProvisionRequested first = provisionWithBackup("reborn");
        DestroyRequested destroy = DestroyRequested.newBuilder().setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString()).setTenant(first.getTenant())
                .setInstanceName(first.getInstanceName()).setOccurredAt(Instant.now()).build();
        send(destroy);
        awaitOutcome(InstanceDestroyed.class, destroy.getOperationId());
        ProvisionRequested second = provisionCommand(first.getTenant(), "reborn", "alice", PASSWORD);
        provision(second);
        await().atMost(BOUND).until(() -> backupsChanged(second.getOperationId()).stream()
                .anyMatch(changed -> !changed.getBackups().isEmpty()));

        // As a crash would leave it: the restore claimed its row, reading the first "reborn", and stopped there.
        RestoreRequested restore = restoreCommand(first, "reborn_copy", null, null);
        UUID operation = UUID.fromString(restore.getOperationId());
        NewInstances.Claim claim = newInstances.claim(operation,
                new InstanceRef(restore.getTenant(), restore.getInstanceName()), "alice", false);
        instances.recordRestoredFrom(operation, UUID.fromString(first.getOperationId()));
        send(restore);

        RestoreFailed failed = awaitOutcome(RestoreFailed.class, restore.getOperationId());
        assertThat(failed.getReason()).isEqualTo(RestoreFailureReason.SOURCE_NOT_FOUND);
        assertThat(status(restore.getOperationId())).isEqualTo("FAILED");
        assertThat(claim.instance().dataDirectory()).doesNotExist();
    }

    @Test
    void aRestoreWhosePortIsTakenBeforeItsServerStartsGoesOnOnAnotherPort() throws Exception {
        ProvisionRequested source = provisionWithBackup("crowded");
        execute(port(source), "CREATE TABLE kept (v int)", "INSERT INTO kept VALUES (7)");
        DriverFaults.portTakenAtProvision.add("crowded_copy");
        try {
            RestoreRequested restore = restoreCommand(source, "crowded_copy", null, null);
            send(restore);
            InstanceRestored restored = awaitOutcome(InstanceRestored.class, restore.getOperationId());

            int taken = DriverFaults.takenPorts.get(DriverFaults.takenPorts.size() - 1).getLocalPort();
            assertThat(restored.getPort()).isNotEqualTo(taken);
            assertThat(rows(restored.getPort(), "SELECT v FROM kept")).containsExactly("7");
        } finally {
            DriverFaults.portTakenAtProvision.remove("crowded_copy");
            for (java.net.ServerSocket socket : DriverFaults.takenPorts) {
                socket.close();
            }
            DriverFaults.takenPorts.clear();
        }
    }

    @Test
    void aSourceThatIsNotThereFails() {
        RestoreRequested restore = restoreCommand(provisionCommand(uniqueTenant(), "ghost", "alice", PASSWORD),
                "ghost-copy", null, null);
        send(restore);

        assertThat(awaitOutcome(RestoreFailed.class, restore.getOperationId()).getReason())
                .isEqualTo(RestoreFailureReason.SOURCE_NOT_FOUND);
    }

    @Test
    void backupsArePrivateAndGoWithTheInstance() throws Exception {
        ProvisionRequested source = provisionWithBackup("private");
        Path backups = root.resolve("backups");
        Path home = backups.resolve(dataDirectory(source).getFileName());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backups))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx------");
        await().atMost(BOUND).until(() -> Files.list(home.resolve("wal")).findAny().isPresent());

        DestroyRequested destroy = DestroyRequested.newBuilder().setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString()).setTenant(source.getTenant())
                .setInstanceName(source.getInstanceName()).setOccurredAt(Instant.now()).build();
        send(destroy);
        awaitOutcome(InstanceDestroyed.class, destroy.getOperationId());

        assertThat(home).doesNotExist();
    }

    /** The retention job deletes base backups and WAL older than the window needs, and what it keeps restores. */
    @Test
    void pruningKeepsWhatTheWindowNeeds() throws Exception {
        ProvisionRequested source = provisionWithBackup("pruned");
        int port = port(source);
        InstanceDriver driver = drivers.of(DriverKind.LOCAL);
        InstanceSpec spec = access.spec(instances.byOperation(UUID.fromString(source.getOperationId())).orElseThrow(), null);
        execute(port, "CREATE TABLE t (v int)");
        List<Backup> taken = new ArrayList<>(driver.backups(spec));
        for (int i = 0; i < 2; i++) {
            execute(port, "INSERT INTO t VALUES (" + i + ")");
            try (Connection control = login(port, "dbosadmin", spec.controlPassword())) {
                control.createStatement().execute("SELECT pg_switch_wal()");
            }
            taken.add(driver.takeBackup(spec));
        }
        Path wal = root.resolve("backups").resolve(dataDirectory(source).getFileName()).resolve("wal");
        String oldestSegment = segments(wal).get(0);

        Instant keepFrom = taken.get(1).finishedAt().plusMillis(1);
        assertThat(driver.pruneBackups(spec, keepFrom)).isTrue();

        assertThat(driver.backups(spec)).containsExactly(taken.get(1), taken.get(2));
        assertThat(segments(wal)).doesNotContain(oldestSegment).isNotEmpty();
        assertThat(driver.pruneBackups(spec, keepFrom)).as("nothing more to prune").isFalse();

        RestoreRequested restore = restoreCommand(source, "pruned-copy", keepFrom, null);
        send(restore);
        InstanceRestored restored = awaitOutcome(InstanceRestored.class, restore.getOperationId());
        assertThat(rows(restored.getPort(), "SELECT string_agg(v::text, ',') FROM t")).containsExactly("0");
    }

    private static List<String> segments(Path wal) throws Exception {
        try (Stream<Path> files = Files.list(wal)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.matches("[0-9A-F]{24}"))
                    .sorted().toList();
        }
    }

    private ProvisionRequested provisionWithBackup(String name) {
        ProvisionRequested command = provisionCommand(uniqueTenant(), name, "alice", PASSWORD);
        InstanceProvisioned provisioned = provision(command);
        try (Connection connection = login(provisioned.getPort(), "alice", PASSWORD)) {
            connection.createStatement().execute("CREATE DATABASE app");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        await().atMost(BOUND).until(() -> backupsChanged(command.getOperationId()).stream()
                .anyMatch(changed -> !changed.getBackups().isEmpty()));
        return command;
    }

    private static List<BackupsChanged> backupsChanged(String operationId) {
        return events(BackupsChanged.class, operationId);
    }

    private static int port(ProvisionRequested command) {
        return events(InstanceProvisioned.class, command.getOperationId()).get(0).getPort();
    }

    private String controlPassword(ProvisionRequested command) {
        return access.spec(instances.byOperation(UUID.fromString(command.getOperationId())).orElseThrow(), null)
                .controlPassword();
    }

    private static void execute(int port, String... statements) throws SQLException {
        try (Connection connection = login(port, "app", "alice", PASSWORD);
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static Instant serverTime(int port) throws SQLException {
        try (Connection connection = login(port, "alice", PASSWORD);
                ResultSet now = connection.createStatement().executeQuery("SELECT clock_timestamp()")) {
            now.next();
            return now.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private static List<String> rows(int port, String query) throws SQLException {
        try (Connection connection = login(port, "app", "alice", PASSWORD);
                ResultSet rows = connection.createStatement().executeQuery(query)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                    values.add(rows.getString(column));
                }
            }
            return values;
        }
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    static RestoreRequested restoreCommand(ProvisionRequested source, String targetName, Instant pointInTime,
            String restorePoint) {
        return RestoreRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(source.getTenant())
                .setInstanceName(targetName)
                .setOccurredAt(Instant.now())
                .setSourceInstanceName(source.getInstanceName())
                .setPointInTime(pointInTime)
                .setRestorePoint(restorePoint)
                .build();
    }
}
