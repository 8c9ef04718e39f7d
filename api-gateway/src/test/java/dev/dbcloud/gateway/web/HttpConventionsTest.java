package dev.dbcloud.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.gateway.GatewayIntegrationTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every endpoint of a kind does alike: lists answer pages ({@code items}, {@code next}) read by keyset, with
 * {@code limit} and {@code cursor} checked as any input is; a {@code Location} leads to a resource that answers 200;
 * every 202 and every 503 says when to ask again ({@code Retry-After}).
 */
class HttpConventionsTest extends GatewayIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void followingNextReadsEveryKeyOnceNewestFirstAndTheLastPageHasANullNext() throws Exception {
        String key = createTenant(uniqueTenant());
        List<String> issued = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> created = sendWith(key, "POST", "/v1/keys", "{\"name\":\"k" + i + "\"}");
            issued.add(0, JSON.readTree(created.body()).path("id").asString());
        }

        List<JsonNode> pages = follow(key, "/v1/keys?limit=2");

        assertThat(pages).hasSize(3);
        assertThat(pages.get(2).has("next")).as("next is there, null, on the last page").isTrue();
        assertThat(pages.get(2).path("next").isNull()).isTrue();
        List<String> listed = pages.stream().flatMap(page -> page.path("items").valueStream())
                .map(item -> item.path("id").asString()).toList();
        assertThat(listed).hasSize(5).doesNotHaveDuplicates();
        assertThat(listed.subList(0, 4)).as("newest first").containsExactlyElementsOf(issued);
    }

    @Test
    void tenantsArePagedOldestFirstAcrossEveryPage() throws Exception {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String tenant = uniqueTenant();
            createTenant(tenant);
            created.add(tenant);
        }

        List<String> listed = follow(ADMIN_KEY, "/v1/admin/tenants?limit=2").stream()
                .flatMap(page -> page.path("items").valueStream()).map(item -> item.path("name").asString()).toList();

        assertThat(listed).doesNotHaveDuplicates().containsSubsequence(created);
    }

    @Test
    void aLimitOutOfRangeOrNotANumberIsRefusedNamingLimitAndTheRule() throws Exception {
        for (String path : List.of("/v1/keys", "/v1/instances", "/v1/instances/orders/operations",
                "/v1/instances/orders/databases", "/v1/instances/orders/databases/shop/migrations")) {
            assertRefused(send("GET", path + "?limit=0", null), "limit", "RANGE");
            assertRefused(send("GET", path + "?limit=501", null), "limit", "RANGE");
            assertRefused(send("GET", path + "?limit=ten", null), "limit", "FORMAT");
        }
        assertRefused(sendWith(ADMIN_KEY, "GET", "/v1/admin/tenants?limit=-1", null), "limit", "RANGE");
    }

    @Test
    void aCursorTheApiDidNotGiveIsRefusedNamingCursor() throws Exception {
        assertRefused(send("GET", "/v1/keys?cursor=" + base64url("not a key\nof this list\nat all"), null),
                "cursor", "FORMAT");
        assertRefused(send("GET", "/v1/keys?cursor=" + base64url("yesterday\n" + UUID.randomUUID()), null),
                "cursor", "FORMAT");
        assertRefused(send("GET", "/v1/keys?cursor=", null), "cursor", "FORMAT");
        assertRefused(sendWith(ADMIN_KEY, "GET", "/v1/admin/tenants?cursor=!!", null), "cursor", "FORMAT");
        assertRefused(send("GET", "/v1/instances?cursor=a+b", null), "cursor", "FORMAT");
    }

    @Test
    void listsOfStatusServicePassLimitAndCursorOnAndItsPageBack() throws Exception {
        String tenant = uniqueTenant();
        String key = createTenant(tenant);
        String path = "/internal/tenants/" + tenant + "/instances";
        STATUS.answer(path, """
                {"items": [{"name": "orders", "status": "AVAILABLE"}], "next": "b3JkZXJz"}""");

        HttpResponse<String> page = sendWith(key, "GET", "/v1/instances?limit=1&cursor=YWNjb3VudHM", null);

        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(STATUS.lastQuery(path)).isEqualTo("limit=1&cursor=YWNjb3VudHM");
        JsonNode body = JSON.readTree(page.body());
        assertThat(body.path("items").get(0).path("name").asString()).isEqualTo("orders");
        assertThat(body.path("next").asString()).isEqualTo("b3JkZXJz");
        sendWith(key, "GET", "/v1/instances", null);
        assertThat(STATUS.lastQuery(path)).as("the default limit").isEqualTo("limit=100");
    }

    @Test
    void aCursorStatusServiceRefusesIsTheGatewaysOwn400NamingCursor() throws Exception {
        String tenant = uniqueTenant();
        String key = createTenant(tenant);
        STATUS.answer("/internal/tenants/" + tenant + "/instances/orders/operations", 400, """
                {"status": 400, "code": "VALIDATION_FAILED", "errors": [{"field": "cursor", "rule": "FORMAT",
                 "message": "cursor must be the next of a page of this list, unchanged"}]}""");

        HttpResponse<String> refused = sendWith(key, "GET", "/v1/instances/orders/operations?cursor=b3JkZXJz", null);

        assertRefused(refused, "cursor", "FORMAT");
        assertThat(JSON.readTree(refused.body()).path("errors").get(0).path("message").asString())
                .isEqualTo("cursor must be the next of a page of this list, unchanged");
    }

    @Test
    void aCreatedTenantsAndKeysLocationAnswers200() throws Exception {
        String tenant = uniqueTenant();
        HttpResponse<String> created = sendWith(ADMIN_KEY, "POST", "/v1/admin/tenants", "{\"name\":\"" + tenant + "\"}");
        String key = JSON.readTree(created.body()).path("apiKey").path("key").asString();
        HttpResponse<String> tenantRead = sendWith(ADMIN_KEY, "GET", location(created), null);
        assertThat(tenantRead.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(tenantRead.body()).path("name").asString()).isEqualTo(tenant);
        assertThat(sendWith(ADMIN_KEY, "GET", "/v1/admin/tenants/" + uniqueTenant(), null).statusCode()).isEqualTo(404);

        HttpResponse<String> issued = sendWith(key, "POST", "/v1/keys", "{\"name\":\"ci\"}");
        String id = JSON.readTree(issued.body()).path("id").asString();
        assertThat(location(issued)).isEqualTo("/v1/keys/" + id);
        HttpResponse<String> keyRead = sendWith(key, "GET", location(issued), null);
        assertThat(keyRead.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(keyRead.body()).path("name").asString()).isEqualTo("ci");
        assertThat(keyRead.body()).as("the key itself is shown once only").doesNotContain("\"key\"");
        assertThat(send("GET", location(issued), null).statusCode()).as("another tenant's key").isEqualTo(404);
    }

    @Test
    void everyAcceptedCommandSaysWhereItsOperationIsAndWhenToAsk() throws Exception {
        String name = uniqueName();
        HttpResponse<String> accepted = send("POST", "/v1/instances",
                "{\"name\":\"" + name + "\",\"username\":\"alice\",\"password\":\"correct-horse-42\"}");

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(location(accepted)).isEqualTo("/v1/operations/" + JSON.readTree(accepted.body()).path("id").asString());
        HttpResponse<String> operation = send("GET", location(accepted), null);
        assertThat(operation.statusCode()).as(operation.body()).isEqualTo(200);
        assertThat(JSON.readTree(operation.body()).path("instanceName").asString()).isEqualTo(name);
    }

    @Test
    void aFaultOfStatusServiceIs503WithRetryAfter() throws Exception {
        String tenant = uniqueTenant();
        String key = createTenant(tenant);
        STATUS.answer("/internal/tenants/" + tenant + "/instances", 503, """
                {"status": 503, "code": "CONTROL_PLANE_UNAVAILABLE"}""");

        HttpResponse<String> unavailable = sendWith(key, "GET", "/v1/instances", null);

        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(unavailable.body()).contains("\"code\":\"STATUS_UNAVAILABLE\"");
        assertThat(unavailable.headers().firstValue("Retry-After")).hasValue("2");
    }

    /** Every page of a list, from {@code first}, following {@code next} until it is null. */
    private List<JsonNode> follow(String key, String first) throws Exception {
        List<JsonNode> pages = new ArrayList<>();
        String path = first;
        while (path != null) {
            assertThat(pages).as("pages end").hasSizeLessThan(1000);
            HttpResponse<String> page = sendWith(key, "GET", path, null);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(page.body());
            pages.add(body);
            path = body.path("next").isNull() ? null : first + "&cursor=" + body.path("next").asString();
        }
        return pages;
    }

    private static void assertRefused(HttpResponse<String> answer, String field, String rule) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.path("code").asString()).isEqualTo("VALIDATION_FAILED");
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo(field);
        assertThat(problem.path("errors").get(0).path("rule").asString()).isEqualTo(rule);
    }

    private String createTenant(String tenant) throws Exception {
        HttpResponse<String> created = sendWith(ADMIN_KEY, "POST", "/v1/admin/tenants", "{\"name\":\"" + tenant + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).path("apiKey").path("key").asString();
    }

    private static String location(HttpResponse<String> answer) {
        return answer.headers().firstValue("Location").orElseThrow();
    }

    private static String uniqueTenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String base64url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
