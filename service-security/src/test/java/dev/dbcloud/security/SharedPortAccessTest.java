package dev.dbcloud.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Without a management port of its own the endpoints share the application's port, and the same rules hold. */
@SpringBootTest(classes = ManagementTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "server.port=0",
        "management.endpoints.web.exposure.include=" + AbstractManagementAccessTest.EXPOSED,
        "dbcloud.management.admin-key=" + AbstractManagementAccessTest.ADMIN_KEY})
class SharedPortAccessTest extends AbstractManagementAccessTest {

    @LocalServerPort
    int serverPort;

    @Test
    void theEndpointsShareTheApplicationPort() throws Exception {
        assertThat(managementPort).isEqualTo(serverPort);
        // A path no chain opens is simply not there, with a key or without.
        assertThat(get(serverPort, "/elsewhere", null).statusCode()).isEqualTo(404);
        assertThat(get(serverPort, "/elsewhere", "Bearer " + ADMIN_KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void anOversizeHeaderGetsProblemJsonNotTomcatsPage() throws Exception {
        HttpResponse<String> response = http().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + serverPort + "/actuator/health"))
                .header("X-Padding", "a".repeat(64 * 1024)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"code\":\"MALFORMED_REQUEST\"").doesNotContain("<html", "Tomcat");
    }
}
