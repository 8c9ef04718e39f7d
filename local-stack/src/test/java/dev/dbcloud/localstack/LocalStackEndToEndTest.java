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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole system on random ports: provision over HTTP, then log in to the new server over JDBC. */
class LocalStackEndToEndTest {

    private static final String PASSWORD = "e2e-S3cret-Passw0rd";
    @TempDir static Path home;
    private static LocalStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        stack = LocalStack.start(home, 0);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void provisionsAnInstanceOverHttpThatTheUserLogsInTo() throws Exception {
        HttpResponse<String> accepted = send("POST", "/v1/instances",
                "{\"name\":\"shop\",\"username\":\"shopadmin\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();

        await().atMost(Duration.ofSeconds(120)).until(
                () -> send("GET", location + "?waitSeconds=10", null).body(), body -> body.contains("\"status\":\"SUCCEEDED\""));

        HttpResponse<String> instance = send("GET", "/v1/instances/shop", null);
        assertThat(instance.statusCode()).isEqualTo(200);
        assertThat(instance.body()).contains("\"status\":\"AVAILABLE\"", "\"adminUsername\":\"shopadmin\"",
                "\"hostName\":\"localhost\"", "\"driver\":\"LOCAL\"");
        int port = Integer.parseInt(field(instance.body(), "port"));
        assertThat(send("GET", "/v1/instances", null).body()).contains("\"name\":\"shop\"");

        try (Connection connection = DriverManager.getConnection(
                        "jdbc:postgresql://localhost:" + port + "/postgres", "shopadmin", PASSWORD);
                ResultSet user = connection.createStatement().executeQuery("SELECT current_user")) {
            assertThat(user.next()).isTrue();
            assertThat(user.getString(1)).isEqualTo("shopadmin");
        }
        assertThatThrownBy(() -> DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + port + "/postgres", "shopadmin", "not-the-password"))
                .isInstanceOf(SQLException.class);
    }

    @Test
    void writesOwnerOnlyCredentialsThatTheApiAccepts() throws Exception {
        Path credentials = home.resolve("credentials");
        assertThat(Files.getPosixFilePermissions(credentials)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(credentials)).contains("url=" + stack.gatewayUrl(), "api_key=dbc_", "admin_key=dbc_");
        assertThat(Files.getPosixFilePermissions(home.resolve("keyset.json"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(send("GET", "/v1/instances", null).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .header("Authorization", "Bearer " + stack.credentials().apiKey())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"?([^\",}]*)").matcher(json);
        assertThat(matcher.find()).as("field %s in %s", name, json).isTrue();
        return matcher.group(1);
    }
}
