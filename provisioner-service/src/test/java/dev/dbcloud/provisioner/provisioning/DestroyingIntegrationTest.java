package dev.dbcloud.provisioner.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.DestroyFailed;
import dev.dbcloud.events.DestroyFailureReason;
import dev.dbcloud.events.DestroyRequested;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.ProvisionFailed;
import dev.dbcloud.events.ProvisionRequested;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class DestroyingIntegrationTest extends AbstractProvisionerIntegrationTest {

    @Autowired ProvisionedInstances instances;

    @Test
    void destroyingStopsTheServerDeletesItsDataAndFreesItsPort() throws IOException {
        ProvisionRequested provisioning = provisionCommand(uniqueTenant(), "gone", "erin", "short-lived-pass");
        int port = provision(provisioning).getPort();

        DestroyRequested destroy = destroyCommand(provisioning.getTenant(), "gone");
        send(destroy);
        awaitOutcome(InstanceDestroyed.class, destroy.getOperationId());

        assertThatThrownBy(() -> login(port, "erin", "short-lived-pass")).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08001");
        assertThat(dataDirectory(provisioning)).doesNotExist();
        assertThat(status(provisioning.getOperationId())).isEqualTo("DESTROYED");
        assertThat(instances.localPortsInUse()).doesNotContain(port);
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }

        send(destroy);
        await().atMost(BOUND).until(() -> events(InstanceDestroyed.class, destroy.getOperationId()).size() == 2);
        assertThat(events(InstanceDestroyed.class, destroy.getOperationId()))
                .extracting(InstanceDestroyed::getEventId).containsOnly(
                        events(InstanceDestroyed.class, destroy.getOperationId()).get(0).getEventId());
    }

    @Test
    void aRedeliveredDestroyNeverTouchesALaterInstanceOfTheSameName() throws SQLException {
        String tenant = uniqueTenant();
        ProvisionRequested first = provisionCommand(tenant, "again", "frank", "first-incarnation");
        provision(first);
        DestroyRequested destroy = destroyCommand(tenant, "again");
        send(destroy);
        awaitOutcome(InstanceDestroyed.class, destroy.getOperationId());

        ProvisionRequested second = provisionCommand(tenant, "again", "frank", "second-incarnation");
        InstanceProvisioned provisioned = provision(second);
        send(destroy);
        await().atMost(BOUND).until(() -> events(InstanceDestroyed.class, destroy.getOperationId()).size() == 2);

        assertThat(status(second.getOperationId())).isEqualTo("AVAILABLE");
        assertThat(dataDirectory(second)).isDirectory();
        try (Connection connection = login(provisioned.getPort(), "frank", "second-incarnation")) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    @Test
    void aDestroySentRightAfterItsProvisioningEndsDestroyed() {
        String tenant = uniqueTenant();
        ProvisionRequested provisioning = provisionCommand(tenant, "brief", "gina", "hardly-used-pass");
        DestroyRequested destroy = destroyCommand(tenant, "brief");
        send(provisioning);
        send(destroy);

        awaitOutcome(InstanceDestroyed.class, destroy.getOperationId());
        assertThat(events(InstanceProvisioned.class, provisioning.getOperationId())).hasSize(1);
        assertThat(status(provisioning.getOperationId())).isEqualTo("DESTROYED");
        assertThat(dataDirectory(provisioning)).doesNotExist();
    }

    @Test
    void aFailedInstanceIsDestroyedAndFreesItsName() {
        String tenant = uniqueTenant();
        ProvisionRequested provisioning = provisionCommand(tenant, "broken", "Not-A-Username", "any-password-1");
        send(provisioning);
        awaitOutcome(ProvisionFailed.class, provisioning.getOperationId());
        assertThat(status(provisioning.getOperationId())).isEqualTo("FAILED");

        DestroyRequested destroy = destroyCommand(tenant, "broken");
        send(destroy);

        awaitOutcome(InstanceDestroyed.class, destroy.getOperationId());
        assertThat(status(provisioning.getOperationId())).isEqualTo("DESTROYED");
        assertThat(instances.live(new InstanceRef(tenant, "broken"))).isEmpty();
    }

    @Test
    void aDestroyTheDriverCannotCarryOutFailsAndLeavesTheInstanceToDestroyAgain() throws SQLException {
        String tenant = uniqueTenant();
        ProvisionRequested provisioning = provisionCommand(tenant, "sturdy", "kate", "a-sturdy-password");
        int port = provision(provisioning).getPort();
        DriverFaults.failingDestroys.add("sturdy");
        DestroyRequested destroy = destroyCommand(tenant, "sturdy");
        try {
            send(destroy);
            DestroyFailed failed = awaitOutcome(DestroyFailed.class, destroy.getOperationId());
            assertThat(failed.getReason()).isEqualTo(DestroyFailureReason.DRIVER_ERROR);
            assertThat(failed.getMessage()).contains("injected fault");
        } finally {
            DriverFaults.failingDestroys.remove("sturdy");
        }
        assertThat(status(provisioning.getOperationId())).isEqualTo("FAILED");
        try (Connection connection = login(port, "kate", "a-sturdy-password")) {
            assertThat(connection.isValid(5)).isTrue();
        }

        DestroyRequested retry = destroyCommand(tenant, "sturdy");
        send(retry);
        awaitOutcome(InstanceDestroyed.class, retry.getOperationId());
        assertThat(dataDirectory(provisioning)).doesNotExist();
    }

    @Test
    void destroyingANameWithoutALiveInstanceReportsItDestroyed() {
        DestroyRequested destroy = destroyCommand(uniqueTenant(), "nothing");
        send(destroy);

        assertThat(awaitOutcome(destroy.getOperationId())).isInstanceOf(InstanceDestroyed.class);
    }
}
