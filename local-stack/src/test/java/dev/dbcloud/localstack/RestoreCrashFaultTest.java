package dev.dbcloud.localstack;

import static dev.dbcloud.localstack.ChildStack.finished;
import static dev.dbcloud.localstack.ChildStack.get;
import static dev.dbcloud.localstack.ChildStack.operationId;
import static dev.dbcloud.localstack.ChildStack.post;
import static dev.dbcloud.localstack.ChildStack.postgresServersOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.Credentials;
import dev.dbcloud.provisioner.driver.ProvisioningStepDone.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The stack killed (as {@code kill -9} would) in the middle of a restore: once the base backup is in place as the
 * new data directory, and once the replay of the WAL began. The next start resumes each restore, and each new
 * instance ends AVAILABLE holding the source's rows, with one data directory apiece and nothing half made.
 */
@Tag("faults")
class RestoreCrashFaultTest {

    private static final String PASSWORD = "restore-Pr00f-pass";

    private Path home;
    private Process child;

    @BeforeEach
    void home() throws IOException {
        home = Files.createTempDirectory("dbcloud-restore-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        ChildStack.cleanUp(child, home);
    }

    @Test
    void aRestoreCutOffMidWayResumesAtTheNextStart() throws Exception {
        child = ChildStack.start(home, "-D" + HaltAtProvisioningStep.PROPERTY + "=" + Step.BACKUP_RESTORED + ":copy1");
        Credentials credentials = Credentials.read(home.resolve(Credentials.FILE_NAME));
        String source = operationId(post(credentials, "/v1/instances",
                "{\"name\":\"source\",\"username\":\"carol\",\"password\":\"" + PASSWORD + "\"}"));
        assertThat(finished(credentials, source)).contains("\"status\":\"SUCCEEDED\"");
        int port = port(get(credentials, "/v1/instances/source").body());
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + port + "/postgres", "carol", PASSWORD)) {
            connection.createStatement().execute("CREATE DATABASE app");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> !get(credentials, "/v1/instances/source/backups").body()
                .contains("\"earliestRestorableTime\":null"));
        execute(port, "CREATE TABLE kept (v text)", "INSERT INTO kept VALUES ('row one'), ('row two')");

        Map<String, String> restores = new LinkedHashMap<>();
        restores.put("copy1", operationId(post(credentials, "/v1/instances/source/restore", "{\"targetName\":\"copy1\"}")));
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("halted after the backup was placed").isTrue();
        assertThat(child.exitValue()).isEqualTo(HaltAtProvisioningStep.HALTED);

        child = ChildStack.start(home, "-D" + HaltAtProvisioningStep.PROPERTY + "=" + Step.RECOVERY_STARTED + ":copy2");
        Credentials again = Credentials.read(home.resolve(Credentials.FILE_NAME));
        restores.put("copy2", operationId(post(again, "/v1/instances/source/restore", "{\"targetName\":\"copy2\"}")));
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("halted once the replay began").isTrue();
        assertThat(child.exitValue()).isEqualTo(HaltAtProvisioningStep.HALTED);

        try (LocalStack stack = LocalStack.start(home, 0)) {
            Credentials last = stack.credentials();
            Map<Path, Integer> expected = new HashMap<>();
            for (var restore : restores.entrySet()) {
                assertThat(finished(last, restore.getValue())).as(restore.getKey())
                        .contains("\"status\":\"SUCCEEDED\"");
                int copy = port(get(last, "/v1/instances/" + restore.getKey()).body());
                assertThat(rows(copy)).as(restore.getKey()).containsExactly("row one", "row two");
                // A restore's data directory is named by its operation.
                expected.put(home.resolve("instances").resolve(restore.getValue()), copy);
            }
            // The source's is the pooled server's it was placed on (or named by its operation, had the pool been
            // empty): it is told by its server's port.
            int sourcePort = port(get(last, "/v1/instances/source").body());
            assertThat(InstancesFolder.dataDirectories(home)).as("one data directory per instance, and nothing half made")
                    .hasSize(3).allMatch(InstancesFolder::isWhole);
            Map<Path, Integer> listening = InstancesFolder.listeningPorts(home);
            assertThat(listening).as("each instance's server, in its data directory").hasSize(3)
                    .containsAllEntriesOf(expected).containsValue(sourcePort);
            assertThat(InstancesFolder.servers(home)).as("the control plane's server and one per instance").hasSize(4);
        }
        assertThat(postgresServersOn(home)).as("servers left after close").isEmpty();
    }

    private static int port(String instance) {
        return Integer.parseInt(instance.replaceAll(".*\"port\":(\\d+).*", "$1"));
    }

    private static void execute(int port, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + port + "/app", "carol", PASSWORD)) {
            for (String statement : statements) {
                connection.createStatement().execute(statement);
            }
        }
    }

    private static List<String> rows(int port) throws SQLException {
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + port + "/app", "carol", PASSWORD);
                ResultSet rows = connection.createStatement().executeQuery("SELECT v FROM kept ORDER BY v")) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }
}
