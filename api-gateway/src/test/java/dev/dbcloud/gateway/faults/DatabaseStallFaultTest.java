package dev.dbcloud.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.gateway.GatewayIntegrationTest;
import dev.dbcloud.messaging.test.TestInfrastructure;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The control plane's database stops answering (paused, as a stalled disk or a frozen VM would leave it): requests
 * that need it get 503 problem+json with {@code Retry-After} within seconds, never a 500 or a hang, and once it
 * answers again so does the gateway.
 */
@Tag("faults")
class DatabaseStallFaultTest extends GatewayIntegrationTest {

    @Test
    void aStalledDatabaseGets503WithRetryAfterAndTheGatewayRecoversWithIt() throws Exception {
        assertThat(send("GET", "/v1/keys", null).statusCode()).isEqualTo(200);
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
        } finally {
            signal("CONT", servers);
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> send("GET", "/v1/keys", null).statusCode() == 200);
    }

    /** The test server's postmaster and every backend it runs. */
    private static List<Long> postgresProcesses() throws Exception {
        long backend;
        try (Connection connection = TestInfrastructure.postgres().getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet pid = statement.executeQuery("SELECT pg_backend_pid()")) {
            pid.next();
            backend = pid.getLong(1);
        }
        ProcessHandle postmaster = ProcessHandle.of(backend).orElseThrow().parent().orElseThrow();
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
