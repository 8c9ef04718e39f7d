package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.dbcloud.localstack.ChildStack.delete;
import static dev.dbcloud.localstack.ChildStack.get;
import static dev.dbcloud.localstack.ChildStack.operationId;
import static dev.dbcloud.localstack.ChildStack.post;
import static dev.dbcloud.localstack.ChildStack.postgresServersOn;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.Credentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The local stack run as a user runs it, in a JVM of its own, then stopped as machines stop it: SIGTERM (Ctrl-C)
 * leaves no server running; {@code kill -9} with commands in flight leaves its servers running, and the next start
 * just works, adopting or stopping them, with the instances as they were and every accepted command carried out
 * once. A second stack on the same home is refused in one line.
 */
@Tag("faults")
class CrashRecoveryFaultTest {

    private static final String PASSWORD = "crash-Pr00f-pass";
    /** In flight when the stack is stopped or killed: 20 provisions and 5 destroys. */
    private static final int PROVISIONED = 20;
    private static final int DESTROYED = 5;
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(10);

    private Path home;
    private Process child;

    @BeforeEach
    void home() throws IOException {
        home = Files.createTempDirectory("dbcloud-crash-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        ChildStack.cleanUp(child, home);
    }

    @Test
    void sigtermStopsEverythingAndKillMinusNineLeavesNothingTheNextStartCannotHandle() throws Exception {
        // A first run: instances to keep and to destroy later.
        child = startStack();
        Credentials credentials = Credentials.read(home.resolve(Credentials.FILE_NAME));
        List<String> setUp = new ArrayList<>(List.of(provision(credentials, "crashy")));
        for (int i = 0; i < 2 * DESTROYED; i++) {
            setUp.add(provision(credentials, "doomed" + i));
        }
        for (String operation : setUp) {
            assertThat(ChildStack.finished(credentials, operation)).contains("\"status\":\"SUCCEEDED\"");
        }
        assertThat(InstancesFolder.servers(home)).as("the control plane's server and one per instance")
                .hasSize(2 + 2 * DESTROYED);
        // Commands accepted, then SIGTERM at once: the stack stops within 10 seconds, and what was cut off is
        // carried out at the next start.
        List<String> beforeStop = new ArrayList<>();
        for (int i = 0; i < PROVISIONED; i++) {
            beforeStop.add(provision(credentials, "term" + i));
        }
        for (int i = 0; i < DESTROYED; i++) {
            beforeStop.add(operationId(delete(credentials, "/v1/instances/doomed" + i)));
        }
        long sigterm = System.nanoTime();
        child.destroy();
        assertThat(child.waitFor(GRACEFUL_STOP.toSeconds(), TimeUnit.SECONDS)).as("stopped within %s after SIGTERM",
                GRACEFUL_STOP).isTrue();
        System.out.printf("The stack stopped %d ms after SIGTERM, with %d commands in flight%n",
                (System.nanoTime() - sigterm) / 1_000_000, beforeStop.size());
        assertThat(postgresServersOn(home)).as("servers left after SIGTERM").isEmpty();

        // A second run finishes what the first left, and is then killed: its servers outlive it.
        child = startStack();
        credentials = Credentials.read(home.resolve(Credentials.FILE_NAME));
        for (String operation : beforeStop) {
            assertThat(ChildStack.finished(credentials, operation))
                    .as("operation %s, accepted before SIGTERM", operation).contains("\"status\":\"SUCCEEDED\"");
        }
        assertThatThrownBy(() -> LocalStack.start(home, 0)).as("a second stack on the same home")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("another dbcloud local stack is running on " + home)
                .hasMessageContaining("process " + child.pid());
        assertThat(get(credentials, "/v1/instances/crashy").statusCode()).as("the first stack, unharmed").isEqualTo(200);
        // Commands accepted (202) and the stack killed at once, before most of them are carried out.
        List<String> operations = new ArrayList<>();
        for (int i = 0; i < PROVISIONED; i++) {
            operations.add(provision(credentials, "flight" + i));
        }
        for (int i = DESTROYED; i < 2 * DESTROYED; i++) {
            operations.add(operationId(delete(credentials, "/v1/instances/doomed" + i)));
        }
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<ProcessHandle> orphans = postgresServersOn(home);
        assertThat(orphans).as("servers left running by kill -9").hasSizeGreaterThanOrEqualTo(2);
        List<Path> leftInPool = InstancesFolder.pooled(home);

        // The next start just works.
        try (LocalStack stack = LocalStack.start(home, 0)) {
            credentials = stack.credentials();
            Credentials current = credentials;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    get(current, "/v1/instances/crashy").body()).contains("\"status\":\"AVAILABLE\""));
            // Every command accepted before the kill is carried out after it, once; none ends TIMEOUT.
            for (String operation : operations) {
                assertThat(ChildStack.finished(current, operation)).as("operation %s", operation)
                        .contains("\"status\":\"SUCCEEDED\"");
            }
            List<String> kept = new ArrayList<>(List.of("crashy"));
            for (int i = 0; i < PROVISIONED; i++) {
                kept.add("term" + i);
                kept.add("flight" + i);
            }
            List<Integer> ports = new ArrayList<>();
            for (String name : kept) {
                String instance = get(current, "/v1/instances/" + name).body();
                assertThat(instance).as(name).contains("\"status\":\"AVAILABLE\"");
                int port = Integer.parseInt(instance.replaceAll(".*\"port\":(\\d+).*", "$1"));
                ports.add(port);
                try (Connection connection = DriverManager.getConnection(
                        "jdbc:postgresql://localhost:" + port + "/postgres", "carol", PASSWORD)) {
                    assertThat(connection.isValid(5)).as(name).isTrue();
                }
            }
            for (int i = 0; i < 2 * DESTROYED; i++) {
                assertThat(get(current, "/v1/instances/doomed" + i).statusCode()).isEqualTo(404);
            }
            assertThat(InstancesFolder.servers(home)).as("one server per data directory: the control plane's and the kept")
                    .hasSize(1 + kept.size());
            assertThat(InstancesFolder.dataDirectories(home)).as("data directories, nothing half made")
                    .hasSize(kept.size()).allMatch(InstancesFolder::isWhole);
            assertThat(InstancesFolder.listeningPorts(home).values()).as("each kept instance's server, in its data directory")
                    .containsExactlyInAnyOrderElementsOf(ports);
            // Nobody knows their control passwords any more: the start discarded those that no provisioning claimed.
            assertThat(leftInPool).as("the killed run's pooled servers, each discarded or claimed since")
                    .noneMatch(directory -> Files.exists(directory.resolve(InstancesFolder.PASSWORD_PENDING)));
            assertThat(Files.readString(home.resolve("control-plane/postmaster.pid")).lines().findFirst().orElseThrow())
                    .as("the control plane runs anew").isNotIn(orphans.stream().map(p -> Long.toString(p.pid())).toList());
        }
        assertThat(postgresServersOn(home)).as("servers left after close").isEmpty();
    }

    private static String provision(Credentials credentials, String name) throws Exception {
        return operationId(post(credentials, "/v1/instances",
                "{\"name\":\"" + name + "\",\"username\":\"carol\",\"password\":\"" + PASSWORD + "\"}"));
    }

    private Process startStack() throws IOException {
        return ChildStack.start(home);
    }
}
