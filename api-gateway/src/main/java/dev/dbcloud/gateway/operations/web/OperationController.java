package dev.dbcloud.gateway.operations.web;

import dev.dbcloud.gateway.GatewayProperties;
import dev.dbcloud.gateway.access.Caller;
import dev.dbcloud.gateway.operations.OperationWaits;
import dev.dbcloud.gateway.operations.Operations;
import dev.dbcloud.gateway.refusals.NotFoundException;
import dev.dbcloud.gateway.status.OperationView;
import dev.dbcloud.gateway.web.Refusal;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * An operation, now or long-polled: with {@code waitSeconds}, the answer comes when the operation is final or that
 * time (at most {@code dbcloud.gateway.max-wait}) has passed, and no request thread is held meanwhile. It may come
 * sooner, still pending, when the tenant's share of long-polls is full and newer ones need the room.
 */
@RestController
@Tag(name = "operations", description = "What became of a command: poll or long-poll it.")
class OperationController {

    private final Operations operations;
    private final OperationWaits waits;
    private final GatewayProperties properties;

    OperationController(Operations operations, OperationWaits waits, GatewayProperties properties) {
        this.operations = operations;
        this.waits = waits;
        this.properties = properties;
    }

    @GetMapping("/v1/operations/{id}")
    @Refusal(status = 429, codes = "TOO_MANY_WAITS")
    @Refusal(status = 503, codes = "STATUS_UNAVAILABLE")
    DeferredResult<OperationView> operation(Caller caller, @PathVariable UUID id,
            @RequestParam(defaultValue = "0") int waitSeconds) {
        OperationView operation = operations.current(caller.tenant(), id)
                .orElseThrow(() -> new NotFoundException("No operation " + id + "."));
        Duration wait = Duration.ofSeconds(Math.max(0, waitSeconds));
        if (wait.compareTo(properties.maxWait()) > 0) {
            wait = properties.maxWait();
        }
        if (operation.ended() || wait.isZero()) {
            DeferredResult<OperationView> now = new DeferredResult<>();
            now.setResult(operation);
            return now;
        }
        return waits.await(caller.tenant(), operation, wait);
    }
}
