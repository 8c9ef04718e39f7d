package dev.dbcloud.gateway.instances.web;

import dev.dbcloud.gateway.status.OperationView;
import java.net.URI;
import org.springframework.http.ResponseEntity;

/** The answer to every accepted command: 202, the operation, and where to poll it. */
final class Accepted {

    static ResponseEntity<OperationView> of(OperationView operation) {
        return ResponseEntity.accepted().location(URI.create("/v1/operations/" + operation.id())).body(operation);
    }

    private Accepted() {
    }
}
