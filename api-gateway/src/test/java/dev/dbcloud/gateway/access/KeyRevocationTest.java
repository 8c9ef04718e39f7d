package dev.dbcloud.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.gateway.GatewayIntegrationTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway remembers whom a key belongs to for {@code dbcloud.gateway.api-keys.cache-for} (5 s here, the
 * default): a key revoked through it is refused at once, one revoked elsewhere within that bound.
 */
class KeyRevocationTest extends GatewayIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired JdbcClient jdbc;
    @Autowired ApiKeyProperties properties;

    @Test
    void aKeyRevokedThroughThisGatewayIsRefusedFromTheNextRequestOn() throws Exception {
        String first = createTenant();
        JsonNode second = JSON.readTree(sendWith(first, "POST", "/v1/keys", "{\"name\":\"ci\"}").body());
        String secondKey = second.path("key").asString();
        for (int i = 0; i < 3; i++) {
            assertThat(sendWith(secondKey, "GET", "/v1/keys", null).statusCode()).as("known, and so remembered")
                    .isEqualTo(200);
        }

        assertThat(sendWith(first, "DELETE", "/v1/keys/" + second.path("id").asString(), null).statusCode())
                .isEqualTo(204);

        assertThat(sendWith(secondKey, "GET", "/v1/keys", null).statusCode()).isEqualTo(401);
        assertThat(sendWith(first, "GET", "/v1/keys", null).statusCode()).as("the other key").isEqualTo(200);
    }

    @Test
    void aKeyRevokedElsewhereIsRefusedWithinTheCacheTime() throws Exception {
        assertThat(properties.cacheFor()).isEqualTo(Duration.ofSeconds(5));
        String key = createTenant();
        assertThat(sendWith(key, "GET", "/v1/keys", null).statusCode()).isEqualTo(200);

        // As another gateway would revoke it: in the shared database, unseen by this one.
        int revoked = jdbc.sql("UPDATE api_keys SET revoked_at = now() WHERE key_hash = ?")
                .param(ApiKeys.hash(key))
                .update();
        assertThat(revoked).isEqualTo(1);

        await().atMost(properties.cacheFor().plusSeconds(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> sendWith(key, "GET", "/v1/keys", null).statusCode() == 401);
    }

    @Test
    void anUnknownKeyIsNeverRemembered() throws Exception {
        String key = ApiKeys.newKey();
        assertThat(sendWith(key, "GET", "/v1/keys", null).statusCode()).isEqualTo(401);
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.sql("INSERT INTO tenants (name, created_at) VALUES (?, now())").param(tenant).update();
        jdbc.sql("INSERT INTO api_keys (key_hash, prefix, tenant, admin, created_at) VALUES (?, ?, ?, false, now())")
                .params(ApiKeys.hash(key), key.substring(0, 12), tenant)
                .update();

        assertThat(sendWith(key, "GET", "/v1/keys", null).statusCode()).as("a refusal is not remembered")
                .isEqualTo(200);
    }

    private String createTenant() throws Exception {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = sendWith(ADMIN_KEY, "POST", "/v1/admin/tenants", "{\"name\":\"" + tenant + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).path("apiKey").path("key").asString();
    }
}
