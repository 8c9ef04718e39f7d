package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway answers busy reads of an instance from what status-service said a moment ago, yet a client that saw
 * its operation end reads the instance as that operation left it, never as before: while other clients read the
 * instance as fast as they can, each stop and start is followed at once by a read that must show it.
 */
@ExtendWith(SharedLocalStack.class)
class ReadYourWritesEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static LocalStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start(LocalStack shared) {
        stack = shared;
    }

    @Test
    void aReadAfterAnOperationEndedShowsWhatItDidWhileOthersReadTheInstanceBusily() throws Exception {
        String key = stack.credentials().apiKey();
        finish(key, send(key, "POST", "/v1/instances",
                "{\"name\":\"busyreads\",\"username\":\"reader\",\"password\":\"Busy-r3ads-passw0rd\"}"));

        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        ExecutorService readers = Executors.newFixedThreadPool(4);
        try {
            Future<?>[] busy = new Future<?>[4];
            for (int i = 0; i < busy.length; i++) {
                busy[i] = readers.submit(() -> {
                    while (reading.get()) {
                        HttpResponse<String> read = send(key, "GET", "/v1/instances/busyreads", null);
                        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
                        reads.incrementAndGet();
                    }
                    return null;
                });
            }
            for (int round = 0; round < 3; round++) {
                finish(key, send(key, "POST", "/v1/instances/busyreads/stop", ""));
                assertThat(status(key)).as("round %d, after the stop ended", round).isEqualTo("STOPPED");
                finish(key, send(key, "POST", "/v1/instances/busyreads/start", ""));
                assertThat(status(key)).as("round %d, after the start ended", round).isEqualTo("AVAILABLE");
            }
            reading.set(false);
            for (Future<?> reader : busy) {
                reader.get();
            }
        } finally {
            reading.set(false);
            readers.shutdownNow();
        }
        assertThat(reads.get()).as("reads made beside the commands").isGreaterThan(20);
    }

    private String status(String key) throws Exception {
        HttpResponse<String> read = send(key, "GET", "/v1/instances/busyreads", null);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        return JSON.readTree(read.body()).path("status").asString();
    }

    /** Long-polls the accepted operation until it ends; it must succeed. */
    private void finish(String key, HttpResponse<String> accepted) throws Exception {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String operation = accepted.headers().firstValue("Location").orElseThrow();
        String status = "PENDING";
        for (int i = 0; i < 5 && "PENDING".equals(status); i++) {
            status = JSON.readTree(send(key, "GET", operation + "?waitSeconds=60", null).body()).path("status")
                    .asString();
        }
        assertThat(status).isEqualTo("SUCCEEDED");
    }

    private HttpResponse<String> send(String key, String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
