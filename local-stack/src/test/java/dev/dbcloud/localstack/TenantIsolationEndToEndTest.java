package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two tenants on the running system: the second walks every endpoint on the first one's instance and its
 * operation, gets 404 each time, and changes nothing; then it provisions an instance of the same name.
 */
@ExtendWith(SharedLocalStack.class)
class TenantIsolationEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PASSWORD = "Isolation-Pa55word";
    private static LocalStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start(LocalStack shared) {
        stack = shared;
    }

    @Test
    void anotherTenantFindsNothingOfAnInstanceAndMayUseItsName() throws Exception {
        String owner = stack.credentials().apiKey();
        String stranger = newTenant();
        String name = "twin";
        String provisioned = finished(owner, send(owner, "POST", "/v1/instances",
                "{\"name\":\"" + name + "\",\"username\":\"owner\",\"password\":\"" + PASSWORD + "\"}"));
        String operation = JSON.readTree(provisioned).path("id").asString();
        JsonNode before = JSON.readTree(send(owner, "GET", "/v1/instances/" + name, null).body());
        int port = before.path("port").asInt();
        String operationsBefore = send(owner, "GET", "/v1/instances/" + name + "/operations", null).body();

        List<String[]> everyEndpoint = List.of(
                new String[] {"GET", "/v1/instances/" + name, null},
                new String[] {"GET", "/v1/instances/" + name + "/url", null},
                new String[] {"GET", "/v1/instances/" + name + "/url?database=postgres", null},
                new String[] {"POST", "/v1/instances/" + name + "/password", "{\"password\":\"Stranger-Pa55word\"}"},
                new String[] {"POST", "/v1/instances/" + name + "/databases", "{\"name\":\"loot\"}"},
                new String[] {"GET", "/v1/instances/" + name + "/databases", null},
                new String[] {"POST", "/v1/instances/" + name + "/migrations", "{\"application\":\"loot\",\"migrations\":"
                        + "[{\"version\":\"1\",\"description\":\"x\",\"sql\":\"CREATE TABLE loot (id int)\"}]}"},
                new String[] {"GET", "/v1/instances/" + name + "/databases/postgres/migrations", null},
                new String[] {"GET", "/v1/instances/" + name + "/operations", null},
                new String[] {"GET", "/v1/operations/" + operation, null},
                new String[] {"GET", "/v1/operations/" + operation + "?waitSeconds=1", null},
                new String[] {"DELETE", "/v1/linked-instances/" + name, null},
                new String[] {"DELETE", "/v1/instances/" + name, null});
        for (String[] request : everyEndpoint) {
            HttpResponse<String> answer = send(stranger, request[0], request[1], request[2]);
            assertThat(answer.statusCode()).as("%s %s: %s", request[0], request[1], answer.body()).isEqualTo(404);
            assertThat(answer.body()).contains("\"code\":\"NOT_FOUND\"");
        }
        assertThat(send(stranger, "GET", "/v1/instances", null).body()).isEqualTo("{\"items\":[],\"next\":null}");

        JsonNode after = JSON.readTree(send(owner, "GET", "/v1/instances/" + name, null).body());
        assertThat(after).as("the owner's instance is untouched").isEqualTo(before);
        assertThat(send(owner, "GET", "/v1/instances/" + name + "/operations", null).body()).isEqualTo(operationsBefore);
        assertThat(send(owner, "GET", "/v1/instances/" + name + "/databases", null).body()).doesNotContain("loot");
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres",
                "owner", PASSWORD);
                ResultSet user = connection.createStatement().executeQuery("SELECT current_user")) {
            assertThat(user.next()).isTrue();
            assertThat(user.getString(1)).as("the owner's password still logs in").isEqualTo("owner");
        }

        String theirs = finished(stranger, send(stranger, "POST", "/v1/instances",
                "{\"name\":\"" + name + "\",\"username\":\"stranger\",\"password\":\"" + PASSWORD + "\"}"));
        assertThat(theirs).as("the same name in another tenant").contains("\"status\":\"SUCCEEDED\"");
        JsonNode twin = JSON.readTree(send(stranger, "GET", "/v1/instances/" + name, null).body());
        assertThat(twin.path("adminUsername").asString()).isEqualTo("stranger");
        assertThat(twin.path("port").asInt()).isNotEqualTo(port);
        assertThat(JSON.readTree(send(owner, "GET", "/v1/instances/" + name, null).body()).path("adminUsername")
                .asString()).isEqualTo("owner");

        finished(stranger, send(stranger, "DELETE", "/v1/instances/" + name, null));
        assertThat(send(owner, "GET", "/v1/instances/" + name, null).statusCode())
                .as("destroying theirs leaves the owner's").isEqualTo(200);
        finished(owner, send(owner, "DELETE", "/v1/instances/" + name, null));
    }

    /** A tenant created with the admin key; answers its first API key. */
    private String newTenant() throws Exception {
        String tenant = "other-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = send(stack.credentials().adminKey(), "POST", "/v1/admin/tenants",
                "{\"name\":\"" + tenant + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).path("apiKey").path("key").asString();
    }

    private String finished(String key, HttpResponse<String> accepted) {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        return await().atMost(Duration.ofSeconds(120)).until(() -> send(key, "GET", location + "?waitSeconds=10", null).body(),
                body -> body.contains("\"status\":\"SUCCEEDED\"") || body.contains("\"status\":\"FAILED\""));
    }

    private HttpResponse<String> send(String key, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
