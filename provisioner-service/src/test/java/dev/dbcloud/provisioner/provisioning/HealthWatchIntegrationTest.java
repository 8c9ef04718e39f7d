package dev.dbcloud.provisioner.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.events.InstanceHealth;
import dev.dbcloud.events.InstanceHealthChanged;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceSpec;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class HealthWatchIntegrationTest extends AbstractProvisionerIntegrationTest {

    /** The watch runs every second in these tests; in service, every five. */
    private static final Duration REPORTED_WITHIN = Duration.ofSeconds(20);

    @Autowired InstanceDriver driver;
    @Autowired ServerAccess access;
    @Autowired ProvisionedInstances instances;

    @Test
    void reportsAServerThatStopsAndAgainWhenItIsBack() {
        ProvisionRequested provisioning = provisionCommand(uniqueTenant(), "watched", "jill", "a-watched-password");
        provision(provisioning);
        InstanceSpec spec = access.spec(
                instances.byOperation(UUID.fromString(provisioning.getOperationId())).orElseThrow(), null);

        driver.stop(spec);
        await().atMost(REPORTED_WITHIN).until(() -> healthReports(provisioning).contains(InstanceHealth.UNAVAILABLE));
        driver.ensureRunning(spec);
        await().atMost(REPORTED_WITHIN).until(() -> healthReports(provisioning).lastIndexOf(InstanceHealth.AVAILABLE)
                > healthReports(provisioning).indexOf(InstanceHealth.UNAVAILABLE));

        assertThat(events(InstanceHealthChanged.class, provisioning.getOperationId()).get(0).getDetail())
                .contains("does not accept connections");
    }

    private static List<InstanceHealth> healthReports(ProvisionRequested provisioning) {
        return events(InstanceHealthChanged.class, provisioning.getOperationId()).stream()
                .map(InstanceHealthChanged::getHealth).toList();
    }
}
