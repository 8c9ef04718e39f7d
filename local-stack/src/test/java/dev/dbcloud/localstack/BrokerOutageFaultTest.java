package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.Topics;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.io.file.PathUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Kafka broker goes away while users keep sending commands: the gateway accepts them (they wait in its outbox),
 * and once the broker is back every one is published once and carried out once.
 */
@Tag("faults")
class BrokerOutageFaultTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PASSWORD = "Outage-Pa55word";
    private static final int DURING = 20;

    private final HttpClient http = HttpClient.newHttpClient();
    private Path home;
    private LocalStack stack;

    @BeforeEach
    void start() throws Exception {
        home = Files.createTempDirectory("dbcloud-outage-");
        int kafkaPort;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            kafkaPort = socket.getLocalPort();
        }
        stack = LocalStack.start(home, "127.0.0.1", 0, kafkaPort);
    }

    @AfterEach
    void stop() throws Exception {
        stack.close();
        PathUtils.deleteDirectory(home);
    }

    @Test
    void commandsAcceptedWhileTheBrokerIsDownAreCarriedOutOnceWhenItIsBack() throws Exception {
        finished(provision("before"));

        stack.stopKafka();
        List<String> operations = new ArrayList<>();
        for (int i = 0; i < DURING; i++) {
            HttpResponse<String> accepted = provision("during" + i);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            operations.add(accepted.headers().firstValue("Location").orElseThrow());
        }
        // Accepted means committed: every command waits in the gateway's outbox while nothing can take it.
        assertThat(outboxRows()).isEqualTo(DURING);
        // An orchestrator keeps the gateway in rotation (it still accepts), not the services that cannot take work.
        String gateway = stack.actuatorUrls().get("api-gateway");
        String provisioner = stack.actuatorUrls().get("provisioner-service");
        assertThat(actuator(gateway + "/health/readiness").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> ready = actuator(provisioner + "/health/readiness");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(ready.body()).path("components").path("kafka").path("status").asText())
                    .isEqualTo("DOWN");
        });
        var outbox = JSON.readTree(actuator(gateway + "/health").body()).path("components").path("outbox");
        assertThat(outbox.path("status").asText()).isEqualTo("UP");
        assertThat(outbox.path("details").path("backlog").asLong()).isEqualTo(DURING);
        assertThat(actuator(gateway + "/prometheus").body()).containsPattern("(?m)^dbcloud_outbox_backlog\\{.*\\} " + DURING + "\\.0$");
        stack.startKafka();
        await().atMost(Duration.ofSeconds(60)).until(() -> actuator(provisioner + "/health/readiness").statusCode() == 200);

        for (String operation : operations) {
            String outcome = send("GET", operation + "?waitSeconds=60").body();
            for (int wait = 0; wait < 5 && !outcome.contains("\"status\":\"SUCCEEDED\""); wait++) {
                outcome = send("GET", operation + "?waitSeconds=60").body();
            }
            assertThat(outcome).as(operation).contains("\"status\":\"SUCCEEDED\"");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> outboxRows() == 0);
        var instances = JSON.readTree(send("GET", "/v1/instances").body()).path("items");
        assertThat(instances.size()).isEqualTo(DURING + 1);
        Set<Integer> ports = new HashSet<>();
        instances.forEach(instance -> ports.add(instance.path("port").asInt()));
        assertThat(ports).hasSize(DURING + 1);
        assertThat(commandsPerInstance()).as("each command published once").hasSize(DURING + 1)
                .allSatisfy((instance, count) -> assertThat(count).as(instance).isEqualTo(1));
    }

    private long outboxRows() throws Exception {
        String gateway = stack.controlPlaneJdbcUrls().stream().filter(url -> url.contains("dbcloud_gateway"))
                .findFirst().orElseThrow();
        try (Connection connection = DriverManager.getConnection(gateway, "postgres",
                Files.readString(stack.controlPlanePasswordFile()).strip());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM outbox")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** How many records dbcloud.instance-commands holds for each instance key. */
    private Map<String, Integer> commandsPerInstance() {
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Integer> counts = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.INSTANCE_COMMANDS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    counts.merge(record.key(), 1, Integer::sum);
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        return counts;
    }

    private void finished(HttpResponse<String> accepted) throws Exception {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        assertThat(send("GET", location + "?waitSeconds=60").body()).contains("\"status\":\"SUCCEEDED\"");
    }

    private HttpResponse<String> provision(String name) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/v1/instances"))
                .timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + stack.credentials().apiKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"" + name + "\",\"username\":\"alice\",\"password\":\"" + PASSWORD + "\"}",
                        StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> actuator(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + stack.credentials().apiKey())
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
