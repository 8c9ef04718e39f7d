package dev.dbcloud.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.Topics;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.gateway.GatewayIntegrationTest;
import dev.dbcloud.messaging.test.TestInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * The control plane's database stops answering (paused, as a stalled disk or a frozen VM would leave it): requests
 * that need it get 503 problem+json with {@code Retry-After} within seconds, never a 500 or a hang, its health is
 * DOWN, and once it answers again so does the gateway, UP, with every command it accepted before published.
 */
@Tag("faults")
class DatabaseStallFaultTest extends GatewayIntegrationTest {

    @LocalManagementPort int managementPort;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aStalledDatabaseGets503WithRetryAfterHealthDownAndTheGatewayRecoversWithItLosingNothing() throws Exception {
        assertThat(send("GET", "/v1/keys", null).statusCode()).isEqualTo(200);
        assertThat(health()).isEqualTo(200);
        // Commands accepted right before the stall: none is lost.
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String name = uniqueName();
            assertThat(send("POST", "/v1/instances", "{\"name\":\"" + name
                    + "\",\"username\":\"alice\",\"password\":\"stalled-pass-1\"}").statusCode()).isEqualTo(202);
            accepted.add(name);
        }
        List<Long> servers = postgresProcesses();
        signal("STOP", servers);
        try {
            for (String[] request : new String[][] {{"GET", "/v1/keys", null},
                    {"POST", "/v1/instances", "{\"name\":\"stalled\",\"username\":\"alice\",\"password\":\"stalled-pass-1\"}"}}) {
                HttpResponse<String> answer = send(request[0], request[1], request[2]);
                assertThat(answer.statusCode()).as("%s %s: %s", request[0], request[1], answer.body()).isEqualTo(503);
                assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                assertThat(answer.body()).contains("\"code\":\"CONTROL_PLANE_UNAVAILABLE\"");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> health() == 503);
        } finally {
            signal("CONT", servers);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> send("GET", "/v1/keys", null).statusCode() == 200);
        await().atMost(Duration.ofSeconds(60)).until(() -> health() == 200);
        // The relay may publish a row again when the stall kept it from deleting the row after Kafka acknowledged
        // it: the same record, the same event id, which consumers apply once. One command per request, none lost.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String name : accepted) {
                assertThat(recorder.events(Topics.INSTANCE_COMMANDS, ProvisionRequested.class,
                        command -> command.getInstanceName().equals(name)).stream()
                        .map(ProvisionRequested::getEventId).distinct()).as(name).hasSize(1);
            }
        });
    }

    /** The status code of the actuator's health endpoint: 200 while UP, 503 while DOWN. */
    private int health() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/actuator/health"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The test server's postmaster and every backend it runs. */
    private static List<Long> postgresProcesses() throws Exception {
        ProcessHandle postmaster;
        try (Connection connection = TestInfrastructure.postgres().getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet pid = statement.executeQuery("SELECT pg_backend_pid()")) {
            pid.next();
            // While the session is open: once it closes, its backend exits, and may be gone before it is looked up.
            postmaster = ProcessHandle.of(pid.getLong(1)).orElseThrow().parent().orElseThrow();
        }
        List<Long> pids = new ArrayList<>();
        pids.add(postmaster.pid());
        postmaster.children().forEach(child -> pids.add(child.pid()));
        return pids;
    }

    private static void signal(String signal, List<Long> pids) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
