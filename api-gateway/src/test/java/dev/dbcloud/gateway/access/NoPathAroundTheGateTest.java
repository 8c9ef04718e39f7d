package dev.dbcloud.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.gateway.GatewayIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Every endpoint the gateway maps, read from Spring MVC's own handler mappings so that a new endpoint is covered
 * without anyone listing it, called as an attacker would: without a key, with a revoked key, with the wrong kind
 * of key, and under every spelling of its path that a server might normalize differently from a security rule
 * (each letter percent-encoded, {@code ;x=1} on each segment, a trailing slash, a doubled slash, dot segments,
 * upper case), with every kind of key. No call reaches a handler, none answers 2xx, 3xx or 5xx, and no table of
 * the gateway changes. The one exception is the API's description (GET of its canonical paths), open to anybody.
 */
class NoPathAroundTheGateTest extends GatewayIntegrationTest {

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");
    private static final String BODY = """
            {"name": "probe_tenant", "username": "alice", "password": "correct-horse-42", "application": "shop",
             "migrations": [{"version": "1", "description": "t", "sql": "CREATE TABLE t (id int);"}],
             "hostName": "db.example.com", "port": 5432, "adminRole": "owner"}""";

    @Autowired @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings;
    @Autowired HandlerCalls handlerCalls;
    @Autowired ApiKeys keys;
    @Autowired JdbcClient jdbc;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String revokedKey;

    @BeforeEach
    void revokedKey() {
        ApiKeys.IssuedKey issued = keys.issue("acme", "revoked");
        keys.revoke("acme", issued.id());
        revokedKey = issued.key();
        // Nothing of earlier tests still waiting for the relay, which would change the outbox under us.
        await().atMost(Duration.ofSeconds(30)).until(() ->
                jdbc.sql("SELECT count(*) FROM outbox").query(Long.class).single() == 0);
    }

    @Test
    void theProbeSeesARequestThatDoesReachAHandler() throws Exception {
        String probe = UUID.randomUUID().toString();
        assertThat(call("GET", "/v1/keys", KEY, probe).statusCode()).isEqualTo(200);
        assertThat(handlerCalls.count(probe)).isEqualTo(1);
    }

    @Test
    void noCallWithoutTheRightKeyOrOnAnAmbiguousPathReachesAHandler() throws Exception {
        List<Endpoint> endpoints = endpoints();
        assertThat(endpoints).as("the gateway's endpoints").hasSizeGreaterThanOrEqualTo(20);
        Map<String, String> tables = tables();
        String probe = UUID.randomUUID().toString();
        List<String> wrong = new ArrayList<>();
        int calls = 0;

        for (Endpoint endpoint : endpoints) {
            boolean admin = endpoint.path().startsWith("/v1/admin/");
            // Outside /v1 (Spring Boot's /error, say) nothing is served to a direct request, whatever the key.
            boolean api = endpoint.path().startsWith("/v1/");
            // The API's description is open to anybody, with any key or none (ApiDocumentationTest); only its
            // canonical path is: every other spelling is refused below, as any other path's.
            boolean documentation = endpoint.method().equals("GET")
                    && ApiSecurity.DOCUMENTATION_PATHS.contains(endpoint.pattern());
            // The canonical path, with every key that must not open it.
            for (String key : new String[] {null, revokedKey, "dbc_" + "x".repeat(43), admin ? KEY : ADMIN_KEY}) {
                if (documentation) {
                    int status = call(endpoint.method(), endpoint.path(), key, "documentation").statusCode();
                    calls++;
                    if (status != 200 && status != 302) {
                        wrong.add(endpoint + " with " + describe(key) + " -> " + status);
                    }
                    continue;
                }
                HttpResponse<String> response = call(endpoint.method(), endpoint.path(), key, probe);
                calls++;
                int expected = !api ? 404 : key == null || !key.equals(admin ? KEY : ADMIN_KEY) ? 401 : 403;
                if (response.statusCode() != expected
                        || !response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
                    wrong.add(endpoint + " with " + describe(key) + " -> " + response.statusCode() + " " + response.body());
                }
            }
            // Every other spelling of the path, with every kind of key, the right one included.
            for (String variant : variants(endpoint.pattern(), endpoint.path())) {
                for (String key : new String[] {null, revokedKey, KEY, ADMIN_KEY}) {
                    HttpResponse<String> response = call(endpoint.method(), variant, key, probe);
                    calls++;
                    if (response.statusCode() < 400 || response.statusCode() >= 500) {
                        wrong.add(endpoint.method() + " " + variant + " with " + describe(key) + " -> "
                                + response.statusCode() + " " + response.body());
                    }
                }
            }
        }

        assertThat(wrong).as("answers out of %d calls", calls).isEmpty();
        assertThat(handlerCalls.count(probe)).as("calls that reached a handler").isZero();
        assertThat(tables()).isEqualTo(tables);
    }

    @Test
    void theRequestsOfTheReportAreRefused() throws Exception {
        Map<String, String> tables = tables();
        String probe = UUID.randomUUID().toString();
        String tenant = "{\"name\": \"evil\"}";
        assertThat(call("POST", "/%76%31/admin/tenants", null, probe, tenant).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/%76%31/admin/tenants/acme/keys", null, probe, "").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/v1;x=1/admin/tenants", null, probe, tenant).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/v1/%61dmin/tenants", KEY, probe, tenant).statusCode()).isEqualTo(400);
        HttpResponse<String> list = call("GET", "/%76%31/instances", null, probe);
        assertThat(list.statusCode()).isEqualTo(400);
        assertThat(list.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(list.body()).contains("\"code\":\"REQUEST_REJECTED\"");
        assertThat(handlerCalls.count(probe)).isZero();
        assertThat(tables()).isEqualTo(tables);
    }

    /** Each mapped method and path pattern, its variables filled with values that pass validation. */
    private List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (PathPattern pattern : info.getPathPatternsCondition().getPatterns()) {
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    endpoints.add(new Endpoint(method.name(), pattern.getPatternString(), fill(pattern.getPatternString())));
                }
            }
        }
        return endpoints;
    }

    private static String fill(String pattern) {
        Matcher variable = VARIABLE.matcher(pattern);
        StringBuilder path = new StringBuilder();
        while (variable.find()) {
            String name = variable.group(1).toLowerCase(Locale.ROOT);
            String value = name.endsWith("id") ? UUID.randomUUID().toString() : name.equals("tenant") ? "acme" : "orders";
            variable.appendReplacement(path, value);
        }
        return variable.appendTail(path).toString();
    }

    /**
     * The spellings of a path that a lenient server could route to the same handler. Upper case applies to the
     * pattern's literal segments: an id in upper case is still the same id.
     */
    static Set<String> variants(String pattern, String path) {
        Set<String> variants = new LinkedHashSet<>();
        String[] segments = path.substring(1).split("/");
        String[] literal = pattern.substring(1).split("/");
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (Character.isLetter(c)) {
                variants.add(path.substring(0, i) + String.format("%%%02X", (int) c) + path.substring(i + 1));
            }
        }
        for (int i = 0; i < segments.length; i++) {
            String[] parameter = segments.clone();
            parameter[i] = parameter[i] + ";x=1";
            variants.add("/" + String.join("/", parameter));
            if (!literal[i].startsWith("{")) {
                String[] upper = segments.clone();
                upper[i] = upper[i].toUpperCase(Locale.ROOT);
                variants.add("/" + String.join("/", upper));
            }
            String before = "/" + String.join("/", java.util.Arrays.copyOfRange(segments, 0, i));
            String after = String.join("/", java.util.Arrays.copyOfRange(segments, i, segments.length));
            String prefix = before.equals("/") ? "" : before;
            variants.add(prefix + "//" + after);
            variants.add(prefix + "/./" + after);
            variants.add(prefix + "/x/../" + after);
            variants.add(prefix + "/%2e/" + after);
            if (i > 0) {
                variants.add(prefix + "%2F" + after);
                variants.add(prefix + "%2f" + after);
            }
        }
        variants.add(path + "/");
        variants.add(path + "/.");
        variants.add(path.toUpperCase(Locale.ROOT));
        variants.remove(path);
        return variants;
    }

    /** Each table's content, as a digest: equal maps mean nothing was added, changed or removed. */
    private Map<String, String> tables() {
        Map<String, String> digests = new LinkedHashMap<>();
        for (String table : jdbc.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
                .query(String.class).list()) {
            digests.put(table, jdbc.sql("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM "
                    + "\"" + table.replace("\"", "\"\"") + "\" t").query(String.class).single());
        }
        return digests;
    }

    private HttpResponse<String> call(String method, String path, String key, String probe) throws Exception {
        return call(method, path, key, probe, method.equals("POST") ? BODY : null);
    }

    private HttpResponse<String> call(String method, String path, String key, String probe, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header(HandlerCalls.PROBE, probe)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String describe(String key) {
        if (key == null) {
            return "no key";
        }
        return key.equals(KEY) ? "the tenant key" : key.equals(ADMIN_KEY) ? "the admin key"
                : key.equals(revokedKey) ? "a revoked key" : "an unknown key";
    }

    private record Endpoint(String method, String pattern, String path) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }
}
