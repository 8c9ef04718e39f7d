package dev.dbcloud.gateway.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.gateway.GatewayIntegrationTest;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A client that gives up on a long-poll (Ctrl-C, a closed laptop) does not keep its slot: the servlet container does
 * not tell that it hung up, so once its wait has been held a while, a newcomer of its tenant past the share takes its
 * place, and the tenant is not refused for the minute the abandoned waits asked for.
 */
class LongPollDisconnectTest extends GatewayIntegrationTest {

    private static final String LOOKUP = "/internal/tenants/acme/operations";
    private static final int SHARE = 50;

    @Test
    void longPollsWhoseClientsHungUpFreeTheirSlots() throws Exception {
        UUID id = UUID.randomUUID();
        Instant requested = Instant.now();
        STATUS.answer(LOOKUP + "/" + id, """
                {"id": "%s", "type": "STOP", "instanceName": "hangups", "status": "PENDING", "error": null,
                 "createdAt": "%s", "updatedAt": "%s", "restorePoint": null}""".formatted(id, requested, requested));
        String request = "GET /v1/operations/" + id + "?waitSeconds=60 HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + KEY + "\r\n\r\n";
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < SHARE; i++) {
                Socket client = new Socket("localhost", port);
                clients.add(client);
                OutputStream out = client.getOutputStream();
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> STATUS.requests(LOOKUP + "/" + id) >= SHARE);
            assertThat(poll(id).statusCode()).as("the share is taken").isEqualTo(429);
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }

        // Once they have been held 10 s (OperationWaits.MAKE_ROOM_AFTER), well before their 60 s are up.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> poll(id).statusCode() == 200);
    }

    /** A long-poll of a second: 200 with the operation still pending, or 429 when the share is taken. */
    private HttpResponse<String> poll(UUID id) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/v1/operations/" + id + "?waitSeconds=1"))
                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
    }
}
