package dev.dbcloud.gateway.instances.web;

import dev.dbcloud.gateway.status.OperationView;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/**
 * The answer to every accepted command: 202, the operation, where to poll it ({@code Location}), and how many seconds
 * to wait before the first poll ({@code Retry-After}; {@code GET /v1/operations/{id}?waitSeconds=N} long-polls
 * instead).
 */
final class Accepted {

    /** No command's outcome comes sooner than this, as a rule: a provisioning takes seconds, a stop about one. */
    static final String RETRY_AFTER_SECONDS = "1";

    static ResponseEntity<OperationView> of(OperationView operation) {
        return ResponseEntity.accepted().location(URI.create("/v1/operations/" + operation.id()))
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .body(operation);
    }

    private Accepted() {
    }
}
