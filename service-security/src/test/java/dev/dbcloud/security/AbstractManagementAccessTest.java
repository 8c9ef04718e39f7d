package dev.dbcloud.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * The actuator endpoints as an operator meets them: health, info and prometheus open, everything else behind the
 * admin key, heap dumps not exposed at all. Subclasses choose whether the management server has a port of its own.
 */
abstract class AbstractManagementAccessTest {

    static final String ADMIN_KEY = "dbc_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0-_x";
    static final String EXPOSED =
            "health,info,prometheus,metrics,env,configprops,loggers,threaddump,conditions,beans,mappings,"
                    + "scheduledtasks,flyway";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @LocalManagementPort
    int managementPort;

    @Autowired
    ApplicationContext context;

    @Test
    void healthInfoAndPrometheusNeedNoKey() throws Exception {
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health", null).body()).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/info", null).statusCode()).isEqualTo(200);
        HttpResponse<String> prometheus = get("/actuator/prometheus", null);
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).containsPattern("(?m)^jvm_\\w+(\\{[^}]*\\})? \\S+$");
    }

    @Test
    void theOpenEndpointsIgnoreWhateverKeyAProbeSends() throws Exception {
        for (String path : new String[] {"/actuator/health", "/actuator/health/liveness", "/actuator/info",
                "/actuator/prometheus"}) {
            assertThat(get(path, "Bearer dbc_" + "x".repeat(43)).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void noUserWithAGeneratedPasswordExists() {
        assertThat(context.getBeanNamesForType(UserDetailsService.class)).isEmpty();
    }

    @Test
    void everyOtherEndpointAnswers401WithoutTheAdminKey() throws Exception {
        for (String path : new String[] {"/actuator/env", "/actuator/metrics", "/actuator/loggers",
                "/actuator/configprops", "/actuator", "/actuator/"}) {
            assertUnauthenticated(get(path, null), path);
            assertUnauthenticated(get(path, "Bearer dbc_" + "x".repeat(43)), path);
            assertUnauthenticated(get(path, "Bearer "), path);
            assertUnauthenticated(get(path, ADMIN_KEY), path);
            assertUnauthenticated(get(path, "Basic " + ADMIN_KEY), path);
        }
    }

    @Test
    void theAdminKeyOpensTheOtherEndpoints() throws Exception {
        for (String path : new String[] {"/actuator/env", "/actuator/metrics", "/actuator/loggers",
                "/actuator/configprops", "/actuator"}) {
            assertThat(get(path, "Bearer " + ADMIN_KEY).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(get("/actuator/metrics", "bearer  " + ADMIN_KEY).statusCode()).isEqualTo(200);
        // Boot still masks the values of env and configprops for the admin.
        assertThat(get("/actuator/env", "Bearer " + ADMIN_KEY).body()).doesNotContain(ADMIN_KEY).contains("******");
    }

    @Test
    void heapDumpsAreNotExposedEvenToTheAdmin() throws Exception {
        assertThat(get("/actuator/heapdump", "Bearer " + ADMIN_KEY).statusCode()).isEqualTo(404);
        assertThat(get("/actuator/heapdump", null).statusCode()).isEqualTo(404);
    }

    @Test
    void ambiguousPathsAreRefusedWith400BeforeAnythingRoutesThem() throws Exception {
        for (String path : new String[] {"/actuator/env/..;/health", "/actuator/health/../env",
                "/actuator/health/..%2Fenv", "/actuator;x/env", "/actuator//env", "/actuator/%65nv",
                "/actuator/%68ealth", "/actuator/./env", "/actuator/health%2F..%2Fenv", "/actuator/health/"
                        + "%2e%2e/env"}) {
            for (String authorization : new String[] {null, "Bearer " + ADMIN_KEY}) {
                HttpResponse<String> response = get(path, authorization);
                assertThat(response.statusCode()).as(path).isEqualTo(400);
                assertThat(response.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
                // Spring Security's firewall refuses most; Tomcat itself refuses an encoded slash first.
                assertThat(response.body()).as(path).containsAnyOf("\"code\":\"REQUEST_REJECTED\"",
                        "\"code\":\"MALFORMED_REQUEST\"").doesNotContain("propertySources");
            }
        }
    }

    @Test
    void anUpperCasePathIsNoEndpointAtAll() throws Exception {
        for (String path : new String[] {"/actuator/ENV", "/actuator/HEALTH", "/ACTUATOR/env"}) {
            for (String authorization : new String[] {null, "Bearer " + ADMIN_KEY}) {
                HttpResponse<String> response = get(path, authorization);
                assertThat(response.statusCode()).as(path).isEqualTo(404);
                assertThat(response.body()).as(path).contains("\"code\":\"NOT_FOUND\"");
            }
        }
    }

    void assertUnauthenticated(HttpResponse<String> response, String path) {
        assertThat(response.statusCode()).as(path).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("WWW-Authenticate")).as(path).hasValue("Bearer");
        assertThat(response.body()).as(path).contains("\"code\":\"UNAUTHENTICATED\"");
    }

    HttpClient http() {
        return http;
    }

    HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        return get(managementPort, path, authorization);
    }

    HttpResponse<String> get(int port, String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
