package dev.dbcloud.gateway.operations.web;

import dev.dbcloud.gateway.GatewayProperties;
import dev.dbcloud.gateway.access.Caller;
import dev.dbcloud.gateway.operations.Operations;
import dev.dbcloud.gateway.status.OperationView;
import dev.dbcloud.gateway.web.NotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class OperationController {

    private static final Duration POLL = Duration.ofMillis(200);

    private final Operations operations;
    private final GatewayProperties properties;

    OperationController(Operations operations, GatewayProperties properties) {
        this.operations = operations;
        this.properties = properties;
    }

    /** An operation; with {@code waitSeconds}, held until it is final or that time has passed. */
    @GetMapping("/v1/operations/{id}")
    OperationView operation(Caller caller, @PathVariable UUID id, @RequestParam(defaultValue = "0") int waitSeconds)
            throws InterruptedException {
        Duration wait = Duration.ofSeconds(Math.max(0, waitSeconds));
        Instant deadline = Instant.now().plus(wait.compareTo(properties.maxWait()) > 0 ? properties.maxWait() : wait);
        OperationView operation = operations.current(caller.tenant(), id)
                .orElseThrow(() -> new NotFoundException("No operation " + id + "."));
        while (!operation.ended() && Instant.now().isBefore(deadline)) {
            Thread.sleep(POLL.toMillis());
            operation = operations.current(caller.tenant(), id).orElse(operation);
        }
        return operation;
    }
}
