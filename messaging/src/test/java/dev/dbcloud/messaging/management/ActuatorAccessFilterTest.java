package dev.dbcloud.messaging.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class ActuatorAccessFilterTest {

    private static final String KEY = AbstractManagementAccessTest.ADMIN_KEY;

    @Test
    void withoutAnAdminKeyTheProtectedEndpointsAreRefusedToEverybody() throws Exception {
        ActuatorAccessFilter filter = filter("/actuator", null);
        assertThat(status(filter, "/actuator/env", null)).isEqualTo(401);
        assertThat(status(filter, "/actuator/env", "Bearer ")).isEqualTo(401);
        assertThat(status(filter, "/actuator/env", "Bearer " + KEY)).isEqualTo(401);
        assertThat(status(filter("/actuator", "  "), "/actuator/env", "Bearer   ")).isEqualTo(401);
        assertThat(status(filter, "/actuator/health", null)).isEqualTo(200);
        assertThat(status(filter, "/actuator/health/readiness", null)).isEqualTo(200);
    }

    @Test
    void aRootBasePathProtectsEverythingButTheOpenEndpoints() throws Exception {
        ActuatorAccessFilter filter = filter("/", KEY);
        assertThat(status(filter, "/health", null)).isEqualTo(200);
        assertThat(status(filter, "/prometheus", null)).isEqualTo(200);
        assertThat(status(filter, "/", null)).isEqualTo(401);
        assertThat(status(filter, "/env", null)).isEqualTo(401);
        assertThat(status(filter, "/env", "Bearer " + KEY)).isEqualTo(200);
    }

    @Test
    void pathsOutsideTheBasePathPassUntouched() throws Exception {
        ActuatorAccessFilter filter = filter("/actuator", KEY);
        assertThat(status(filter, "/v1/instances", null)).isEqualTo(200);
        assertThat(status(filter, "/actuatorx", null)).isEqualTo(200);
    }

    @Test
    void anOpenLookingPathThatIsNotCanonicalNeedsTheKey() throws Exception {
        ActuatorAccessFilter filter = filter("/actuator", KEY);
        MockHttpServletRequest request = request("/actuator/health");
        request.setRequestURI("/actuator/env/..;/health");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        assertThat(response.getStatus()).isEqualTo(401);
    }

    private static ActuatorAccessFilter filter(String basePath, String key) {
        String base = basePath.equals("/") ? "" : basePath;
        return new ActuatorAccessFilter(basePath, Set.of(base + "/health", base + "/info", base + "/prometheus"),
                Set.of(base + "/health"), key);
    }

    private static int status(ActuatorAccessFilter filter, String path, String authorization) throws Exception {
        MockHttpServletRequest request = request(path);
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response.getStatus();
    }

    private static MockHttpServletRequest request(String path) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setServletPath(path);
        return request;
    }
}
