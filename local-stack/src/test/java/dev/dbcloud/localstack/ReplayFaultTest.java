package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.io.file.PathUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every consumer group of every service rewound to the start of its topics, as an operator resetting offsets or a
 * restored broker would leave them: the whole history is delivered again, and nothing changes. No server is
 * created, started, stopped or deleted, no password changes back, and the read model answers as before.
 */
@Tag("faults")
class ReplayFaultTest {

    private static final String PASSWORD = "Replay-Pa55word";
    private static final String NEW_PASSWORD = "Replay-N3w-Pa55word";

    private final HttpClient http = HttpClient.newHttpClient();
    private Path home;
    private LocalStack stack;

    @BeforeEach
    void start() throws Exception {
        home = Files.createTempDirectory("dbcloud-replay-");
        stack = LocalStack.start(home, 0);
    }

    @AfterEach
    void stop() throws Exception {
        stack.close();
        PathUtils.deleteDirectory(home);
    }

    @Test
    void replayingEveryTopicFromTheStartChangesNothing() throws Exception {
        for (String name : List.of("kept", "reset", "doomed")) {
            finished(send("POST", "/v1/instances",
                    "{\"name\":\"" + name + "\",\"username\":\"alice\",\"password\":\"" + PASSWORD + "\"}"));
        }
        finished(send("POST", "/v1/instances/reset/password", "{\"password\":\"" + NEW_PASSWORD + "\"}"));
        finished(send("POST", "/v1/instances/kept/migrations", "{\"application\":\"shop\",\"migrations\":[{"
                + "\"version\":\"1\",\"description\":\"t\",\"sql\":\"CREATE TABLE t (id int);\"}]}"));
        finished(send("DELETE", "/v1/instances/doomed", null));
        Map<String, String> before = readModel();
        Set<Long> servers = servers();
        List<Path> directories = dataDirectories();
        assertThat(directories).as("kept's and reset's data directories").hasSize(2);
        assertThat(servers).as("kept's and reset's servers").hasSize(2);

        stack.stopConsumers();
        try (Admin admin = Admin.create(new HashMap<>(stack.kafkaClientProperties()))) {
            assertThat(admin.listConsumerGroups().all().get()).extracting(ConsumerGroupListing::groupId)
                    .contains("provisioner-service", "migration-service", "migration-service-registry",
                            "status-service", "api-gateway");
            for (ConsumerGroupListing group : admin.listConsumerGroups().all().get()) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> earliest = committed.keySet().stream()
                        .collect(Collectors.toMap(p -> p, p -> OffsetSpec.earliest()));
                Map<TopicPartition, OffsetAndMetadata> rewound = admin.listOffsets(earliest).all().get().entrySet()
                        .stream().collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue().offset())));
                long replayed = committed.entrySet().stream()
                        .mapToLong(e -> e.getValue().offset() - rewound.get(e.getKey()).offset()).sum();
                assertThat(replayed).as("records %s reads again", group.groupId()).isPositive();
                // The group empties once its members have left.
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                        admin.alterConsumerGroupOffsets(group.groupId(), rewound).all().get());
            }
            stack.startConsumers();
            // Until every group has read everything again.
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                for (ConsumerGroupListing group : admin.listConsumerGroups().all().get()) {
                    Map<TopicPartition, OffsetAndMetadata> committed =
                            admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata().get();
                    Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                            .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
                    var ends = admin.listOffsets(latest).all().get();
                    for (var partition : committed.entrySet()) {
                        if (partition.getValue().offset() < ends.get(partition.getKey()).offset()) {
                            return false;
                        }
                    }
                }
                return true;
            });
        }

        assertThat(readModel()).isEqualTo(before);
        assertThat(servers()).as("the same server processes, none started or stopped").isEqualTo(servers);
        assertThat(dataDirectories()).isEqualTo(directories);
        int resetPort = Integer.parseInt(send("GET", "/v1/instances/reset", null).body()
                .replaceAll(".*\"port\":(\\d+).*", "$1"));
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + resetPort + "/postgres", "alice", NEW_PASSWORD)) {
            assertThat(connection.isValid(5)).isTrue();
        }
        assertThatThrownBy(() -> DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + resetPort + "/postgres", "alice", PASSWORD))
                .isInstanceOf(SQLException.class);
    }

    /** What the API answers about the tenant's instances, their operations and databases. */
    private Map<String, String> readModel() throws Exception {
        Map<String, String> answers = new HashMap<>();
        answers.put("instances", send("GET", "/v1/instances", null).body());
        for (String name : List.of("kept", "reset")) {
            answers.put(name, send("GET", "/v1/instances/" + name, null).body());
            answers.put(name + " operations", send("GET", "/v1/instances/" + name + "/operations", null).body());
            answers.put(name + " databases", send("GET", "/v1/instances/" + name + "/databases", null).body());
        }
        answers.put("kept shop", send("GET", "/v1/instances/kept/databases/shop/migrations", null).body());
        answers.put("doomed", Integer.toString(send("GET", "/v1/instances/doomed", null).statusCode()));
        return answers;
    }

    /**
     * The process ids of the instances' servers. The warm pool's are left out: it refills in the background after
     * the provisionings above, and a replay that claimed one of its servers would show as a new data directory.
     */
    private Set<Long> servers() {
        return InstancesFolder.dataDirectories(home).stream().map(directory -> directory.resolve("postmaster.pid"))
                .filter(Files::isRegularFile).map(pid -> {
                    try {
                        return Long.parseLong(Files.readAllLines(pid).get(0).strip());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).collect(Collectors.toSet());
    }

    private List<Path> dataDirectories() {
        return InstancesFolder.dataDirectories(home);
    }

    private void finished(HttpResponse<String> accepted) throws Exception {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        assertThat(send("GET", location + "?waitSeconds=60", null).body()).contains("\"status\":\"SUCCEEDED\"");
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + stack.credentials().apiKey())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
