package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

/**
 * Long-polls as a busy tenant sends them: they wait without holding the server's request threads, a tenant holds
 * at most its share (the rest get 429 at once), another tenant's reads are answered meanwhile, and every wait ends
 * with the operation's outcome as soon as there is one.
 */
@ExtendWith(SharedLocalStack.class)
class LongPollEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** dbcloud.gateway.max-waits-per-tenant's default. */
    private static final int SHARE = 50;
    /** Long-polls one tenant sends at once. */
    private static final int POLLS = 200;
    private static LocalStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start(LocalStack shared) {
        stack = shared;
    }

    @Test
    void aTenantsLongPollsAreBoundedAndNeitherStallOthersNorMissTheOutcome() throws Exception {
        String owner = stack.credentials().apiKey();
        HttpResponse<String> provisioned = send(owner, "POST", "/v1/instances",
                "{\"name\":\"sleepy\",\"username\":\"sleeper\",\"password\":\"Sl33py-passw0rd\"}");
        assertThat(send(owner, "GET", location(provisioned) + "?waitSeconds=60", null).body())
                .contains("\"status\":\"SUCCEEDED\"");
        // A migration that takes a while: the breaking-change guard runs it once, then Flyway again.
        HttpResponse<String> migrating = send(owner, "POST", "/v1/instances/sleepy/migrations",
                "{\"application\":\"nap\",\"migrations\":[{\"version\":\"1\",\"description\":\"nap\","
                        + "\"sql\":\"SELECT pg_sleep(6);\"}]}");
        String operation = location(migrating);

        List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
        for (int i = 0; i < POLLS; i++) {
            polls.add(http.sendAsync(request(owner, "GET", operation + "?waitSeconds=60", null),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> polls.stream().filter(CompletableFuture::isDone).count() == POLLS - SHARE);
        assertThat(polls.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join))
                .allSatisfy(refused -> {
                    assertThat(refused.statusCode()).isEqualTo(429);
                    assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
                    assertThat(refused.body()).contains("\"code\":\"TOO_MANY_WAITS\"");
                });

        String other = newTenant();
        for (int i = 0; i < 10; i++) {
            assertThat(send(other, "GET", "/v1/instances", null).statusCode()).isEqualTo(200);
        }
        assertThat(polls.stream().filter(poll -> !poll.isDone()).count())
                .as("the owner's long-polls still waiting while the other tenant was answered").isEqualTo(SHARE);

        CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(polls.stream().map(CompletableFuture::join).filter(answer -> answer.statusCode() == 200))
                .hasSize(SHARE)
                .allSatisfy(answer -> assertThat(answer.body()).contains("\"status\":\"SUCCEEDED\""));
    }

    private static String location(HttpResponse<String> accepted) {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return accepted.headers().firstValue("Location").orElseThrow();
    }

    private String newTenant() throws Exception {
        String tenant = "waits-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = send(stack.credentials().adminKey(), "POST", "/v1/admin/tenants",
                "{\"name\":\"" + tenant + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).path("apiKey").path("key").asString();
    }

    private HttpResponse<String> send(String key, String method, String path, String body) throws Exception {
        return http.send(request(key, method, path, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String key, String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
