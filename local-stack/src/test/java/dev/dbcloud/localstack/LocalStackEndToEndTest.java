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
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The whole system on random ports, driven over HTTP, with the servers it runs checked over JDBC. */
@ExtendWith({SharedLocalStack.class, OutputCaptureExtension.class})
class LocalStackEndToEndTest {

    private static final String PASSWORD = "e2e-S3cret-Passw0rd";
    private static final String NEW_PASSWORD = "e2e-N3w-Passw0rd";
    private static LocalStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start(LocalStack shared) {
        stack = shared;
    }

    @Test
    void walksTheWholeLifecycleOfAnInstanceOverHttp(CapturedOutput output) throws Exception {
        // The request continues a trace of the client's: the gateway, its outbox relay and the provisioner's
        // listener all carry it on, so the provisioner's log line names it.
        String traceId = UUID.randomUUID().toString().replace("-", "");
        assertThat(finished(send("POST", "/v1/instances",
                "{\"name\":\"shop\",\"username\":\"shopadmin\",\"password\":\"" + PASSWORD + "\"}",
                "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")))
                .contains("\"type\":\"PROVISION\"", "\"status\":\"SUCCEEDED\"");
        // The four services log through one JVM: each line names the one that wrote it.
        assertThat(output.getOut().lines().filter(line -> line.contains("Provisioned default/shop on port")))
                .singleElement().asString()
                .contains("[provisioner-service]")
                .contains("[" + traceId + "-");

        HttpResponse<String> instance = send("GET", "/v1/instances/shop", null);
        assertThat(instance.statusCode()).isEqualTo(200);
        assertThat(instance.body()).contains("\"name\":\"shop\"", "\"status\":\"AVAILABLE\"",
                "\"adminUsername\":\"shopadmin\"", "\"hostName\":\"localhost\"", "\"driver\":\"LOCAL\"",
                "\"createdAt\":", "\"updatedAt\":");
        int port = Integer.parseInt(field(instance.body(), "port"));
        assertThat(send("GET", "/v1/instances", null).body()).contains("\"name\":\"shop\"");
        assertThat(send("GET", "/v1/instances/shop/url", null).body())
                .isEqualTo("{\"url\":\"postgresql://shopadmin@localhost:" + port + "/postgres\"}");
        assertThat(send("GET", "/v1/instances/shop/url?database=orders", null).body())
                .isEqualTo("{\"url\":\"postgresql://shopadmin@localhost:" + port + "/orders\"}");
        assertThat(currentUser(port, "postgres", PASSWORD)).isEqualTo("shopadmin");

        assertThat(finished(send("POST", "/v1/instances/shop/password", "{\"password\":\"" + NEW_PASSWORD + "\"}")))
                .contains("\"type\":\"PASSWORD_RESET\"", "\"status\":\"SUCCEEDED\"");
        assertThat(currentUser(port, "postgres", NEW_PASSWORD)).isEqualTo("shopadmin");
        assertThatThrownBy(() -> currentUser(port, "postgres", PASSWORD))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));

        for (String database : new String[] {"orders", "billing"}) {
            assertThat(finished(send("POST", "/v1/instances/shop/databases", "{\"name\":\"" + database + "\"}")))
                    .contains("\"type\":\"CREATE_DATABASE\"", "\"status\":\"SUCCEEDED\"");
        }
        assertThat(send("GET", "/v1/instances/shop/databases", null).body())
                .contains("{\"name\":\"billing\",\"owner\":\"shopadmin\"", "{\"name\":\"orders\",\"owner\":\"shopadmin\"");
        try (Connection orders = connect(port, "orders", NEW_PASSWORD)) {
            orders.createStatement().execute("CREATE TABLE invoices (id bigint PRIMARY KEY)");
        }
        try (Connection billing = connect(port, "billing", NEW_PASSWORD);
                ResultSet tables = billing.createStatement().executeQuery(
                        "SELECT count(*) FROM pg_tables WHERE tablename = 'invoices'")) {
            assertThat(tables.next()).isTrue();
            assertThat(tables.getInt(1)).as("each application's database is its own").isZero();
        }
        assertThat(send("GET", "/v1/instances/shop/operations", null).body())
                .contains("\"type\":\"PROVISION\"", "\"type\":\"PASSWORD_RESET\"", "\"type\":\"CREATE_DATABASE\"");

        assertThat(finished(send("DELETE", "/v1/instances/shop", null)))
                .contains("\"type\":\"DESTROY\"", "\"status\":\"SUCCEEDED\"");
        assertThat(send("GET", "/v1/instances/shop", null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/v1/instances", null).body()).doesNotContain("\"name\":\"shop\"");
        // Refused, or, should the warm pool have put a new server on the freed port meanwhile, unknown there.
        assertThatThrownBy(() -> currentUser(port, "postgres", NEW_PASSWORD))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn("08001", "28P01"));

        assertThat(finished(send("POST", "/v1/instances",
                "{\"name\":\"shop\",\"username\":\"shopadmin\",\"password\":\"" + PASSWORD + "\"}")))
                .as("the name is free again").contains("\"status\":\"SUCCEEDED\"");
        int newPort = Integer.parseInt(field(send("GET", "/v1/instances/shop", null).body(), "port"));
        assertThat(currentUser(newPort, "postgres", PASSWORD)).isEqualTo("shopadmin");
    }

    @Test
    void dashboardsReadOperationHistogramsHealthBuildDetailsAndTheFleetFromTheActuators() throws Exception {
        assertThat(finished(send("POST", "/v1/instances",
                "{\"name\":\"watched\",\"username\":\"watcher\",\"password\":\"" + PASSWORD + "\"}")))
                .contains("\"status\":\"SUCCEEDED\"");
        Map<String, String> actuators = stack.actuatorUrls();

        // What a Prometheus scrape finds: p50/p99 of operations come from these buckets.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                actuator(actuators.get("status-service") + "/prometheus", null).body().lines()
                        .filter(line -> line.startsWith("dbcloud_operation_duration_seconds_bucket{"))
                        .filter(line -> line.contains("type=\"PROVISION\"") && line.contains("outcome=\"SUCCEEDED\"")))
                .as("the PROVISION histogram's buckets").hasSizeGreaterThan(10)
                .anySatisfy(line -> assertThat(line).contains("le=\"+Inf\"").doesNotEndWith(" 0.0")));
        // The instances gauge is counted every 15 seconds: its first count may have come before any instance.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                actuator(actuators.get("status-service") + "/prometheus", null).body())
                .contains("dbcloud_projection_lag_seconds_count", "dbcloud_instances{"));
        assertThat(actuator(actuators.get("provisioner-service") + "/prometheus", null).body())
                .containsPattern("(?m)^dbcloud_driver_step_duration_seconds_bucket\\{.*step=\"(initdb|claim)\"")
                .contains("dbcloud_outbox_backlog");
        assertThat(actuator(actuators.get("api-gateway") + "/prometheus", null).body())
                .contains("dbcloud_outbox_oldest_age_seconds");
        // Every series the Grafana dashboard in docs/ plots is one a service exports; dead letters are counted from
        // the first one on (the messaging tests show that count).
        StringBuilder scrapes = new StringBuilder();
        for (String url : actuators.values()) {
            scrapes.append(actuator(url + "/prometheus", null).body());
        }
        Matcher plotted = Pattern.compile("dbcloud_[a-z_]+").matcher(
                Files.readString(Path.of("..", "docs", "grafana", "dbcloud-dashboard.json")));
        int series = 0;
        while (plotted.find()) {
            series++;
            if (!plotted.group().equals("dbcloud_dlt_records_total")) {
                assertThat(scrapes).as("what the dashboard plots").contains(plotted.group());
            }
        }
        assertThat(series).isGreaterThan(10);

        for (Map.Entry<String, String> service : actuators.entrySet()) {
            HttpResponse<String> ready = actuator(service.getValue() + "/health/readiness", null);
            assertThat(ready.statusCode()).as(service.getKey()).isEqualTo(200);
            assertThat(ready.body()).as(service.getKey()).contains("\"status\":\"UP\"", "\"db\"");
            // The gateway stays ready without Kafka: its outbox keeps what it accepts until the broker is back.
            assertThat(ready.body().contains("\"kafka\"")).as(service.getKey()).isEqualTo(!service.getKey().equals("api-gateway"));
            assertThat(actuator(service.getValue() + "/health/liveness", null).statusCode()).isEqualTo(200);
            HttpResponse<String> info = actuator(service.getValue() + "/info", null);
            assertThat(info.body()).as(service.getKey())
                    .contains("\"artifact\":\"" + service.getKey() + "\"", "\"git\"", "\"java\"");
        }
        assertThat(actuator(actuators.get("provisioner-service") + "/health/readiness", null).body())
                .contains("\"driver\"", "\"freeBytes\"");
        assertThat(actuator(actuators.get("api-gateway") + "/health", null).body()).contains("\"outbox\"", "\"backlog\"");

        HttpResponse<String> apiDocs = actuator(stack.gatewayUrl() + "/v3/api-docs", null);
        assertThat(apiDocs.statusCode()).as("the API's description, without a key").isEqualTo(200);
        assertThat(apiDocs.body()).contains("\"/v1/instances\"", "\"/v1/instances/{name}/restore\"");

        assertThat(actuator(actuators.get("status-service") + "/fleet", null).statusCode()).isEqualTo(401);
        HttpResponse<String> fleet = actuator(actuators.get("status-service") + "/fleet", stack.credentials().adminKey());
        assertThat(fleet.statusCode()).isEqualTo(200);
        assertThat(fleet.body()).contains("\"instances\"", "\"status\":\"AVAILABLE\"", "\"driver\":\"LOCAL\"",
                "\"failuresLastHour\"", "\"oldestUnfinishedOperation\"");
    }

    private HttpResponse<String> actuator(String url, String adminKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (adminKey != null) {
            request.header("Authorization", "Bearer " + adminKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aDestroySentWhileProvisioningRunsAfterItAndEndsDestroyed() throws Exception {
        HttpResponse<String> provision = send("POST", "/v1/instances",
                "{\"name\":\"brief\",\"username\":\"briefly\",\"password\":\"" + PASSWORD + "\"}");
        HttpResponse<String> destroy = send("DELETE", "/v1/instances/brief", null);
        assertThat(destroy.statusCode()).isEqualTo(202);

        assertThat(finished(destroy)).contains("\"status\":\"SUCCEEDED\"");
        assertThat(finished(provision)).contains("\"status\":\"SUCCEEDED\"");
        assertThat(send("GET", "/v1/instances/brief", null).statusCode()).isEqualTo(404);
    }

    @Test
    void migratesAnApplicationsDatabaseRecoversFromAFailureAndGuardsAgainstBreakingChanges() throws Exception {
        assertThat(finished(send("POST", "/v1/instances",
                "{\"name\":\"app\",\"username\":\"appadmin\",\"password\":\"" + PASSWORD + "\"}")))
                .contains("\"status\":\"SUCCEEDED\"");
        String v1 = migration("1", "create orders", "CREATE TABLE orders (id bigint PRIMARY KEY, note text);");
        String v2 = migration("2", "add total", "ALTER TABLE orders ADD COLUMN total numeric;");
        String brokenV3 = migration("3", "add index", "CREATE INDEX ON orders (missing_column);");
        String fixedV3 = migration("3", "add index", "CREATE INDEX ON orders (total);");

        assertThat(finished(migrate(v1, v2, brokenV3)))
                .contains("\"type\":\"MIGRATE\"", "\"status\":\"FAILED\"", "\"code\":\"SQL_ERROR\"");
        String history = send("GET", "/v1/instances/app/databases/shop/migrations", null).body();
        assertThat(history).contains("\"reason\":\"SQL_ERROR\"", "\"sqlState\":\"42703\"", "\"version\":\"3\"",
                "versions 1, 2 were applied before");
        assertThat(history).as("what stayed applied").contains("\"currentVersion\":\"2\"", "\"lastSucceededAt\":null")
                .containsSubsequence("\"applied\":[", "\"version\":\"1\"", "\"version\":\"2\"", "\"lastFailure\"");

        assertThat(finished(migrate(v1, v2, fixedV3))).contains("\"status\":\"SUCCEEDED\"");
        assertThat(send("GET", "/v1/instances/app/databases/shop/migrations", null).body())
                .contains("\"currentVersion\":\"3\"", "\"description\":\"create orders\"", "\"checksum\":")
                .containsSubsequence("\"version\":\"1\"", "\"version\":\"2\"", "\"version\":\"3\"");

        String dropNote = migration("4", "drop note", "ALTER TABLE orders DROP COLUMN note;");
        assertThat(finished(migrate(v1, v2, fixedV3, dropNote)))
                .contains("\"status\":\"FAILED\"", "\"code\":\"BREAKING_CHANGE\"", "note");
        assertThat(finished(send("POST", "/v1/instances/app/migrations", """
                {"application": "shop", "allowBreakingChanges": true, "migrations": [%s, %s, %s, %s]}"""
                .formatted(v1, v2, fixedV3, dropNote)))).contains("\"status\":\"SUCCEEDED\"");

        int port = Integer.parseInt(field(send("GET", "/v1/instances/app", null).body(), "port"));
        try (Connection shop = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/shop", "appadmin", PASSWORD);
                ResultSet tables = shop.createStatement().executeQuery(
                        "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")) {
            assertThat(tables.next()).isTrue();
            assertThat(tables.getString(1)).isEqualTo("flyway_schema_history");
            assertThat(tables.getString(2)).isEqualTo("appadmin");
            assertThat(tables.next()).isTrue();
            assertThat(tables.getString(1)).isEqualTo("orders");
            assertThat(tables.getString(2)).as("what migrations create belongs to the user").isEqualTo("appadmin");
        }
    }

    @Test
    void runsTheInstancesOnTheBinariesExtractedForTheControlPlane() {
        // A new home extracts zonky's PostgreSQL bundle once (seconds of a core while the services start), not twice.
        Path controlPlane = LocalStack.binariesOf(stack.home().resolve("control-plane")).orElseThrow();
        assertThat(controlPlane).startsWith(stack.home().resolve("postgres"));
        await().atMost(Duration.ofMinutes(2)).until(() -> InstancesFolder.pooled(stack.home()).stream()
                .anyMatch(server -> Files.exists(server.resolve("postmaster.pid"))));
        Path pooled = InstancesFolder.pooled(stack.home()).stream()
                .filter(server -> Files.exists(server.resolve("postmaster.pid"))).findFirst().orElseThrow();
        assertThat(LocalStack.binariesOf(pooled)).contains(controlPlane);
        assertThat(stack.home().resolve("binaries")).doesNotExist();
    }

    @Test
    void writesOwnerOnlyCredentialsThatTheApiAccepts() throws Exception {
        Path credentials = stack.home().resolve("credentials");
        assertThat(Files.getPosixFilePermissions(credentials)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(credentials)).contains("url=" + stack.gatewayUrl(), "api_key=dbc_", "admin_key=dbc_");
        assertThat(Files.getPosixFilePermissions(stack.home().resolve("keyset.json"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(send("GET", "/v1/instances", null).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> migrate(String... migrations) throws Exception {
        return send("POST", "/v1/instances/app/migrations",
                "{\"application\": \"shop\", \"migrations\": [" + String.join(", ", migrations) + "]}");
    }

    private static String migration(String version, String description, String sql) {
        return "{\"version\": \"%s\", \"description\": \"%s\", \"sql\": \"%s\"}".formatted(version, description, sql);
    }

    /** Long-polls the accepted command's operation until it is final, and answers it. */
    private String finished(HttpResponse<String> accepted) throws Exception {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        return await().atMost(Duration.ofSeconds(120)).until(() -> send("GET", location + "?waitSeconds=10", null).body(),
                body -> body.contains("\"status\":\"SUCCEEDED\"") || body.contains("\"status\":\"FAILED\""));
    }

    private static Connection connect(int port, String database, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database, "shopadmin", password);
    }

    private static String currentUser(int port, String database, String password) throws SQLException {
        try (Connection connection = connect(port, database, password);
                ResultSet user = connection.createStatement().executeQuery("SELECT current_user")) {
            assertThat(user.next()).isTrue();
            return user.getString(1);
        }
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .header("Authorization", "Bearer " + stack.credentials().apiKey())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"?([^\",}]*)").matcher(json);
        assertThat(matcher.find()).as("field %s in %s", name, json).isTrue();
        return matcher.group(1);
    }
}
