package dev.dbcloud.gateway.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.gateway.GatewayIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Long-polls whose outcome no event announces here (status-service timed the operation out, or another gateway
 * consumed its outcome) end by the gateway's periodic lookup, which asks status-service about all of a tenant's
 * waiting operations in one request instead of once per wait.
 */
class LongPollLookupTest extends GatewayIntegrationTest {

    private static final String LOOKUP = "/internal/tenants/acme/operations";

    @Test
    void waitsWhoseOutcomeNoEventAnnouncesEndByOneLookupForAllOfThem() throws Exception {
        List<UUID> ids = Stream.generate(UUID::randomUUID).limit(3).toList();
        Instant requested = Instant.now();
        for (UUID id : ids) {
            STATUS.answer(LOOKUP + "/" + id, operation(id, "PENDING", "null", requested));
        }
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> polls = ids.stream()
                .map(id -> http.sendAsync(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + port + "/v1/operations/" + id + "?waitSeconds=30"))
                        .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString()))
                .toList();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ids.stream().allMatch(id -> STATUS.requests(LOOKUP + "/" + id) == 1));
        assertThat(polls).noneMatch(CompletableFuture::isDone);

        String timedOut = "{\"code\": \"TIMEOUT\", \"message\": \"no outcome came in time\"}";
        STATUS.answer(LOOKUP, ids.stream().map(id -> operation(id, "FAILED", timedOut, requested))
                .collect(Collectors.joining(",", "{\"items\": [", "], \"next\": null}")));

        for (CompletableFuture<HttpResponse<String>> poll : polls) {
            HttpResponse<String> answer = poll.get(10, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("\"status\":\"FAILED\"", "\"code\":\"TIMEOUT\"");
        }
        assertThat(STATUS.lastQuery(LOOKUP)).contains(ids.stream().map(id -> "id=" + id).toArray(String[]::new));
        for (UUID id : ids) {
            assertThat(STATUS.requests(LOOKUP + "/" + id)).as("asked about one operation alone").isEqualTo(1);
        }
    }

    private static String operation(UUID id, String status, String error, Instant requested) {
        return """
                {"id": "%s", "type": "STOP", "instanceName": "lookups", "status": "%s", "error": %s,
                 "createdAt": "%s", "updatedAt": "%s", "restorePoint": null}""".formatted(id, status, error, requested,
                requested);
    }
}
