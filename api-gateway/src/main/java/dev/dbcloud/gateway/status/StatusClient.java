package dev.dbcloud.gateway.status;

import dev.dbcloud.common.rules.Rule;
import dev.dbcloud.common.rules.Violation;
import dev.dbcloud.gateway.GatewayProperties;
import dev.dbcloud.gateway.paging.Page;
import dev.dbcloud.gateway.paging.PageRequest;
import dev.dbcloud.gateway.refusals.ValidationFailedException;
import dev.dbcloud.security.InternalAccessProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ETag;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

/**
 * Asks status-service's internal query API, always within the caller's tenant, with the service token
 * ({@code dbcloud.internal.token}) that the API requires. Over a pool of kept-alive connections (Apache HttpClient),
 * as many as the gateway's request threads may use at once: a read neither waits for a connection nor opens one.
 * A status-service that does not answer costs a request {@link #READ_TIMEOUT} at most (then 503), never a hang.
 */
@Component
public class StatusClient {

    private static final Logger log = LoggerFactory.getLogger(StatusClient.class);
    /** Tomcat's default request threads (200), and the long-polls' checks. */
    static final int CONNECTIONS = 210;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final RestClient http;

    StatusClient(RestClient.Builder builder, GatewayProperties properties, InternalAccessProperties internal) {
        if (internal.hasToken()) {
            builder = builder.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + internal.token().strip());
        } else {
            log.warn("No service token (dbcloud.internal.token) is set: status-service will refuse every query");
        }
        this.http = builder.baseUrl(properties.statusUrl().toString()).requestFactory(pooled()).build();
    }

    private static ClientHttpRequestFactory pooled() {
        return ClientHttpRequestFactoryBuilder.httpComponents()
                .withConnectionManagerCustomizer(pool -> pool.setMaxConnTotal(CONNECTIONS).setMaxConnPerRoute(CONNECTIONS))
                .build(HttpClientSettings.defaults().withTimeouts(CONNECT_TIMEOUT, READ_TIMEOUT));
    }

    /** A page of the tenant's instances, by name. */
    public Page<InstanceView> instances(String tenant, PageRequest page) {
        return call(() -> http.get().uri(paged("/internal/tenants/{tenant}/instances", page), tenant)
                .retrieve().body(new ParameterizedTypeReference<Page<InstanceView>>() { }));
    }

    /** The tenant's instance of that name, with the version status-service answered it at (its ETag). */
    public Optional<VersionedInstance> instance(String tenant, String name) {
        return optional(() -> {
            ResponseEntity<InstanceView> answer = http.get()
                    .uri("/internal/tenants/{tenant}/instances/{name}", tenant, name)
                    .retrieve().toEntity(InstanceView.class);
            String etag = answer.getHeaders().getETag();
            return answer.getBody() == null ? null
                    : new VersionedInstance(answer.getBody(), etag == null ? null : ETag.create(etag).tag());
        });
    }

    /** A page of the instance's application databases, by name; empty when the tenant has no such instance. */
    public Optional<Page<DatabaseView>> databases(String tenant, String name, PageRequest page) {
        return optional(() -> http.get()
                .uri(paged("/internal/tenants/{tenant}/instances/{name}/databases", page), tenant, name)
                .retrieve().body(new ParameterizedTypeReference<Page<DatabaseView>>() { }));
    }

    /**
     * A page of the operations on the tenant's current instance of that name, newest first; empty when there is
     * none.
     */
    public Optional<Page<OperationView>> operations(String tenant, String name, PageRequest page) {
        return optional(() -> http.get()
                .uri(paged("/internal/tenants/{tenant}/instances/{name}/operations", page), tenant, name)
                .retrieve().body(new ParameterizedTypeReference<Page<OperationView>>() { }));
    }

    /**
     * A database's migration history as status-service serves it, with one page of its {@code applied} migrations
     * and their {@code next}, passed through unchanged: status-service owns its shape. Empty when the tenant has no
     * such instance or nothing is known of the database.
     */
    public Optional<JsonNode> migrations(String tenant, String name, String database, PageRequest page) {
        return optional(() -> http.get()
                .uri(paged("/internal/tenants/{tenant}/instances/{name}/databases/{database}/migrations", page),
                        tenant, name, database)
                .retrieve().body(JsonNode.class));
    }

    /**
     * The instance's base backups and the window a restore of it can reach, as status-service serves them, passed
     * through unchanged: status-service owns their shape. Empty when the tenant has no such instance.
     */
    public Optional<JsonNode> backups(String tenant, String name) {
        return optional(() -> http.get().uri("/internal/tenants/{tenant}/instances/{name}/backups", tenant, name)
                .retrieve().body(JsonNode.class));
    }

    /**
     * The earliest moment a restore of the instance can reach: the end of its oldest base backup kept. Empty when it
     * has none yet, or status-service has not seen the instance (yet).
     */
    public Optional<Instant> earliestRestorableTime(String tenant, String name) {
        return backups(tenant, name)
                .map(backups -> backups.path("earliestRestorableTime"))
                .filter(JsonNode::isString)
                .map(time -> Instant.parse(time.asString()));
    }

    /** How many operations one {@link #operations(String, Collection)} may name (status-service's bound). */
    public static final int MAX_LOOKUP = 100;

    /** The tenant's operations among {@code ids} (1 to {@link #MAX_LOOKUP}) that status-service knows, in no order. */
    public List<OperationView> operations(String tenant, Collection<UUID> ids) {
        return call(() -> http.get()
                .uri(uri -> uri.path("/internal/tenants/{tenant}/operations").queryParam("id", ids.toArray())
                        .build(tenant))
                .retrieve().body(new ParameterizedTypeReference<Page<OperationView>>() { })).items();
    }

    public Optional<OperationView> operation(String tenant, UUID id) {
        return optional(() -> http.get().uri("/internal/tenants/{tenant}/operations/{id}", tenant, id)
                .retrieve().body(OperationView.class));
    }

    /**
     * The URI template with the page's {@code limit} and {@code cursor}. The cursor is passed on as the client gave
     * it (status-service made it and reads it); {@link PageRequest} let through base64url characters only, none of
     * which a URI template or query string reads as anything but itself.
     */
    private static String paged(String path, PageRequest page) {
        return path + "?limit=" + page.limit() + (page.isFirst() ? "" : "&cursor=" + page.cursor());
    }

    private static <T> Optional<T> optional(java.util.function.Supplier<T> request) {
        try {
            return Optional.ofNullable(call(request));
        } catch (HttpClientErrorException e) {
            if (e.getStatusCode() == HttpStatus.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static <T> T call(java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (ResourceAccessException | HttpServerErrorException e) {
            // Not reached, or a fault of its own (its database does not answer, say): the caller may ask again.
            throw new StatusUnavailableException(e);
        } catch (HttpClientErrorException.BadRequest e) {
            throw refusal(e);
        }
    }

    /**
     * status-service refuses a page it cannot read (a cursor that is not one of its own) with the rules broken, as
     * the gateway words them; they become the gateway's own 400.
     */
    private static ValidationFailedException refusal(HttpClientErrorException.BadRequest e) {
        JsonNode body = e.getResponseBodyAs(JsonNode.class);
        List<Violation> violations = new ArrayList<>();
        if (body != null) {
            for (JsonNode error : body.path("errors")) {
                Rule rule = Arrays.stream(Rule.values()).filter(r -> r.name().equals(error.path("rule").asString()))
                        .findFirst().orElse(Rule.FORMAT);
                String field = error.path("field").asString();
                String message = error.path("message").asString();
                // Worded "<field> <rule>", as the gateway words them too (ProblemResponses adds the field again).
                violations.add(new Violation(field, rule,
                        message.startsWith(field + " ") ? message.substring(field.length() + 1) : message));
            }
        }
        if (violations.isEmpty()) {
            throw new IllegalStateException("status-service refused a query without saying why", e);
        }
        return new ValidationFailedException(violations);
    }
}
