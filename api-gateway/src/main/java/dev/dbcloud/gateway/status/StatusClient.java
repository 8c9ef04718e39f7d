package dev.dbcloud.gateway.status;

import dev.dbcloud.gateway.GatewayProperties;
import dev.dbcloud.security.InternalAccessProperties;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

/**
 * Asks status-service's internal query API, always within the caller's tenant, with the service token
 * ({@code dbcloud.internal.token}) that the API requires.
 */
@Component
public class StatusClient {

    private static final Logger log = LoggerFactory.getLogger(StatusClient.class);

    private final RestClient http;

    StatusClient(RestClient.Builder builder, GatewayProperties properties, InternalAccessProperties internal) {
        if (internal.hasToken()) {
            builder = builder.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + internal.token().strip());
        } else {
            log.warn("No service token (dbcloud.internal.token) is set: status-service will refuse every query");
        }
        this.http = builder.baseUrl(properties.statusUrl().toString()).build();
    }

    public List<InstanceView> instances(String tenant) {
        return call(() -> http.get().uri("/internal/tenants/{tenant}/instances", tenant)
                .retrieve().body(new ParameterizedTypeReference<List<InstanceView>>() { }));
    }

    public Optional<InstanceView> instance(String tenant, String name) {
        return optional(() -> http.get().uri("/internal/tenants/{tenant}/instances/{name}", tenant, name)
                .retrieve().body(InstanceView.class));
    }

    /** The instance's application databases; empty when the tenant has no such instance. */
    public Optional<List<DatabaseView>> databases(String tenant, String name) {
        return optional(() -> http.get().uri("/internal/tenants/{tenant}/instances/{name}/databases", tenant, name)
                .retrieve().body(new ParameterizedTypeReference<List<DatabaseView>>() { }));
    }

    /** The operations on the tenant's current instance of that name, newest first; empty when there is none. */
    public Optional<List<OperationView>> operations(String tenant, String name) {
        return optional(() -> http.get().uri("/internal/tenants/{tenant}/instances/{name}/operations", tenant, name)
                .retrieve().body(new ParameterizedTypeReference<List<OperationView>>() { }));
    }

    /**
     * A database's migration history as status-service serves it, passed through unchanged: status-service owns
     * its shape. Empty when the tenant has no such instance or nothing is known of the database.
     */
    public Optional<JsonNode> migrations(String tenant, String name, String database) {
        return optional(() -> http.get()
                .uri("/internal/tenants/{tenant}/instances/{name}/databases/{database}/migrations", tenant, name, database)
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

    public Optional<OperationView> operation(String tenant, UUID id) {
        return optional(() -> http.get().uri("/internal/tenants/{tenant}/operations/{id}", tenant, id)
                .retrieve().body(OperationView.class));
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
        } catch (ResourceAccessException e) {
            throw new StatusUnavailableException(e);
        }
    }
}
