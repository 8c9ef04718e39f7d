package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Many clients at once: 50 provisions of distinct names and 10 of one name, all sent together. Exactly 51
 * instances come to be and 9 requests are refused as conflicts; no port and no data directory is handed out twice,
 * and every instance's server answers its admin user.
 */
@Tag("faults")
class ParallelProvisioningFaultTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PASSWORD = "Parallel-Pa55word";
    private static final int DISTINCT = 50;
    private static final int SAME = 10;
    private static Path home;
    private static LocalStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    /** A stack of its own: its 51 instances stay out of the other tests' way. */
    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("dbcloud-parallel-");
        stack = LocalStack.start(home, 0);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (stack != null) {
                stack.close();
                assertThat(ChildStack.postgresServersOn(home)).as("servers left after close, the warm pool's included")
                        .isEmpty();
            }
        } finally {
            // Kills whatever servers a failure left, then deletes the home.
            ChildStack.cleanUp(null, home);
        }
    }

    @Test
    void fiftyDistinctAndTenOfOneNameMakeFiftyOneInstancesAndNineConflicts() throws Exception {
        String key = newTenant();
        List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
        for (int i = 0; i < DISTINCT; i++) {
            requests.add(provision(key, "many" + i));
        }
        for (int i = 0; i < SAME; i++) {
            requests.add(provision(key, "contested"));
        }
        CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

        List<HttpResponse<String>> answers = requests.stream().map(CompletableFuture::join).toList();
        assertThat(answers).filteredOn(answer -> answer.statusCode() == 202).hasSize(DISTINCT + 1);
        assertThat(answers).filteredOn(answer -> answer.statusCode() == 409).hasSize(SAME - 1)
                .allSatisfy(conflict -> assertThat(conflict.body()).contains("\"code\":\"INSTANCE_NAME_TAKEN\""));

        for (HttpResponse<String> accepted : answers.stream().filter(answer -> answer.statusCode() == 202).toList()) {
            String location = accepted.headers().firstValue("Location").orElseThrow();
            String outcome = send(key, location + "?waitSeconds=60").body();
            for (int wait = 0; wait < 5 && outcome.contains("\"status\":\"PENDING\""); wait++) {
                outcome = send(key, location + "?waitSeconds=60").body();
            }
            assertThat(outcome).as(location).contains("\"status\":\"SUCCEEDED\"");
        }

        JsonNode instances = JSON.readTree(send(key, "/v1/instances").body()).path("items");
        assertThat(instances.size()).isEqualTo(DISTINCT + 1);
        Set<Integer> ports = new HashSet<>();
        for (JsonNode instance : instances) {
            assertThat(instance.path("status").asString()).isEqualTo("AVAILABLE");
            assertThat(ports.add(instance.path("port").asInt())).as("port %s handed out once", instance.path("port"))
                    .isTrue();
        }
        // Each on a data directory of its own (the pooled server's it was placed on, or one named by its operation),
        // which is told by the port its server listens on.
        assertThat(InstancesFolder.dataDirectories(stack.home())).as("one data directory per instance, nothing half made")
                .hasSize(DISTINCT + 1).allMatch(InstancesFolder::isWhole);
        assertThat(InstancesFolder.listeningPorts(stack.home()).values()).as("each instance's server, in its data directory")
                .containsExactlyInAnyOrderElementsOf(ports);
        for (int port : ports) {
            try (var connection = java.sql.DriverManager.getConnection(
                    "jdbc:postgresql://localhost:" + port + "/postgres", "alice", PASSWORD)) {
                assertThat(connection.isValid(5)).isTrue();
            }
        }
    }

    private CompletableFuture<HttpResponse<String>> provision(String key, String name) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/v1/instances"))
                .timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"" + name + "\",\"username\":\"alice\",\"password\":\"" + PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private String newTenant() throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/v1/admin/tenants"))
                .header("Authorization", "Bearer " + stack.credentials().adminKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"many-" + UUID.randomUUID().toString().substring(0, 8) + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).path("apiKey").path("key").asString();
    }

    private HttpResponse<String> send(String key, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
