package dev.dbcloud.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.status.StatusApi.InstanceView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * The query API trusts the tenant in its paths, so it answers the gateway's service token and nobody else: not an
 * anonymous caller, not a wrong or empty token, not another scheme.
 */
class QueryApiAccessTest extends ReadModelIntegrationTest {

    @Test
    void theServiceTokenReadsATenantsInstances() {
        InstanceStory story = InstanceStory.of("orders");
        command(story.provisionRequested(UUID.randomUUID(), 1));

        await().atMost(BOUND).untilAsserted(() ->
                assertThat(api.instances(story.tenant())).extracting(InstanceView::name).containsExactly("orders"));
    }

    @Test
    void everyQueryWithoutTheServiceTokenAnswers401AndNothingElse() {
        InstanceStory story = InstanceStory.of("orders");
        command(story.provisionRequested(UUID.randomUUID(), 1));
        await().atMost(BOUND).until(() -> api.instance(story.tenant(), "orders").isPresent());

        String[] paths = {"/internal/tenants/" + story.tenant() + "/instances",
                "/internal/tenants/" + story.tenant() + "/instances/orders",
                "/internal/tenants/" + story.tenant() + "/instances/orders/operations",
                "/internal/tenants/" + story.tenant() + "/instances/orders/databases",
                "/internal/tenants/" + story.tenant() + "/instances/orders/databases/shop/migrations",
                "/internal/tenants/" + story.tenant() + "/operations/" + UUID.randomUUID()};
        String[] authorizations = {null, "Bearer ", "Bearer wrong", "Bearer " + SERVICE_TOKEN + "x",
                "Basic " + SERVICE_TOKEN, SERVICE_TOKEN};
        for (String authorization : authorizations) {
            RestClient.Builder builder = RestClient.builder();
            if (authorization != null) {
                builder.defaultHeader("Authorization", authorization);
            }
            StatusApi caller = new StatusApi(builder, port);
            for (String path : paths) {
                ResponseEntity<String> refused = caller.raw(path);
                assertThat(refused.getStatusCode()).as("%s with %s", path, authorization)
                        .isEqualTo(HttpStatus.UNAUTHORIZED);
                assertThat(refused.getHeaders().getFirst("Content-Type")).isEqualTo("application/problem+json");
                assertThat(refused.getBody()).contains("\"code\":\"UNAUTHENTICATED\"").doesNotContain("orders");
            }
        }
    }

    @Test
    void ambiguousPathsAreRefusedBeforeTheTokenIsEvenChecked() throws Exception {
        InstanceStory story = InstanceStory.of("orders");
        for (String path : new String[] {"/internal/tenants/" + story.tenant() + "/%69nstances",
                "/internal/tenants/" + story.tenant() + "/instances/./orders",
                "/internal/tenants/" + story.tenant() + ";x=1/instances",
                "/internal//tenants/" + story.tenant() + "/instances"}) {
            // The JDK's client sends the path as written; RestClient would collapse the '//'.
            HttpResponse<String> refused = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                            .header("Authorization", "Bearer " + SERVICE_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(path).isEqualTo(400);
            assertThat(refused.body()).as(path).contains("\"code\":\"REQUEST_REJECTED\"");
        }
    }

    @Test
    void pathsOutsideTheQueryApiAreNotServed() {
        for (String path : new String[] {"/", "/internal", "/error", "/INTERNAL/tenants/x/instances"}) {
            assertThat(api.raw(path).getStatusCode()).as(path).isEqualTo(HttpStatus.NOT_FOUND);
        }
    }
}
