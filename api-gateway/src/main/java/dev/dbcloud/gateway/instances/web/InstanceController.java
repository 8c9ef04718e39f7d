package dev.dbcloud.gateway.instances.web;

import dev.dbcloud.common.rules.InstanceRules;
import dev.dbcloud.gateway.access.Caller;
import dev.dbcloud.gateway.idempotency.IdempotentRequests;
import dev.dbcloud.gateway.instances.CreateDatabaseRequest;
import dev.dbcloud.gateway.instances.InstanceCommands;
import dev.dbcloud.gateway.instances.MigrateRequest;
import dev.dbcloud.gateway.instances.ProvisionInstanceRequest;
import dev.dbcloud.gateway.instances.ResetPasswordRequest;
import dev.dbcloud.gateway.instances.RestoreRequest;
import dev.dbcloud.gateway.paging.Page;
import dev.dbcloud.gateway.paging.PageRequest;
import dev.dbcloud.gateway.refusals.ConflictException;
import dev.dbcloud.gateway.refusals.NotFoundException;
import dev.dbcloud.gateway.refusals.ValidationFailedException;
import dev.dbcloud.gateway.status.DatabaseView;
import dev.dbcloud.gateway.status.InstanceReads;
import dev.dbcloud.gateway.status.InstanceView;
import dev.dbcloud.gateway.status.OperationView;
import dev.dbcloud.gateway.status.StatusClient;
import dev.dbcloud.gateway.web.Refusal;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@Tag(name = "instances", description = "Your instances: provision, read, change, restore and destroy them.")
class InstanceController {

    private final InstanceCommands commands;
    private final StatusClient status;
    private final InstanceReads reads;

    InstanceController(InstanceCommands commands, StatusClient status, InstanceReads reads) {
        this.commands = commands;
        this.status = status;
        this.reads = reads;
    }

    @PostMapping("/v1/instances")
    @Refusal(status = 409, codes = "INSTANCE_NAME_TAKEN")
    ResponseEntity<OperationView> provision(Caller caller,
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String idempotencyKey,
            @RequestBody ProvisionInstanceRequest request) {
        return Accepted.of(commands.provision(caller.tenant(), idempotencyKey, request));
    }

    @GetMapping("/v1/instances")
    @Refusal(status = 503, codes = "STATUS_UNAVAILABLE")
    Page<InstanceView> instances(Caller caller, @RequestParam(defaultValue = PageRequest.DEFAULT_LIMIT_PARAMETER) int limit,
            @RequestParam(required = false) String cursor) {
        return status.instances(caller.tenant(), new PageRequest(limit, cursor));
    }

    @GetMapping("/v1/instances/{name}")
    @Refusal(status = 503, codes = "STATUS_UNAVAILABLE")
    InstanceView instance(Caller caller, @PathVariable String name) {
        return reads.instance(caller.tenant(), name).orElseThrow(() -> noInstance(name));
    }

    /** Where to connect, as the instance's admin user; the password is never part of it. */
    @GetMapping("/v1/instances/{name}/url")
    @Refusal(status = 409, codes = "INSTANCE_NOT_READY")
    @Refusal(status = 503, codes = "STATUS_UNAVAILABLE")
    ConnectionUrl url(Caller caller, @PathVariable String name,
            @RequestParam(defaultValue = "postgres") String database) {
        var violations = InstanceRules.databaseName("database", database);
        if (!violations.isEmpty()) {
            throw new ValidationFailedException(violations);
        }
        InstanceView instance = reads.instance(caller.tenant(), name).orElseThrow(() -> noInstance(name));
        if (instance.hostName() == null || instance.port() == null) {
            throw new ConflictException("INSTANCE_NOT_READY", "Instance " + name + " has no address yet; it is "
                    + instance.status() + ".");
        }
        return ConnectionUrl.of(instance.adminUsername(), instance.hostName(), instance.port(), database);
    }

    @PostMapping("/v1/instances/{name}/password")
    @Refusal(status = 409, codes = {"INSTANCE_IS_LINKED", "INSTANCE_DESTROYING"})
    ResponseEntity<OperationView> resetPassword(Caller caller, @PathVariable String name,
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String idempotencyKey,
            @RequestBody ResetPasswordRequest request) {
        return Accepted.of(commands.resetPassword(caller.instance(name), idempotencyKey, request));
    }

    /** Stops the instance's server; its data stays, and nothing starts it again until a start. */
    @PostMapping("/v1/instances/{name}/stop")
    @Refusal(status = 409, codes = {"INSTANCE_IS_LINKED", "INSTANCE_DESTROYING"})
    ResponseEntity<OperationView> stop(Caller caller, @PathVariable String name,
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String idempotencyKey) {
        return Accepted.of(commands.stop(caller.instance(name), idempotencyKey));
    }

    /** Starts the instance's server; when another program holds its port, it moves to a free one. */
    @PostMapping("/v1/instances/{name}/start")
    @Refusal(status = 409, codes = {"INSTANCE_IS_LINKED", "INSTANCE_DESTROYING"})
    ResponseEntity<OperationView> start(Caller caller, @PathVariable String name,
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String idempotencyKey) {
        return Accepted.of(commands.start(caller.instance(name), idempotencyKey));
    }

    @DeleteMapping("/v1/instances/{name}")
    @Refusal(status = 409, codes = "INSTANCE_IS_LINKED")
    ResponseEntity<OperationView> destroy(Caller caller, @PathVariable String name,
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String idempotencyKey) {
        return Accepted.of(commands.destroy(caller.instance(name), idempotencyKey));
    }

    @PostMapping("/v1/instances/{name}/databases")
    @Refusal(status = 409, codes = "INSTANCE_DESTROYING")
    ResponseEntity<OperationView> createDatabase(Caller caller, @PathVariable String name,
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String idempotencyKey,
            @RequestBody CreateDatabaseRequest request) {
        return Accepted.of(commands.createDatabase(caller.instance(name), idempotencyKey, request));
    }

    @GetMapping("/v1/instances/{name}/databases")
    @Refusal(status = 503, codes = "STATUS_UNAVAILABLE")
    Page<DatabaseView> databases(Caller caller, @PathVariable String name, @RequestParam(defaultValue = PageRequest.DEFAULT_LIMIT_PARAMETER) int limit,
            @RequestParam(required = false) String cursor) {
        return status.databases(caller.tenant(), name, new PageRequest(limit, cursor))
                .orElseThrow(() -> noInstance(name));
    }

    @PostMapping("/v1/instances/{name}/migrations")
    @Refusal(status = 409, codes = "INSTANCE_DESTROYING")
    @Refusal(status = 413, codes = "MIGRATIONS_TOO_LARGE")
    ResponseEntity<OperationView> migrate(Caller caller, @PathVariable String name,
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String idempotencyKey,
            @RequestBody MigrateRequest request) {
        return Accepted.of(commands.migrate(caller.instance(name), idempotencyKey, request));
    }

    /**
     * The migrations applied to one of the instance's databases, and its last failed migration. The history is one
     * object; {@code limit} and {@code cursor} page its {@code applied} list, whose {@code next} it carries.
     */
    @GetMapping("/v1/instances/{name}/databases/{database}/migrations")
    @Refusal(status = 503, codes = "STATUS_UNAVAILABLE")
    JsonNode migrations(Caller caller, @PathVariable String name, @PathVariable String database,
            @RequestParam(defaultValue = PageRequest.DEFAULT_LIMIT_PARAMETER) int limit,
            @RequestParam(required = false) String cursor) {
        var violations = InstanceRules.databaseName("database", database);
        if (!violations.isEmpty()) {
            throw new ValidationFailedException(violations);
        }
        return status.migrations(caller.tenant(), name, database, new PageRequest(limit, cursor))
                .orElseThrow(() -> new NotFoundException("No database " + database + " known on instance " + name + "."));
    }

    /**
     * The instance's base backups and how far back a restore of it can reach, as status-service knows them; a linked
     * instance has none.
     */
    @GetMapping("/v1/instances/{name}/backups")
    @Refusal(status = 503, codes = "STATUS_UNAVAILABLE")
    JsonNode backups(Caller caller, @PathVariable String name) {
        return status.backups(caller.tenant(), name).orElseThrow(() -> noInstance(name));
    }

    /** Restores the instance's backups into a new instance, {@code targetName}; the instance itself is left alone. */
    @PostMapping("/v1/instances/{name}/restore")
    @Refusal(status = 409, codes = {"INSTANCE_IS_LINKED", "NO_BACKUPS", "INSTANCE_NAME_TAKEN", "INSTANCE_DESTROYING"})
    @Refusal(status = 503, codes = "STATUS_UNAVAILABLE")
    ResponseEntity<OperationView> restore(Caller caller, @PathVariable String name,
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String idempotencyKey,
            @RequestBody RestoreRequest request) {
        return Accepted.of(commands.restore(caller.instance(name), idempotencyKey, request));
    }

    @GetMapping("/v1/instances/{name}/operations")
    @Refusal(status = 503, codes = "STATUS_UNAVAILABLE")
    Page<OperationView> operations(Caller caller, @PathVariable String name, @RequestParam(defaultValue = PageRequest.DEFAULT_LIMIT_PARAMETER) int limit,
            @RequestParam(required = false) String cursor) {
        return status.operations(caller.tenant(), name, new PageRequest(limit, cursor))
                .orElseThrow(() -> noInstance(name));
    }

    private static NotFoundException noInstance(String name) {
        return new NotFoundException("No instance named " + name + ".");
    }
}
