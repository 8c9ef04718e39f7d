package dev.dbcloud.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The services' layout: the endpoints on a management port of their own, none on the application's port. */
@SpringBootTest(classes = ManagementTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "server.port=0",
        "management.server.port=0",
        "management.endpoints.web.exposure.include=" + AbstractManagementAccessTest.EXPOSED,
        "dbcloud.management.admin-key=" + AbstractManagementAccessTest.ADMIN_KEY})
class ManagementPortAccessTest extends AbstractManagementAccessTest {

    @LocalServerPort
    int serverPort;

    @Test
    void theManagementServerHasAPortOfItsOwn() {
        assertThat(managementPort).isPositive().isNotEqualTo(serverPort);
    }

    @Test
    void theApplicationPortServesNoActuator() throws Exception {
        for (String path : new String[] {"/actuator", "/actuator/health", "/actuator/prometheus", "/actuator/env"}) {
            assertThat(get(serverPort, path, "Bearer " + ADMIN_KEY).statusCode()).as(path).isEqualTo(404);
        }
    }
}
