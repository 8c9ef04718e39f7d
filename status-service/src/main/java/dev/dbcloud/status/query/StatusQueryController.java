package dev.dbcloud.status.query;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The internal query API that api-gateway calls; the gateway authenticates and passes the caller's tenant. What
 * belongs to another tenant, or does not exist, answers 404 as an RFC 9457 problem with a stable {@code code}.
 * Lists answer one page ({@code {"items": [...], "next": cursor or null}}) of at most {@code limit} items after
 * {@code cursor} ({@link PageRequest}).
 */
@RestController
@RequestMapping("/internal/tenants/{tenant}")
class StatusQueryController {

    /** How many operations one lookup may name. */
    static final int MAX_LOOKUP = 100;

    private final ReadModel readModel;

    StatusQueryController(ReadModel readModel) {
        this.readModel = readModel;
    }

    @GetMapping("/instances")
    Page<Instance> instances(@PathVariable String tenant, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        return readModel.instances(tenant, PageRequest.of(limit, cursor, 1));
    }

    /** The instance, with its version (the last event applied to it) as the ETag once it has one. */
    @GetMapping("/instances/{name}")
    ResponseEntity<Instance> instance(@PathVariable String tenant, @PathVariable String name) {
        Instance instance = found(readModel.instance(tenant, name), "instance_not_found", "No instance named " + name);
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
        if (instance.version() != null) {
            ok.eTag(instance.version().toString());
        }
        return ok.body(instance);
    }

    @GetMapping("/instances/{name}/operations")
    Page<Operation> operations(@PathVariable String tenant, @PathVariable String name,
            @RequestParam(required = false) String limit, @RequestParam(required = false) String cursor) {
        return found(readModel.operations(tenant, name, PageRequest.of(limit, cursor, 2)), "instance_not_found",
                "No instance named " + name);
    }

    @GetMapping("/instances/{name}/databases")
    Page<AppDatabase> databases(@PathVariable String tenant, @PathVariable String name,
            @RequestParam(required = false) String limit, @RequestParam(required = false) String cursor) {
        return found(readModel.databases(tenant, name, PageRequest.of(limit, cursor, 1)), "instance_not_found",
                "No instance named " + name);
    }

    /**
     * 404 {@code instance_not_found} without a current instance of that name; 404 {@code database_not_found} when
     * nothing is known of the database on it. {@code limit} and {@code cursor} page its {@code applied} migrations.
     */
    @GetMapping("/instances/{name}/databases/{database}/migrations")
    MigrationHistory migrations(@PathVariable String tenant, @PathVariable String name,
            @PathVariable String database, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        PageRequest page = PageRequest.of(limit, cursor, 1);
        ReadModel.Incarnation instance = found(readModel.current(tenant, name), "instance_not_found",
                "No instance named " + name);
        return found(readModel.migrations(instance, database, page), "database_not_found",
                "No database named " + database + " on instance " + name);
    }

    /** The instance's base backups and the window a restore of it can reach; 404 without a current instance. */
    @GetMapping("/instances/{name}/backups")
    Backups backups(@PathVariable String tenant, @PathVariable String name) {
        return found(readModel.backups(tenant, name), "instance_not_found", "No instance named " + name);
    }

    /**
     * The tenant's operations among those {@code id}s (1 to {@value #MAX_LOOKUP}), in no order, as one page: what the
     * gateway's waiting long-polls look up in one round. An id unknown, of another tenant or not a UUID is left out,
     * as alone it would answer 404.
     */
    @GetMapping("/operations")
    Page<Operation> operations(@PathVariable String tenant,
            @RequestParam(name = "id", required = false) List<String> ids) {
        if (ids == null || ids.isEmpty() || ids.size() > MAX_LOOKUP) {
            throw PageRequest.invalid("id", "RANGE", "id must be given 1 to " + MAX_LOOKUP + " times");
        }
        List<UUID> known = ids.stream().map(StatusQueryController::uuid).flatMap(Optional::stream).distinct().toList();
        return new Page<>(readModel.operations(tenant, known), null);
    }

    /** An id that is not a UUID names no operation: 404, like any other unknown id. */
    @GetMapping("/operations/{id}")
    Operation operation(@PathVariable String tenant, @PathVariable String id) {
        Optional<Operation> operation = uuid(id).flatMap(uuid -> readModel.operation(tenant, uuid));
        return found(operation, "operation_not_found", "No operation " + id);
    }

    private static Optional<UUID> uuid(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }

    private static <T> T found(Optional<T> value, String code, String detail) {
        return value.orElseThrow(() -> {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, detail);
            problem.setProperty("code", code);
            return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
        });
    }
}
