package dev.dbcloud.gateway.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.Topics;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.gateway.GatewayIntegrationTest;
import dev.dbcloud.gateway.access.ApiKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class ProvisioningRequestTest extends GatewayIntegrationTest {

    private static final String PASSWORD = "Distinctive-Pa55word!";
    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired JdbcClient jdbc;

    @Test
    void acceptsAValidRequestAndPublishesOnlyThePasswordVerifier() throws Exception {
        HttpResponse<String> response = post(KEY, """
                {"name": "orders", "username": "alice", "password": "%s"}""".formatted(PASSWORD));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/v1/operations/"));
        assertThat(response.body()).contains("\"status\":\"PENDING\"", "\"type\":\"PROVISION\"").doesNotContain(PASSWORD).doesNotContain("\"final\"");
        String operationId = response.headers().firstValue("Location").orElseThrow().substring("/v1/operations/".length());

        await().atMost(Duration.ofSeconds(30)).until(() -> !published(operationId).isEmpty());
        ProvisionRequested command = published(operationId).get(0);
        assertThat(command.getTenant()).isEqualTo("acme");
        assertThat(command.getInstanceName()).isEqualTo("orders");
        assertThat(command.getAdminUsername()).isEqualTo("alice");
        assertThat(command.getPasswordVerifier()).startsWith("SCRAM-SHA-256$4096:").doesNotContain(PASSWORD);
        assertThat(recorder.records(Topics.INSTANCE_COMMANDS)).allSatisfy(r ->
                assertThat(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain(PASSWORD));
    }

    @Test
    void rejectsEveryBrokenRuleAtOnceAndChangesNothing() throws Exception {
        long before = operations();
        HttpResponse<String> response = post(KEY, """
                {"name": "No", "username": "postgres", "password": "short @"}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body())
                .contains("\"code\":\"VALIDATION_FAILED\"")
                .contains("{\"field\":\"name\"", "\"rule\":\"LENGTH\"", "\"rule\":\"ALLOWED_CHARACTERS\"")
                .contains("\"rule\":\"RESERVED\"", "\"rule\":\"FORBIDDEN_CHARACTER\"")
                .doesNotContain("short @");
        assertThat(operations()).isEqualTo(before);
        // The relay may still be deleting another test's row, so look for this request's own traces.
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE record_key = 'acme/No'").query(Long.class).single()).isZero();
        assertThat(recorder.events(Topics.INSTANCE_COMMANDS, ProvisionRequested.class,
                c -> c.getInstanceName().equals("No"))).isEmpty();
    }

    @Test
    void rejectsMalformedJsonWithAProblem() throws Exception {
        HttpResponse<String> response = post(KEY, "{\"name\": ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"code\":\"MALFORMED_REQUEST\"");
    }

    @Test
    void requiresAKnownApiKey() throws Exception {
        long before = operations();

        assertThat(post(null, "{}").statusCode()).isEqualTo(401);
        assertThat(post(ApiKeys.newKey(), "{\"name\":\"abc\",\"username\":\"abc\",\"password\":\"12345678\"}")
                .statusCode()).isEqualTo(401);
        assertThat(operations()).isEqualTo(before);
    }

    private List<ProvisionRequested> published(String operationId) {
        return recorder.events(Topics.INSTANCE_COMMANDS, ProvisionRequested.class,
                c -> c.getOperationId().equals(operationId));
    }

    private long operations() {
        return jdbc.sql("SELECT count(*) FROM operations").query(Long.class).single();
    }

    private HttpResponse<String> post(String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/instances"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
