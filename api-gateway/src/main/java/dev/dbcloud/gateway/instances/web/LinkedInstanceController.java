package dev.dbcloud.gateway.instances.web;

import dev.dbcloud.gateway.access.Caller;
import dev.dbcloud.gateway.idempotency.IdempotentRequests;
import dev.dbcloud.gateway.instances.InstanceCommands;
import dev.dbcloud.gateway.instances.LinkInstanceRequest;
import dev.dbcloud.gateway.status.OperationView;
import dev.dbcloud.gateway.web.Refusal;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** Servers the user runs and lends to dbcloud; they are read like any instance under {@code /v1/instances}. */
@RestController
@Tag(name = "linked instances", description = "Servers you run and lend to dbcloud.")
class LinkedInstanceController {

    private final InstanceCommands commands;

    LinkedInstanceController(InstanceCommands commands) {
        this.commands = commands;
    }

    @PostMapping("/v1/linked-instances")
    @Refusal(status = 409, codes = "INSTANCE_NAME_TAKEN")
    ResponseEntity<OperationView> link(Caller caller,
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String idempotencyKey,
            @RequestBody LinkInstanceRequest request) {
        return Accepted.of(commands.link(caller.tenant(), idempotencyKey, request));
    }

    @DeleteMapping("/v1/linked-instances/{name}")
    @Refusal(status = 409, codes = "INSTANCE_NOT_LINKED")
    ResponseEntity<OperationView> unlink(Caller caller, @PathVariable String name,
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String idempotencyKey) {
        return Accepted.of(commands.unlink(caller.instance(name), idempotencyKey));
    }
}
