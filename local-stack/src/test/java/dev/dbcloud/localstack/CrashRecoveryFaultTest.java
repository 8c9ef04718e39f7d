package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.Credentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
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

    private static final Duration START = Duration.ofSeconds(120);
    private static final String PASSWORD = "crash-Pr00f-pass";
    private static final Pattern OPERATION = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
    private static final int IN_FLIGHT = 8;
    private static final int STOPPED = 5;

    private final HttpClient http = HttpClient.newHttpClient();
    private Path home;
    private Process child;

    @BeforeEach
    void home() throws IOException {
        home = Files.createTempDirectory("dbcloud-crash-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor();
        }
        // Whatever a failed assertion left running on this home.
        for (ProcessHandle server : postgresServersOn(home)) {
            server.destroyForcibly();
        }
        PathUtils.deleteDirectory(home);
    }

    @Test
    void sigtermStopsEverythingAndKillMinusNineLeavesNothingTheNextStartCannotHandle() throws Exception {
        // A first run, stopped with SIGTERM: every server it started stops with it.
        child = startStack();
        Credentials credentials = Credentials.read(home.resolve(Credentials.FILE_NAME));
        assertThat(finished(credentials, post(credentials, "/v1/instances",
                "{\"name\":\"crashy\",\"username\":\"carol\",\"password\":\"" + PASSWORD + "\"}")))
                .contains("\"status\":\"SUCCEEDED\"");
        assertThat(finished(credentials, post(credentials, "/v1/instances",
                "{\"name\":\"doomed\",\"username\":\"carol\",\"password\":\"" + PASSWORD + "\"}")))
                .contains("\"status\":\"SUCCEEDED\"");
        assertThat(postgresServersOn(home)).hasSize(3);
        // Commands accepted, then SIGTERM at once: what was cut off is carried out at the next start.
        List<String> beforeStop = new ArrayList<>();
        for (int i = 0; i < STOPPED; i++) {
            beforeStop.add(operationId(post(credentials, "/v1/instances",
                    "{\"name\":\"term" + i + "\",\"username\":\"carol\",\"password\":\"" + PASSWORD + "\"}")));
        }
        child.destroy();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
        assertThat(postgresServersOn(home)).as("servers left after SIGTERM").isEmpty();

        // A second run finishes what the first left, and is then killed: its servers outlive it.
        child = startStack();
        credentials = Credentials.read(home.resolve(Credentials.FILE_NAME));
        for (String operation : beforeStop) {
            assertThat(get(credentials, "/v1/operations/" + operation + "?waitSeconds=60").body())
                    .as("operation %s, accepted before SIGTERM", operation).contains("\"status\":\"SUCCEEDED\"");
        }
        assertThatThrownBy(() -> LocalStack.start(home, 0)).as("a second stack on the same home")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("another dbcloud local stack is running on " + home)
                .hasMessageContaining("process " + child.pid());
        assertThat(get(credentials, "/v1/instances/crashy").statusCode()).as("the first stack, unharmed").isEqualTo(200);
        // Commands accepted (202) and the stack killed at once, before most of them are carried out.
        List<String> operations = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            operations.add(operationId(post(credentials, "/v1/instances",
                    "{\"name\":\"flight" + i + "\",\"username\":\"carol\",\"password\":\"" + PASSWORD + "\"}")));
        }
        operations.add(operationId(delete(credentials, "/v1/instances/doomed")));
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<ProcessHandle> orphans = postgresServersOn(home);
        assertThat(orphans).as("servers left running by kill -9").hasSizeGreaterThanOrEqualTo(2);

        // The next start just works.
        try (LocalStack stack = LocalStack.start(home, 0)) {
            credentials = stack.credentials();
            Credentials current = credentials;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    get(current, "/v1/instances/crashy").body()).contains("\"status\":\"AVAILABLE\""));
            String instance = get(credentials, "/v1/instances/crashy").body();
            int port = Integer.parseInt(instance.replaceAll(".*\"port\":(\\d+).*", "$1"));
            try (Connection connection = DriverManager.getConnection(
                    "jdbc:postgresql://localhost:" + port + "/postgres", "carol", PASSWORD)) {
                assertThat(connection.isValid(5)).isTrue();
            }
            // Every command accepted before the kill is carried out after it, once.
            for (String operation : operations) {
                assertThat(get(current, "/v1/operations/" + operation + "?waitSeconds=60").body())
                        .as("operation %s", operation).contains("\"status\":\"SUCCEEDED\"");
            }
            for (int i = 0; i < IN_FLIGHT; i++) {
                String flight = get(current, "/v1/instances/flight" + i).body();
                assertThat(flight).contains("\"status\":\"AVAILABLE\"");
                int flightPort = Integer.parseInt(flight.replaceAll(".*\"port\":(\\d+).*", "$1"));
                try (Connection connection = DriverManager.getConnection(
                        "jdbc:postgresql://localhost:" + flightPort + "/postgres", "carol", PASSWORD)) {
                    assertThat(connection.isValid(5)).isTrue();
                }
            }
            assertThat(get(current, "/v1/instances/doomed").statusCode()).isEqualTo(404);
            List<ProcessHandle> servers = postgresServersOn(home);
            assertThat(servers).as("one server per data directory: the control plane, crashy and the new ones")
                    .hasSize(2 + STOPPED + IN_FLIGHT);
            try (Stream<Path> directories = Files.list(home.resolve("instances"))) {
                assertThat(directories.toList()).as("data directories").hasSize(1 + STOPPED + IN_FLIGHT);
            }
            assertThat(Files.readString(home.resolve("control-plane/postmaster.pid")).lines().findFirst().orElseThrow())
                    .as("the control plane runs anew").isNotIn(orphans.stream().map(p -> Long.toString(p.pid())).toList());
        }
        assertThat(postgresServersOn(home)).as("servers left after close").isEmpty();
    }

    /** {@code java -cp <this classpath> LocalStack --home ...}, as a user starts it; answers once it is ready. */
    private Process startStack() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LocalStack.class.getName(), "--home", home.toString(), "--port", "0", "--kafka-port", "0")
                .redirectErrorStream(true)
                .start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "local-stack-output");
        reader.setDaemon(true);
        reader.start();
        await().atMost(START).until(() -> !process.isAlive()
                || output.stream().anyMatch(line -> line.startsWith("dbcloud is ready")));
        assertThat(process.isAlive()).as("the stack started; it printed:%n%s",
                String.join("\n", output.subList(Math.max(0, output.size() - 40), output.size()))).isTrue();
        return process;
    }

    /** The PostgreSQL servers (postmasters) whose command line names a directory under {@code home}. */
    private static List<ProcessHandle> postgresServersOn(Path home) {
        return ProcessHandle.allProcesses().filter(process -> {
            try {
                String commandLine = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"))
                        .replace('\0', ' ');
                return commandLine.contains("postgres") && commandLine.contains(" -D " + home)
                        && !commandLine.contains("pg_ctl");
            } catch (IOException | UncheckedIOException e) {
                return false;
            }
        }).toList();
    }

    private String finished(Credentials credentials, HttpResponse<String> accepted) throws Exception {
        return get(credentials, "/v1/operations/" + operationId(accepted) + "?waitSeconds=60").body();
    }

    private static String operationId(HttpResponse<String> accepted) {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        Matcher id = OPERATION.matcher(accepted.body());
        assertThat(id.find()).isTrue();
        return id.group(1);
    }

    private HttpResponse<String> delete(Credentials credentials, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(credentials.url() + path))
                .header("Authorization", "Bearer " + credentials.apiKey()).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(Credentials credentials, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(credentials.url() + path))
                .header("Authorization", "Bearer " + credentials.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(Credentials credentials, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(credentials.url() + path))
                .header("Authorization", "Bearer " + credentials.apiKey()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
