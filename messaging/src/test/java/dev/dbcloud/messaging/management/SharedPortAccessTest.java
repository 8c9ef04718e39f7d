package dev.dbcloud.messaging.management;

import static org.assertj.core.api.Assertions.assertThat;

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
        // Paths outside the actuator are not the filter's business: no key, no 401.
        assertThat(get(serverPort, "/elsewhere", null).statusCode()).isEqualTo(404);
    }
}
