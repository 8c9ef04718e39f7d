package dev.dbcloud.provisioner.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.events.InstanceHealth;
import dev.dbcloud.events.InstanceHealthChanged;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceDrivers;
import dev.dbcloud.provisioner.driver.InstanceSpec;
import java.time.Duration;
import java.nio.file.Files;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class HealthWatchIntegrationTest extends AbstractProvisionerIntegrationTest {

    /** The watch runs every second in these tests; in service, every five. */
    private static final Duration REPORTED_WITHIN = Duration.ofSeconds(20);

    @Autowired InstanceDrivers drivers;
    @Autowired ServerAccess access;
    @Autowired ProvisionedInstances instances;

    @Test
    void reportsAServerThatStopsAndAgainWhenItIsBack() {
        ProvisionRequested provisioning = provisionCommand(uniqueTenant(), "watched", "jill", "a-watched-password");
        provision(provisioning);
        InstanceSpec spec = access.spec(
                instances.byOperation(UUID.fromString(provisioning.getOperationId())).orElseThrow(), null);

        local().stop(spec);
        await().atMost(REPORTED_WITHIN).until(() -> healthReports(provisioning).contains(InstanceHealth.UNAVAILABLE));
        local().ensureRunning(spec);
        await().atMost(REPORTED_WITHIN).until(() -> healthReports(provisioning).lastIndexOf(InstanceHealth.AVAILABLE)
                > healthReports(provisioning).indexOf(InstanceHealth.UNAVAILABLE));

        assertThat(events(InstanceHealthChanged.class, provisioning.getOperationId()).get(0).getDetail())
                .isEqualTo("nothing accepts connections on port " + spec.port() + "; its server is not running");
    }

    @Test
    void startsAgainAServerThatWasKilledAndReportsBothChanges() throws Exception {
        ProvisionRequested provisioning = provisionCommand(uniqueTenant(), "phoenix", "jill", "a-phoenix-password");
        InstanceProvisioned provisioned = provision(provisioning);
        InstanceSpec spec = access.spec(
                instances.byOperation(UUID.fromString(provisioning.getOperationId())).orElseThrow(), null);
        long killed = Long.parseLong(Files.readAllLines(spec.dataDirectory().resolve("postmaster.pid")).get(0).strip());

        ProcessHandle.of(killed).orElseThrow().destroyForcibly();

        await().atMost(REPORTED_WITHIN).until(() -> healthReports(provisioning).contains(InstanceHealth.UNAVAILABLE));
        await().atMost(REPORTED_WITHIN.multipliedBy(2)).until(() -> healthReports(provisioning)
                .lastIndexOf(InstanceHealth.AVAILABLE) > healthReports(provisioning).indexOf(InstanceHealth.UNAVAILABLE));
        try (Connection connection = login(provisioned.getPort(), "jill", "a-phoenix-password")) {
            assertThat(connection.isValid(5)).isTrue();
        }
        long restarted = Long.parseLong(
                Files.readAllLines(spec.dataDirectory().resolve("postmaster.pid")).get(0).strip());
        assertThat(restarted).isNotEqualTo(killed);
    }

    @Test
    void theDriverKnowsTheIdentityOfItsServer() throws Exception {
        ProvisionRequested provisioning = provisionCommand(uniqueTenant(), "known", "jill", "a-known-password");
        provision(provisioning);
        ProvisionedInstance instance = instances.byOperation(UUID.fromString(provisioning.getOperationId())).orElseThrow();

        try (Connection connection = local().controlLogin(access.spec(instance, null)).connect("postgres");
                java.sql.Statement statement = connection.createStatement();
                java.sql.ResultSet identity = statement.executeQuery("SELECT system_identifier FROM pg_control_system()")) {
            identity.next();
            assertThat(local().systemIdentifier(access.spec(instance, null))).hasValue(identity.getLong(1));
        }
    }

    @Test
    void aServerOnThePortThatIsNotTheInstancesOwnIsReportedUnavailableWithWhy() {
        ProvisionRequested provisioning = provisionCommand(uniqueTenant(), "impostor", "jill", "an-impostor-password");
        InstanceProvisioned provisioned = provision(provisioning);
        try {
            DriverFaults.foreignServers.add("impostor");
            await().atMost(REPORTED_WITHIN).until(() -> healthReports(provisioning).contains(InstanceHealth.UNAVAILABLE));
            assertThat(events(InstanceHealthChanged.class, provisioning.getOperationId()).get(0).getDetail())
                    .isEqualTo(HealthWatch.foreign(provisioned.getPort()));
        } finally {
            DriverFaults.foreignServers.remove("impostor");
        }
        await().atMost(REPORTED_WITHIN).until(() -> healthReports(provisioning).lastIndexOf(InstanceHealth.AVAILABLE)
                > healthReports(provisioning).indexOf(InstanceHealth.UNAVAILABLE));
    }

    private InstanceDriver local() {
        return drivers.of(DriverKind.LOCAL);
    }

    private static List<InstanceHealth> healthReports(ProvisionRequested provisioning) {
        return events(InstanceHealthChanged.class, provisioning.getOperationId()).stream()
                .map(InstanceHealthChanged::getHealth).toList();
    }
}
