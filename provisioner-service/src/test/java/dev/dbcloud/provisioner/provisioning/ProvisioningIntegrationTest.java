package dev.dbcloud.provisioner.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.ProvisionFailed;
import dev.dbcloud.events.ProvisionFailureReason;
import dev.dbcloud.events.ProvisionRequested;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

class ProvisioningIntegrationTest extends AbstractProvisionerIntegrationTest {

    @Autowired InstanceSupervisor supervisor;
    @Autowired MeterRegistry meters;
    @Autowired @Qualifier("driverHealthIndicator") HealthIndicator driverHealth;

    @Test
    void provisionsAServerThatTheAdminUserLogsInToWithTheChosenPassword() throws SQLException {
        ProvisionRequested command = provisionCommand(uniqueTenant(), "orders", "alice", "correct-horse-battery");
        InstanceProvisioned provisioned = provision(command);
        assertThat(provisioned.getHostName()).isEqualTo("localhost");
        assertThat(provisioned.getAdminUsername()).isEqualTo("alice");

        try (Connection connection = login(provisioned.getPort(), "alice", "correct-horse-battery");
                ResultSet role = connection.createStatement().executeQuery(
                        "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user")) {
            assertThat(role.next()).isTrue();
            assertThat(role.getBoolean("rolsuper")).isFalse();
            assertThat(role.getBoolean("rolcreatedb")).isTrue();
            assertThat(role.getBoolean("rolcreaterole")).isTrue();
        }
        assertThatThrownBy(() -> login(provisioned.getPort(), "alice", "wrong-password-here"))
                .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01");
        assertThat(provisioned.getControlPasswordCiphertext().remaining()).isPositive();
        for (String step : List.of("start", "role", "backup")) {
            assertThat(meters.get("dbcloud.driver.step.duration")
                    .tags("driver", "LOCAL", "step", step, "outcome", "success").timer().count()).as(step).isPositive();
        }
        // The data directory came from the warm pool ("claim") or from initdb, when the pool was empty.
        assertThat(meters.find("dbcloud.driver.step.duration").tags("driver", "LOCAL", "outcome", "success")
                .timers().stream().filter(timer -> List.of("claim", "initdb").contains(timer.getId().getTag("step")))
                .mapToLong(io.micrometer.core.instrument.Timer::count).sum()).isPositive();
    }

    @Test
    void theDriverIsReadyWhenItsBinariesAndRootAreAndSaysHowMuchSpaceIsLeft() {
        Health health = driverHealth.health(true);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails().get("LOCAL")).asInstanceOf(InstanceOfAssertFactories.MAP)
                .hasEntrySatisfying("freeBytes", free -> assertThat((Long) free).isPositive());
    }

    @Test
    void provisioningTheSameOperationTwiceCreatesOneServer() {
        ProvisionRequested command = provisionCommand(uniqueTenant(), "twice", "bob", "another-good-secret");
        InstanceProvisioned first = provision(command);

        send(command);
        await().atMost(BOUND).until(() -> provisionedEvents(command).size() == 2);

        assertThat(provisionedEvents(command)).extracting(InstanceProvisioned::getPort).containsOnly(first.getPort());
        assertThat(jdbc.sql("SELECT count(*) FROM instances WHERE tenant = ? AND name = 'twice'")
                .param(command.getTenant()).query(Long.class).single()).isEqualTo(1);
        assertThat(dataDirectory(command)).isDirectory();
    }

    @Test
    void aSecondLiveInstanceWithTheSameNameFailsWithAReason() {
        String tenant = uniqueTenant();
        ProvisionRequested original = provisionCommand(tenant, "dup", "carol", "a-fine-password");
        provision(original);

        ProvisionRequested duplicate = provisionCommand(tenant, "dup", "carol", "a-fine-password");
        send(duplicate);

        assertThat(awaitOutcome(ProvisionFailed.class, duplicate.getOperationId()).getReason())
                .isEqualTo(ProvisionFailureReason.NAME_IN_USE);
    }

    @Test
    void restartsServersThatShouldRun() throws SQLException {
        ProvisionRequested command = provisionCommand(uniqueTenant(), "restart", "dave", "persistent-pass");
        InstanceProvisioned provisioned = provision(command);

        supervisor.stop();
        assertThatThrownBy(() -> login(provisioned.getPort(), "dave", "persistent-pass")).isInstanceOf(SQLException.class);
        supervisor.start();

        try (Connection connection = login(provisioned.getPort(), "dave", "persistent-pass")) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    @Test
    void aStartAfterACrashRemovesWhatTheCrashLeftHalfDoneAndKeepsTheInstances() throws Exception {
        ProvisionRequested command = provisionCommand(uniqueTenant(), "survivor", "erin", "survivor-pass");
        InstanceProvisioned provisioned = provision(command);
        Path instances = root.resolve("instances");
        Path passwordFile = Files.writeString(instances.resolve(".pw-123456"), "control-secret");
        Path halfInitialized = Files.createDirectories(instances.resolve(UUID.randomUUID() + ".init").resolve("base"));
        Path halfExtracted = Files.createDirectories(root.resolve("binaries").resolve(".extract-987").resolve("bin"));
        Path halfTakenBackup = Files.createDirectories(root.resolve("backups").resolve(command.getOperationId())
                .resolve("base").resolve(".partial-1").resolve("data").resolve("base"));

        supervisor.stop();
        supervisor.start();

        assertThat(passwordFile).doesNotExist();
        assertThat(halfInitialized.getParent()).doesNotExist();
        assertThat(halfExtracted.getParent()).doesNotExist();
        assertThat(halfTakenBackup.getParent().getParent()).doesNotExist();
        try (Connection connection = login(provisioned.getPort(), "erin", "survivor-pass")) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    private static List<InstanceProvisioned> provisionedEvents(ProvisionRequested command) {
        return events(InstanceProvisioned.class, command.getOperationId());
    }
}
