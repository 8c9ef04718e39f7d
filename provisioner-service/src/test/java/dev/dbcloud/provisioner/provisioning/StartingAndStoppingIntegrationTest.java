package dev.dbcloud.provisioner.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.events.DestroyRequested;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceHealthChanged;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.InstanceStarted;
import dev.dbcloud.events.InstanceStopped;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.events.StartFailed;
import dev.dbcloud.events.StartFailureReason;
import dev.dbcloud.events.StartRequested;
import dev.dbcloud.events.StopFailed;
import dev.dbcloud.events.StopFailureReason;
import dev.dbcloud.events.StopRequested;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Stopping and starting local instances on request, against their real servers. */
class StartingAndStoppingIntegrationTest extends AbstractProvisionerIntegrationTest {

    @Test
    void aStoppedInstanceKeepsItsDataStaysStoppedAndStartsOnItsPort() throws SQLException {
        ProvisionRequested provisioning = provisionCommand(uniqueTenant(), "napping", "nina", "a-napping-password");
        int port = provision(provisioning).getPort();
        try (Connection connection = login(port, "nina", "a-napping-password");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE app");
        }
        try (Connection connection = login(port, "app", "nina", "a-napping-password");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)");
        }

        StopRequested stop = stopCommand(provisioning);
        send(stop);
        awaitOutcome(InstanceStopped.class, stop.getOperationId());

        assertThat(status(provisioning.getOperationId())).isEqualTo("STOPPED");
        // Neither the supervisor nor the health watch (every second here) starts or reports it meanwhile.
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8))
                .until(() -> refusesConnections(port));
        assertThat(events(InstanceHealthChanged.class, provisioning.getOperationId())).isEmpty();

        StartRequested start = startCommand(provisioning);
        send(start);
        InstanceStarted started = awaitOutcome(InstanceStarted.class, start.getOperationId());

        assertThat(started.getPort()).isEqualTo(port);
        assertThat(started.getPreviousPort()).isNull();
        assertThat(status(provisioning.getOperationId())).isEqualTo("AVAILABLE");
        try (Connection connection = login(port, "app", "nina", "a-napping-password");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id FROM kept")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isEqualTo(42);
        }
    }

    @Test
    void aStartMovesAnInstanceWhosePortAnotherProgramHoldsAndSaysSo() throws Exception {
        ProvisionRequested provisioning = provisionCommand(uniqueTenant(), "evicted", "nina", "an-evicted-password");
        int port = provision(provisioning).getPort();
        StopRequested stop = stopCommand(provisioning);
        send(stop);
        awaitOutcome(InstanceStopped.class, stop.getOperationId());

        try (ServerSocket squatter = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            StartRequested start = startCommand(provisioning);
            send(start);
            InstanceStarted started = awaitOutcome(InstanceStarted.class, start.getOperationId());

            assertThat(started.getPreviousPort()).isEqualTo(port);
            assertThat(started.getPort()).isNotEqualTo(port);
            assertThat(jdbc.sql("SELECT port FROM instances WHERE operation_id = ?")
                    .param(UUID.fromString(provisioning.getOperationId())).query(Integer.class).single())
                    .isEqualTo(started.getPort());
            try (Connection connection = login(started.getPort(), "nina", "an-evicted-password")) {
                assertThat(connection.isValid(5)).isTrue();
            }
        }
    }

    @Test
    void aRedeliveredStopAfterAStartStopsNothing() throws SQLException {
        ProvisionRequested provisioning = provisionCommand(uniqueTenant(), "replayed", "nina", "a-replayed-password");
        int port = provision(provisioning).getPort();
        StopRequested stop = stopCommand(provisioning);
        send(stop);
        awaitOutcome(InstanceStopped.class, stop.getOperationId());
        StartRequested start = startCommand(provisioning);
        send(start);
        awaitOutcome(InstanceStarted.class, start.getOperationId());

        send(stop);
        await().atMost(BOUND).until(() -> events(InstanceStopped.class, stop.getOperationId()).size() == 2);

        assertThat(status(provisioning.getOperationId())).isEqualTo("AVAILABLE");
        try (Connection connection = login(port, "nina", "a-replayed-password")) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    @Test
    void aProvisioningWhosePortIsTakenBeforeItsServerBindsGoesOnOnAnotherPort() throws Exception {
        ProvisionRequested provisioning = provisionCommand(uniqueTenant(), "raced", "nina", "a-raced-password");
        DriverFaults.portTakenAtProvision.add("raced");
        try {
            InstanceProvisioned provisioned = provision(provisioning);

            int taken = DriverFaults.takenPorts.get(DriverFaults.takenPorts.size() - 1).getLocalPort();
            assertThat(provisioned.getPort()).isNotEqualTo(taken);
            try (Connection connection = login(provisioned.getPort(), "nina", "a-raced-password")) {
                assertThat(connection.isValid(5)).isTrue();
            }
        } finally {
            DriverFaults.portTakenAtProvision.remove("raced");
            for (ServerSocket socket : DriverFaults.takenPorts) {
                socket.close();
            }
            DriverFaults.takenPorts.clear();
        }
    }

    @Test
    void aStoppedInstanceIsDestroyedWithItsDataAndCannotBeStartedAfterwards() {
        ProvisionRequested provisioning = provisionCommand(uniqueTenant(), "retired", "nina", "a-retired-password");
        provision(provisioning);
        StopRequested stop = stopCommand(provisioning);
        send(stop);
        awaitOutcome(InstanceStopped.class, stop.getOperationId());

        DestroyRequested destroy = DestroyingIntegrationTest.destroyCommand(provisioning.getTenant(), "retired");
        send(destroy);
        awaitOutcome(InstanceDestroyed.class, destroy.getOperationId());
        StartRequested start = startCommand(provisioning);
        send(start);

        assertThat(status(provisioning.getOperationId())).isEqualTo("DESTROYED");
        assertThat(dataDirectory(provisioning)).doesNotExist();
        assertThat(awaitOutcome(StartFailed.class, start.getOperationId()).getReason())
                .isEqualTo(StartFailureReason.INSTANCE_NOT_AVAILABLE);
    }

    @Test
    void startingOrStoppingAnInstanceThatIsNotThereFails() {
        ProvisionRequested absent = provisionCommand(uniqueTenant(), "absent", "nina", "an-absent-password");
        StopRequested stop = stopCommand(absent);
        StartRequested start = startCommand(absent);
        send(stop);
        send(start);

        assertThat(awaitOutcome(StopFailed.class, stop.getOperationId()).getReason())
                .isEqualTo(StopFailureReason.INSTANCE_NOT_AVAILABLE);
        assertThat(awaitOutcome(StartFailed.class, start.getOperationId()).getReason())
                .isEqualTo(StartFailureReason.INSTANCE_NOT_AVAILABLE);
    }

    private static boolean refusesConnections(int port) {
        try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    static StopRequested stopCommand(ProvisionRequested provisioning) {
        return stopCommand(provisioning.getTenant(), provisioning.getInstanceName());
    }

    static StopRequested stopCommand(String tenant, String name) {
        return StopRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setInstanceName(name)
                .setOccurredAt(Instant.now())
                .build();
    }

    static StartRequested startCommand(ProvisionRequested provisioning) {
        return startCommand(provisioning.getTenant(), provisioning.getInstanceName());
    }

    static StartRequested startCommand(String tenant, String name) {
        return StartRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setInstanceName(name)
                .setOccurredAt(Instant.now())
                .build();
    }
}
