package dev.dbcloud.gateway.web;

import dev.dbcloud.gateway.access.Caller;
import dev.dbcloud.gateway.idempotency.IdempotentRequests;
import dev.dbcloud.gateway.paging.PageRequest;
import dev.dbcloud.gateway.status.OperationView;
import dev.dbcloud.security.BearerKeys;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;

/**
 * The API's OpenAPI document ({@code /v3/api-docs}, shown by Swagger UI at {@code /swagger-ui.html}), read by
 * springdoc from the controllers; this adds what the code says elsewhere: the API key (bearer) every {@code /v1}
 * endpoint takes, the problems each endpoint can answer (problem+json, with their stable {@code code}s: those every
 * endpoint of its shape answers, and those its {@link Refusal}s name), the {@code 202} of every command with its
 * {@code Location} and {@code Retry-After}, paging parameters, and an example of every request body.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

    static final String API_KEY = "apiKey";
    static final String PROBLEM = "Problem";
    private static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;

    static {
        // Resolved from the API key (CallerArgumentResolver), never sent as a parameter.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    /** A request body of each type, as a client would send it; the passwords are examples, not defaults. */
    private static final Map<String, Object> BODY_EXAMPLES = Map.of(
            "ProvisionInstanceRequest", body("name", "orders", "username", "alice", "password", "correct-horse-42"),
            "LinkInstanceRequest", body("name", "legacy", "hostName", "db.example.com", "port", 5432,
                    "adminRole", "dbcontrol", "password", "correct-horse-42"),
            "ResetPasswordRequest", body("password", "battery-staple-43"),
            "CreateDatabaseRequest", body("name", "shop"),
            "MigrateRequest", body("application", "shop", "appDbName", "shop",
                    "migrations", List.of(body("version", "1", "description", "create orders",
                            "sql", "CREATE TABLE orders (id bigint PRIMARY KEY);")),
                    "allowBreakingChanges", false),
            "RestoreRequest", body("targetName", "orders_copy", "pointInTime", "2026-12-04T09:30:00Z"),
            "CreateKeyRequest", body("name", "ci"),
            "CreateTenantRequest", body("name", "acme"));

    @Bean
    OpenAPI dbcloudOpenApi() {
        return new OpenAPI()
                .info(new Info().title("dbcloud API").version("v1").description("""
                        The control plane's public API. Every /v1 request sends an API key as \
                        'Authorization: Bearer <key>': a tenant's key, or the admin key for /v1/admin. Refusals are \
                        RFC 9457 problem+json with a stable 'code'. Commands answer 202 with the operation, \
                        'Location: /v1/operations/{id}' and 'Retry-After'. Lists answer {"items": [...], "next": \
                        cursor or null}: pass 'next' as 'cursor' for the next page."""))
                .components(new Components()
                        .addSecuritySchemes(API_KEY, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").description("An API key (dbc_...): a tenant's, or the admin key."))
                        .addSchemas(PROBLEM, problemSchema()))
                .addSecurityItem(new SecurityRequirement().addList(API_KEY));
    }

    @Bean
    OperationCustomizer dbcloudResponses() {
        return (operation, handler) -> {
            documentStatuses(operation, handler);
            documentPaging(operation);
            documentBodyExample(operation, handler);
            refusals(handler).forEach((status, codes) ->
                    operation.getResponses().addApiResponse(String.valueOf(status), problem(status, codes)));
            return operation;
        };
    }

    /**
     * The problems a handler can answer: those of every endpoint of its shape, and those of its {@link Refusal}s.
     */
    static Map<Integer, Set<String>> refusals(HandlerMethod handler) {
        Map<Integer, Set<String>> refusals = new TreeMap<>();
        boolean body = parameter(handler, RequestBody.class);
        boolean pathVariables = parameter(handler, PathVariable.class);
        boolean input = body || pathVariables || parameter(handler, RequestParam.class);
        add(refusals, 400, "REQUEST_REJECTED");
        if (input) {
            add(refusals, 400, "VALIDATION_FAILED");
        }
        add(refusals, 401, "UNAUTHENTICATED");
        add(refusals, 403, "FORBIDDEN");
        if (pathVariables) {
            add(refusals, 404, "NOT_FOUND");
        }
        if (body) {
            add(refusals, 400, "MALFORMED_REQUEST");
            add(refusals, 413, "REQUEST_TOO_LARGE");
            add(refusals, 415, "UNSUPPORTED_MEDIA_TYPE");
        }
        if (Arrays.stream(handler.getMethodParameters()).map(p -> p.getParameterAnnotation(RequestHeader.class))
                .anyMatch(header -> header != null && IdempotentRequests.HEADER.equals(header.name()))) {
            add(refusals, 422, "IDEMPOTENCY_KEY_REUSED");
        }
        add(refusals, 503, BearerKeys.UNAVAILABLE);
        for (Refusal refusal : handler.getMethod().getAnnotationsByType(Refusal.class)) {
            add(refusals, refusal.status(), refusal.codes());
        }
        return refusals;
    }

    /** Commands answer 202, all of them through {@code Accepted}: a handler's answer of the operation says one is. */
    private static void documentStatuses(Operation operation, HandlerMethod handler) {
        ApiResponses responses = operation.getResponses();
        ResolvableType returned = ResolvableType.forMethodReturnType(handler.getMethod());
        if (returned.toClass() == ResponseEntity.class && returned.getGeneric(0).toClass() == OperationView.class) {
            ApiResponse ok = responses.remove("200");
            responses.addApiResponse("202", new ApiResponse()
                    .description("Accepted: the operation, to follow at Location (long-poll it with ?waitSeconds=N).")
                    .content(ok == null ? null : ok.getContent())
                    .addHeaderObject(HttpHeaders.LOCATION, header("/v1/operations/{id}: the operation."))
                    .addHeaderObject(HttpHeaders.RETRY_AFTER, header("Seconds to wait before polling the operation.")));
        }
    }

    private static void documentPaging(Operation operation) {
        if (operation.getParameters() == null) {
            return;
        }
        for (Parameter parameter : operation.getParameters()) {
            if ("limit".equals(parameter.getName())) {
                parameter.description("At most this many items (of 'applied', on a migration history).")
                        .schema(new IntegerSchema().minimum(BigDecimal.ONE)
                                .maximum(BigDecimal.valueOf(PageRequest.MAX_LIMIT))
                                ._default(PageRequest.DEFAULT_LIMIT));
            } else if ("cursor".equals(parameter.getName())) {
                parameter.description("The 'next' of the page before, unchanged; none for the first page.");
            }
        }
    }

    private static void documentBodyExample(Operation operation, HandlerMethod handler) {
        if (operation.getRequestBody() == null || operation.getRequestBody().getContent() == null) {
            return;
        }
        Arrays.stream(handler.getMethodParameters())
                .filter(p -> p.hasParameterAnnotation(RequestBody.class))
                .map(p -> BODY_EXAMPLES.get(p.getParameterType().getSimpleName()))
                .filter(example -> example != null)
                .findFirst()
                .ifPresent(example -> operation.getRequestBody().getContent().values()
                        .forEach(media -> media.setExample(example)));
    }

    /** A problem+json response whose {@code code} is one of {@code codes}, with an example of each. */
    private static ApiResponse problem(int status, Set<String> codes) {
        HttpStatus resolved = HttpStatus.valueOf(status);
        Schema<?> schema = new Schema<>().$ref("#/components/schemas/" + PROBLEM);
        MediaType media = new MediaType().schema(schema);
        for (String code : codes) {
            Map<String, Object> example = new LinkedHashMap<>();
            example.put("type", "about:blank");
            example.put("title", resolved.getReasonPhrase());
            example.put("status", status);
            example.put("code", code);
            if (code.equals("VALIDATION_FAILED")) {
                example.put("errors", List.of(body("field", "limit", "rule", "RANGE",
                        "message", "limit must be between 1 and " + PageRequest.MAX_LIMIT)));
            }
            media.addExamples(code, new Example().value(example));
        }
        ApiResponse response = new ApiResponse()
                .description(resolved.getReasonPhrase() + ". code: " + String.join(", ", codes) + ".")
                .content(new Content().addMediaType(PROBLEM_JSON, media));
        if (status == 503 || status == 429) {
            response.addHeaderObject(HttpHeaders.RETRY_AFTER, header("Seconds to wait before asking again."));
        }
        if (status == 401) {
            response.addHeaderObject(HttpHeaders.WWW_AUTHENTICATE, header("Bearer"));
        }
        return response;
    }

    /** RFC 9457 problem details as the gateway answers them: always with a {@code code}. */
    private static Schema<?> problemSchema() {
        Schema<?> error = new ObjectSchema()
                .addProperty("field", new StringSchema().description("The field, e.g. name or migrations[0].sql."))
                .addProperty("rule", new StringSchema().description("The rule broken, e.g. LENGTH, RANGE, FORMAT."))
                .addProperty("message", new StringSchema());
        return new ObjectSchema()
                .description("RFC 9457 problem details with a stable code; errors for VALIDATION_FAILED.")
                .addProperty("type", new StringSchema())
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema())
                .addProperty("code", new StringSchema().description("Stable: clients may switch on it."))
                .addProperty("errors", new ArraySchema().items(error))
                .required(List.of("status", "code"));
    }

    private static boolean parameter(HandlerMethod handler, Class<? extends java.lang.annotation.Annotation> kind) {
        return Arrays.stream(handler.getMethodParameters()).anyMatch((MethodParameter p) -> p.hasParameterAnnotation(kind));
    }

    private static void add(Map<Integer, Set<String>> refusals, int status, String... codes) {
        refusals.computeIfAbsent(status, s -> new TreeSet<>()).addAll(List.of(codes));
    }

    private static Header header(String description) {
        return new Header().description(description).schema(new StringSchema());
    }

    /** A JSON object of alternating names and values, in that order. */
    private static Map<String, Object> body(Object... namesAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            body.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return body;
    }
}
