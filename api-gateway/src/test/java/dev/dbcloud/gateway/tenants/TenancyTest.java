package dev.dbcloud.gateway.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.gateway.GatewayIntegrationTest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Tenants and their keys: who may call what, and what is ever kept of a key. */
class TenancyTest extends GatewayIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired JdbcClient jdbc;

    @Test
    void theAdminCreatesATenantWhoseFirstKeyIsShownOnceAndStoredAsAHash() throws Exception {
        String tenant = uniqueTenant();
        HttpResponse<String> created = sendWith(ADMIN_KEY, "POST", "/v1/admin/tenants", "{\"name\":\"" + tenant + "\"}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("/v1/admin/tenants/" + tenant);
        JsonNode body = JSON.readTree(created.body());
        assertThat(body.path("name").asString()).isEqualTo(tenant);
        String key = body.path("apiKey").path("key").asString();
        assertThat(key).startsWith("dbc_").hasSize(47);
        assertThat(body.path("apiKey").path("prefix").asString()).isEqualTo(key.substring(0, 12));
        assertThat(sendWith(key, "GET", "/v1/keys", null).statusCode()).isEqualTo(200);

        String stored = jdbc.sql("SELECT string_agg(k::text, ' ') FROM api_keys k").query(String.class).single();
        assertThat(stored).as("only the hash and the prefix are kept").doesNotContain(key).contains(key.substring(0, 12));
        HttpResponse<String> read = sendWith(ADMIN_KEY, "GET", created.headers().firstValue("Location").orElseThrow(), null);
        assertThat(read.statusCode()).as("the tenant at its Location").isEqualTo(200);
        assertThat(JSON.readTree(read.body()).path("name").asString()).isEqualTo(tenant);
        assertThat(JSON.readTree(read.body()).path("activeKeys").asLong()).isEqualTo(1);
    }

    @Test
    void aTenantNameIsTakenOnce() throws Exception {
        String tenant = uniqueTenant();
        sendWith(ADMIN_KEY, "POST", "/v1/admin/tenants", "{\"name\":\"" + tenant + "\"}");

        HttpResponse<String> again = sendWith(ADMIN_KEY, "POST", "/v1/admin/tenants", "{\"name\":\"" + tenant + "\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("\"code\":\"TENANT_EXISTS\"");
        assertThat(jdbc.sql("SELECT count(*) FROM api_keys WHERE tenant = ?").param(tenant).query(Long.class).single())
                .as("no second first key").isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "Acme", "acme/other", "x'; DROP TABLE tenants; --", "acme\\u0000", "аcme", "acme--x;"})
    void refusesTenantNamesBreakingTheRulesAndCreatesNothing(String name) throws Exception {
        long before = jdbc.sql("SELECT count(*) FROM tenants").query(Long.class).single();
        HttpResponse<String> refused = sendWith(ADMIN_KEY, "POST", "/v1/admin/tenants",
                "{\"name\":\"" + name.replace("\"", "\\\"") + "\"}");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("\"code\":\"VALIDATION_FAILED\"", "\"field\":\"name\"");
        assertThat(jdbc.sql("SELECT count(*) FROM tenants").query(Long.class).single()).isEqualTo(before);
    }

    @Test
    void eachKindOfKeyReachesOnlyItsOwnEndpoints() throws Exception {
        assertThat(sendWith(KEY, "POST", "/v1/admin/tenants", "{\"name\":\"" + uniqueTenant() + "\"}").statusCode())
                .as("a tenant key on an admin endpoint").isEqualTo(403);
        assertThat(sendWith(KEY, "GET", "/v1/admin/tenants", null).body()).contains("\"code\":\"FORBIDDEN\"");
        assertThat(sendWith(ADMIN_KEY, "GET", "/v1/keys", null).statusCode()).as("the admin key on a tenant endpoint")
                .isEqualTo(403);
        assertThat(sendWith(ADMIN_KEY, "DELETE", "/v1/instances/anything", null).statusCode()).isEqualTo(403);
        assertThat(sendWith(null, "GET", "/v1/admin/tenants", null).statusCode()).isEqualTo(401);
        HttpResponse<String> unknown = sendWith("dbc_" + "x".repeat(43), "GET", "/v1/keys", null);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(unknown.body()).contains("\"code\":\"UNAUTHENTICATED\"");
    }

    @Test
    void aTenantCreatesListsAndRevokesItsOwnKeys() throws Exception {
        String tenant = uniqueTenant();
        String first = createTenant(tenant);

        HttpResponse<String> created = sendWith(first, "POST", "/v1/keys", "{\"name\":\"ci\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode second = JSON.readTree(created.body());
        String secondKey = second.path("key").asString();
        assertThat(sendWith(secondKey, "GET", "/v1/keys", null).statusCode()).isEqualTo(200);

        String listed = sendWith(first, "GET", "/v1/keys", null).body();
        assertThat(listed).contains("\"name\":\"ci\"", "\"prefix\":\"" + secondKey.substring(0, 12) + "\"")
                .doesNotContain(secondKey).doesNotContain(first).doesNotContain("\"key\"");

        HttpResponse<String> revoked = sendWith(first, "DELETE", "/v1/keys/" + second.path("id").asString(), null);
        assertThat(revoked.statusCode()).isEqualTo(204);
        HttpResponse<String> refused = sendWith(secondKey, "GET", "/v1/keys", null);
        assertThat(refused.statusCode()).as("a revoked key").isEqualTo(401);
        assertThat(sendWith(first, "DELETE", "/v1/keys/" + second.path("id").asString(), null).statusCode())
                .as("revoking twice").isEqualTo(204);
        assertThat(sendWith(first, "GET", "/v1/keys", null).body()).contains("\"revokedAt\":\"");
    }

    @Test
    void aTenantCannotRevokeOrSeeAnotherTenantsKeys() throws Exception {
        String mine = createTenant(uniqueTenant());
        String theirs = createTenant(uniqueTenant());
        String theirId = JSON.readTree(sendWith(theirs, "GET", "/v1/keys", null).body()).path("items").get(0).path("id").asString();

        assertThat(sendWith(mine, "GET", "/v1/keys", null).body()).doesNotContain(theirId);
        assertThat(sendWith(mine, "DELETE", "/v1/keys/" + theirId, null).statusCode()).isEqualTo(404);
        assertThat(sendWith(theirs, "GET", "/v1/keys", null).statusCode()).as("their key still works").isEqualTo(200);
        assertThat(sendWith(mine, "DELETE", "/v1/keys/not-a-uuid", null).statusCode()).isEqualTo(400);
    }

    @Test
    void theAdminIssuesANewKeyForATenantThatLostItsKeys() throws Exception {
        String tenant = uniqueTenant();
        String first = createTenant(tenant);
        String id = JSON.readTree(sendWith(first, "GET", "/v1/keys", null).body()).path("items").get(0).path("id").asString();
        sendWith(first, "DELETE", "/v1/keys/" + id, null);

        HttpResponse<String> issued = sendWith(ADMIN_KEY, "POST", "/v1/admin/tenants/" + tenant + "/keys",
                "{\"name\":\"recovery\"}");
        assertThat(issued.statusCode()).isEqualTo(201);
        assertThat(sendWith(JSON.readTree(issued.body()).path("key").asString(), "GET", "/v1/keys", null).statusCode())
                .isEqualTo(200);
        assertThat(sendWith(ADMIN_KEY, "POST", "/v1/admin/tenants/" + uniqueTenant() + "/keys", null).statusCode())
                .isEqualTo(404);
    }

    private String createTenant(String tenant) throws Exception {
        HttpResponse<String> created = sendWith(ADMIN_KEY, "POST", "/v1/admin/tenants", "{\"name\":\"" + tenant + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).path("apiKey").path("key").asString();
    }

    private static String uniqueTenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
