package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A whole lifecycle with distinctive passwords (the user's, a reset one, and a linked server's), then a search of
 * every place the control plane writes to: the services' logs (with dbcloud and Spring MVC at DEBUG), every record
 * on every topic, every row of every control-plane table, every actuator endpoint, and every file under the stack's
 * home (instance data directories included). Each password is looked for as typed, in base64 and base64url,
 * URL-encoded, and in hex (how PostgreSQL prints bytea): zero hits anywhere. Positive controls show each search
 * does see what is there.
 */
@ExtendWith(SharedLocalStack.class)
class PasswordsNeverWrittenDownEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PASSWORD = "Zq7+Vault%Pw&1";
    private static final String RESET_PASSWORD = "Xk9+Reset%Pw&2";
    private static final String NAME = "vault7";
    private static LocalStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start(LocalStack shared) {
        stack = shared;
    }

    @Test
    void noPasswordIsFoundInLogsTopicsTablesActuatorsOrFiles() throws Exception {
        ListAppender<ILoggingEvent> logs = captureLogs();
        try {
            walkALifecycle();
        } finally {
            releaseLogs(logs);
        }

        Map<String, String> places = new LinkedHashMap<>();
        places.put("logs", logText(logs));
        places.put("topics", topicText());
        places.put("tables", tableText());
        places.put("actuators", actuatorText());
        List<String> sought = new ArrayList<>(List.of(NAME));
        sought.addAll(forms(PASSWORD));
        sought.addAll(forms(RESET_PASSWORD));
        places.put("files", filesHolding(stack.home(), sought));

        places.forEach((place, text) -> assertThat(text).as("%s were searched", place).isNotEmpty());
        try (Stream<Path> files = Files.walk(stack.home())) {
            assertThat(files.filter(Files::isRegularFile).count()).as("files searched").isGreaterThan(100);
        }
        assertThat(places.get("logs")).as("the log search sees the instance").contains(NAME);
        assertThat(places.get("topics")).as("the topic search sees record keys").contains("default/" + NAME);
        assertThat(places.get("tables")).as("the table search sees rows").contains(NAME);
        assertThat(places.get("actuators")).as("the actuator search reads endpoints").contains("jvm_memory_used_bytes");
        assertThat(places.get("files")).as("the file search reads the servers' files").contains(NAME);

        for (String password : List.of(PASSWORD, RESET_PASSWORD)) {
            for (String form : forms(password)) {
                places.forEach((place, text) -> assertThat(text.contains(form))
                        .as("a form of a password (%s) in the %s", form.equals(password) ? "as typed" : "encoded", place)
                        .isFalse());
            }
        }
    }

    private void walkALifecycle() throws Exception {
        // Refused requests must not echo the password either.
        assertThat(send("POST", "/v1/instances", provision("No", PASSWORD), null).body()).doesNotContain(PASSWORD);

        String idempotencyKey = UUID.randomUUID().toString();
        finished(send("POST", "/v1/instances", provision(NAME, PASSWORD), idempotencyKey));
        assertThat(send("POST", "/v1/instances", provision(NAME, PASSWORD), idempotencyKey).statusCode())
                .as("a replay").isEqualTo(202);
        int port = JSON.readTree(send("GET", "/v1/instances/" + NAME, null, null).body()).path("port").asInt();
        assertThat(send("GET", "/v1/instances/" + NAME + "/url", null, null).body()).doesNotContain(PASSWORD);
        finished(send("POST", "/v1/instances/" + NAME + "/password", "{\"password\":\"" + RESET_PASSWORD + "\"}", null));
        finished(send("POST", "/v1/instances/" + NAME + "/databases", "{\"name\":\"ledger\"}", null));
        finished(send("POST", "/v1/instances/" + NAME + "/migrations", "{\"application\":\"ledger\",\"migrations\":"
                + "[{\"version\":\"1\",\"description\":\"accounts\",\"sql\":\"CREATE TABLE accounts (id int)\"}]}", null));
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/ledger",
                "keeper", RESET_PASSWORD)) {
            assertThat(connection.isValid(5)).isTrue();
        }

        // A server the user runs: the same one, linked under another name with the user's role and password.
        finished(send("POST", "/v1/linked-instances", JSON.writeValueAsString(Map.of("name", NAME + "_link",
                "hostName", "localhost", "port", port, "adminRole", "keeper", "password", RESET_PASSWORD)), null));
        finished(send("DELETE", "/v1/linked-instances/" + NAME + "_link", null, null));
        finished(send("DELETE", "/v1/instances/" + NAME, null, null));
    }

    private static List<String> forms(String password) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        return List.of(password,
                Base64.getEncoder().encodeToString(bytes),
                Base64.getEncoder().withoutPadding().encodeToString(bytes),
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                URLEncoder.encode(password, StandardCharsets.UTF_8),
                URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20"),
                HexFormat.of().formatHex(bytes));
    }

    private static ListAppender<ILoggingEvent> captureLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(context);
        appender.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
        context.getLogger("dev.dbcloud").setLevel(Level.DEBUG);
        context.getLogger("org.springframework.web").setLevel(Level.DEBUG);
        return appender;
    }

    private static void releaseLogs(ListAppender<ILoggingEvent> appender) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        context.getLogger("dev.dbcloud").setLevel(null);
        context.getLogger("org.springframework.web").setLevel(null);
        appender.stop();
    }

    private static String logText(ListAppender<ILoggingEvent> appender) {
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = new ArrayList<>(appender.list);
        }
        StringBuilder text = new StringBuilder();
        for (ILoggingEvent event : events) {
            text.append(event.getLoggerName()).append(' ').append(event.getFormattedMessage()).append(' ')
                    .append(event.getMDCPropertyMap()).append('\n');
            if (event.getThrowableProxy() != null) {
                text.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
            }
        }
        return text.toString();
    }

    /** Every record of every topic, keys, values and headers, as bytes read one to one into characters. */
    private static String topicText() throws Exception {
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties());
        StringBuilder text = new StringBuilder();
        try (Admin admin = Admin.create(config);
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(config),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (var topic : admin.describeTopics(admin.listTopics().names().get()).allTopicNames().get().values()) {
                topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    text.append(record.topic()).append(' ').append(latin1(record.key())).append(' ')
                            .append(latin1(record.value()));
                    for (Header header : record.headers()) {
                        text.append(' ').append(header.key()).append('=').append(latin1(header.value()));
                    }
                    text.append('\n');
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        return text.toString();
    }

    private static Map<String, Object> consumerConfig(Map<String, Object> client) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }

    /** Every row of every table in every control-plane database, as PostgreSQL prints it (bytea in hex). */
    private static String tableText() throws Exception {
        StringBuilder text = new StringBuilder();
        for (String url : stack.controlPlaneJdbcUrls()) {
            try (Connection connection = DriverManager.getConnection(url, "postgres",
                    Files.readString(stack.controlPlanePasswordFile()).strip());
                    Statement statement = connection.createStatement()) {
                List<String> tables = new ArrayList<>();
                try (ResultSet names = statement.executeQuery("SELECT quote_ident(table_schema) || '.' || "
                        + "quote_ident(table_name) FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                        + "AND table_schema NOT IN ('pg_catalog', 'information_schema')")) {
                    while (names.next()) {
                        tables.add(names.getString(1));
                    }
                }
                assertThat(tables).as("tables of %s", url).isNotEmpty();
                for (String table : tables) {
                    try (ResultSet rows = statement.executeQuery("SELECT t::text FROM " + table + " t")) {
                        while (rows.next()) {
                            text.append(table).append(' ').append(rows.getString(1)).append('\n');
                        }
                    }
                }
            }
        }
        return text.toString();
    }

    /** Every endpoint each service's actuator lists, read with the admin key. */
    private String actuatorText() throws Exception {
        StringBuilder text = new StringBuilder();
        for (String root : stack.actuatorUrls().values()) {
            JsonNode links = JSON.readTree(actuator(root).body()).path("_links");
            assertThat(links.isEmpty()).as("endpoints of %s", root).isFalse();
            for (var link : links.properties()) {
                if (link.getValue().path("templated").asBoolean()) {
                    continue;
                }
                HttpResponse<String> answer = actuator(link.getValue().path("href").asString());
                text.append(link.getKey()).append(' ').append(answer.body()).append('\n');
            }
        }
        return text.toString();
    }

    private HttpResponse<String> actuator(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + stack.credentials().adminKey()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Every regular file under the home, searched one at a time (the servers' data is large): those of the
     * {@code sought} strings each file's bytes hold, read one to one into characters, one per line.
     */
    private static String filesHolding(Path home, List<String> sought) throws IOException {
        StringBuilder found = new StringBuilder();
        try (Stream<Path> files = Files.walk(home)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content;
                try {
                    content = latin1(Files.readAllBytes(file));
                } catch (IOException e) {
                    continue; // A file a server removed while the walk went on.
                }
                // Only what the content holds: a path (an instance's folder, say) must not count as a hit.
                sought.stream().filter(content::contains).forEach(hit -> found.append(hit).append('\n'));
            }
        }
        return found.toString();
    }

    /** Bytes as characters one to one, so a UTF-8 password is found as its UTF-8 bytes read the same way. */
    private static String latin1(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String provision(String name, String password) {
        return "{\"name\":\"" + name + "\",\"username\":\"keeper\",\"password\":\"" + password + "\"}";
    }

    private void finished(HttpResponse<String> accepted) {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        String body = await().atMost(Duration.ofSeconds(120))
                .until(() -> send("GET", location + "?waitSeconds=10", null, null).body(),
                        answer -> answer.contains("\"status\":\"SUCCEEDED\"") || answer.contains("\"status\":\"FAILED\""));
        assertThat(body).contains("\"status\":\"SUCCEEDED\"");
    }

    private HttpResponse<String> send(String method, String path, String body, String idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .header("Authorization", "Bearer " + stack.credentials().apiKey())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
