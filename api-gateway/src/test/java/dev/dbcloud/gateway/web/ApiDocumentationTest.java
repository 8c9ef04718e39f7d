package dev.dbcloud.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.gateway.GatewayIntegrationTest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document describes every endpoint the gateway's controllers map, read from Spring MVC's own handler
 * mappings (a new endpoint is covered without anyone listing it), with the problems each can answer; it and
 * Swagger UI are open to anybody, and nothing else is.
 */
class ApiDocumentationTest extends GatewayIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings;

    @Test
    void everyHandlerOfTheGatewayIsInTheDocumentWithItsMethodAndProblems() throws Exception {
        JsonNode paths = documentation().path("paths");
        List<String> missing = new ArrayList<>();
        int handlers = 0;
        for (Map.Entry<RequestMappingInfo, HandlerMethod> mapping : mappings.getHandlerMethods().entrySet()) {
            HandlerMethod handler = mapping.getValue();
            if (!handler.getBeanType().getPackageName().startsWith("dev.dbcloud.gateway")) {
                continue;
            }
            Set<RequestMethod> methods = mapping.getKey().getMethodsCondition().getMethods();
            for (PathPattern pattern : mapping.getKey().getPathPatternsCondition().getPatterns()) {
                for (RequestMethod method : methods) {
                    handlers++;
                    JsonNode operation = paths.path(pattern.getPatternString()).path(method.name().toLowerCase(Locale.ROOT));
                    if (operation.isMissingNode()) {
                        missing.add(method + " " + pattern.getPatternString());
                        continue;
                    }
                    JsonNode responses = operation.path("responses");
                    for (Map.Entry<Integer, Set<String>> refusal : ApiDocumentation.refusals(handler).entrySet()) {
                        JsonNode problem = responses.path(String.valueOf(refusal.getKey()));
                        JsonNode examples = problem.path("content").path("application/problem+json").path("examples");
                        for (String code : refusal.getValue()) {
                            if (!examples.path(code).path("value").path("code").asString("").equals(code)) {
                                missing.add(method + " " + pattern.getPatternString() + " " + refusal.getKey() + " " + code);
                            }
                        }
                    }
                    if (operation.has("requestBody")) {
                        JsonNode body = operation.path("requestBody").path("content").path("application/json");
                        if (!body.path("example").isObject()) {
                            missing.add(method + " " + pattern.getPatternString() + " request body example");
                        }
                    }
                }
            }
        }

        assertThat(handlers).as("the gateway's handlers").isGreaterThanOrEqualTo(25);
        assertThat(missing).as("handlers, problems and examples the document lacks").isEmpty();
    }

    @Test
    void theDocumentSaysWhatTheGatewayAnswersBeyondThe200s() throws Exception {
        JsonNode document = documentation();
        JsonNode paths = document.path("paths");

        assertThat(document.path("components").path("securitySchemes").path(ApiDocumentation.API_KEY)
                .path("scheme").asString()).isEqualTo("bearer");
        assertThat(document.path("security").get(0).has(ApiDocumentation.API_KEY)).isTrue();
        JsonNode provision = paths.path("/v1/instances").path("post").path("responses");
        assertThat(provision.has("202")).isTrue();
        assertThat(provision.path("202").path("headers").has("Location")).isTrue();
        assertThat(provision.path("202").path("headers").has("Retry-After")).isTrue();
        assertThat(provision.path("409").path("content").path("application/problem+json").path("examples")
                .has("INSTANCE_NAME_TAKEN")).isTrue();
        assertThat(provision.path("503").path("headers").has("Retry-After")).isTrue();
        assertThat(paths.path("/v1/operations/{id}").path("get").path("responses").has("429")).isTrue();
        assertThat(paths.path("/v1/keys").path("post").path("responses").path("201").path("headers").has("Location"))
                .isTrue();
        JsonNode limit = parameter(paths.path("/v1/instances").path("get"), "limit");
        assertThat(limit.path("schema").path("maximum").asInt()).isEqualTo(500);
        assertThat(parameter(paths.path("/v1/instances").path("get"), "cursor").isMissingNode()).isFalse();
        assertThat(paths.properties()).as("only the public API")
                .allSatisfy(path -> assertThat(path.getKey()).startsWith("/v1/"));
    }

    @Test
    void theDocumentAndSwaggerUiNeedNoKeyWhileTheApiStillDoes() throws Exception {
        assertThat(sendWith(null, "GET", "/v3/api-docs", null).statusCode()).isEqualTo(200);
        assertThat(sendWith(null, "GET", "/v3/api-docs/swagger-config", null).statusCode()).isEqualTo(200);
        HttpResponse<String> ui = sendWith(null, "GET", "/swagger-ui.html", null);
        assertThat(ui.statusCode()).as("the UI's page sends the browser on").isEqualTo(302);
        String page = ui.headers().firstValue("Location").orElseThrow();
        assertThat(sendWith(null, "GET", page.replaceFirst("^https?://[^/]+", ""), null).body()).contains("swagger-ui");

        assertThat(sendWith(null, "POST", "/v3/api-docs", "{}").statusCode()).as("GET only").isEqualTo(404);
        assertThat(sendWith(null, "DELETE", "/swagger-ui/index.html", null).statusCode()).isEqualTo(404);
        assertThat(sendWith(null, "GET", "/v3/api-docs.yaml", null).statusCode()).as("nor any other path").isEqualTo(404);
        assertThat(sendWith(null, "GET", "/v1/instances", null).statusCode()).isEqualTo(401);
        assertThat(sendWith(null, "GET", "/v1/admin/tenants", null).statusCode()).isEqualTo(401);
    }

    private JsonNode documentation() throws Exception {
        HttpResponse<String> answer = sendWith(null, "GET", "/v3/api-docs", null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private static JsonNode parameter(JsonNode operation, String name) {
        return operation.path("parameters").valueStream().filter(p -> p.path("name").asString().equals(name))
                .findFirst().orElse(JSON.missingNode());
    }
}
