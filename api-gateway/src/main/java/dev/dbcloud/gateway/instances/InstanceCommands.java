package dev.dbcloud.gateway.instances;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.common.Topics;
import dev.dbcloud.common.rules.InstanceRules;
import dev.dbcloud.common.rules.MigrationRules;
import dev.dbcloud.common.rules.Rule;
import dev.dbcloud.common.rules.Violation;
import dev.dbcloud.common.secrets.ControlPasswordCipher;
import dev.dbcloud.events.CreateDatabaseRequested;
import dev.dbcloud.events.DestroyRequested;
import dev.dbcloud.events.InstanceDriverKind;
import dev.dbcloud.events.LinkRequested;
import dev.dbcloud.events.MigrateRequested;
import dev.dbcloud.events.Migration;
import dev.dbcloud.events.PasswordResetRequested;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.events.RestoreRequested;
import dev.dbcloud.events.StartRequested;
import dev.dbcloud.events.StopRequested;
import dev.dbcloud.events.UnlinkRequested;
import dev.dbcloud.gateway.idempotency.IdempotentRequests;
import dev.dbcloud.gateway.idempotency.RequestFingerprint;
import dev.dbcloud.gateway.operations.OperationType;
import dev.dbcloud.gateway.operations.Operations;
import dev.dbcloud.gateway.status.InstanceReads;
import dev.dbcloud.gateway.status.OperationStatus;
import dev.dbcloud.gateway.status.OperationView;
import dev.dbcloud.gateway.status.StatusClient;
import dev.dbcloud.gateway.refusals.ConflictException;
import dev.dbcloud.gateway.refusals.NotFoundException;
import dev.dbcloud.gateway.refusals.PayloadTooLargeException;
import dev.dbcloud.gateway.refusals.ValidationFailedException;
import dev.dbcloud.messaging.outbox.Outbox;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.postgresql.util.PasswordUtil;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Accepting the commands that change instances. Each validates its input with the shared rules, checks the
 * instance's name against the names the tenant holds, and commits its operation with the command's outbox row
 * before the gateway answers 202; a replayed {@code Idempotency-Key} answers the operation it started instead.
 *
 * <p>A password goes no further than these methods: the instance's own password becomes a SCRAM-SHA-256
 * verifier, and a linked server's control password is encrypted with the control plane's AEAD keyset.
 */
@Service
public class InstanceCommands {

    private final InstanceNames names;
    private final Operations operations;
    private final IdempotentRequests idempotency;
    private final Outbox outbox;
    private final ControlPasswordCipher cipher;
    private final StatusClient status;
    private final InstanceReads reads;
    private final Clock clock;

    InstanceCommands(InstanceNames names, Operations operations, IdempotentRequests idempotency, Outbox outbox,
            ControlPasswordCipher cipher, StatusClient status, InstanceReads reads, Clock clock) {
        this.names = names;
        this.operations = operations;
        this.idempotency = idempotency;
        this.outbox = outbox;
        this.cipher = cipher;
        this.status = status;
        this.reads = reads;
        this.clock = clock;
    }

    @Transactional
    public OperationView provision(String tenant, String idempotencyKey, ProvisionInstanceRequest request) {
        validate(InstanceRules.instanceName("name", request.name()),
                InstanceRules.username("username", request.username()),
                InstanceRules.password("password", request.password()));
        RequestFingerprint fingerprint = RequestFingerprint.of("provision", request.name(), request.username())
                .withSecret(request.password());
        return idempotency.once(tenant, idempotencyKey, fingerprint, () -> {
            OperationView operation = takeName(tenant, request.name(), InstanceDriverKind.LOCAL, OperationType.PROVISION);
            ProvisionRequested command = new ProvisionRequested();
            command.setAdminUsername(request.username());
            command.setPasswordVerifier(PasswordUtil.encodeScramSha256(request.password().toCharArray()));
            return publish(tenant, operation, command);
        });
    }

    @Transactional
    public OperationView link(String tenant, String idempotencyKey, LinkInstanceRequest request) {
        validate(InstanceRules.instanceName("name", request.name()),
                InstanceRules.hostName("hostName", request.hostName()),
                InstanceRules.port("port", request.port()),
                InstanceRules.roleName("adminRole", request.adminRole()),
                InstanceRules.linkedPassword("password", request.password()));
        RequestFingerprint fingerprint = RequestFingerprint.of("link", request.name(), request.hostName(),
                request.port().toString(), request.adminRole()).withSecret(request.password());
        return idempotency.once(tenant, idempotencyKey, fingerprint, () -> {
            OperationView operation = takeName(tenant, request.name(), InstanceDriverKind.LINKED, OperationType.LINK);
            LinkRequested command = new LinkRequested();
            command.setHostName(request.hostName());
            command.setPort(request.port());
            command.setAdminRole(request.adminRole());
            command.setPasswordCiphertext(ByteBuffer.wrap(
                    cipher.encrypt(new InstanceRef(tenant, request.name()), request.password())));
            return publish(tenant, operation, command);
        });
    }

    @Transactional
    public OperationView resetPassword(InstanceRef instance, String idempotencyKey, ResetPasswordRequest request) {
        String tenant = instance.tenant();
        String name = instance.name();
        validate(InstanceRules.password("password", request.password()));
        RequestFingerprint fingerprint = RequestFingerprint.of("password", name).withSecret(request.password());
        return idempotency.once(tenant, idempotencyKey, fingerprint, () -> {
            InstanceNames.Holder holder = current(tenant, name);
            if (holder.linked()) {
                throw new ConflictException("INSTANCE_IS_LINKED",
                        "The password of a linked instance's role is managed on its own server.");
            }
            PasswordResetRequested command = new PasswordResetRequested();
            command.setPasswordVerifier(PasswordUtil.encodeScramSha256(request.password().toCharArray()));
            return publish(tenant, operations.accept(tenant, name, OperationType.PASSWORD_RESET), command);
        });
    }

    @Transactional
    public OperationView createDatabase(InstanceRef instance, String idempotencyKey, CreateDatabaseRequest request) {
        String tenant = instance.tenant();
        String name = instance.name();
        validate(InstanceRules.applicationDatabaseName("name", request.name()));
        return idempotency.once(tenant, idempotencyKey, RequestFingerprint.of("database", name, request.name()), () -> {
            current(tenant, name);
            CreateDatabaseRequested command = new CreateDatabaseRequested();
            command.setDatabase(request.name());
            return publish(tenant, operations.accept(tenant, name, OperationType.CREATE_DATABASE), command);
        });
    }

    /** Stops a local instance's server; its data and port stay until a start. */
    @Transactional
    public OperationView stop(InstanceRef instance, String idempotencyKey) {
        String tenant = instance.tenant();
        String name = instance.name();
        return idempotency.once(tenant, idempotencyKey, RequestFingerprint.of("stop", name),
                () -> switchLocal(tenant, name, OperationType.STOP, new StopRequested()));
    }

    /** Starts a local instance's server, moving it to a free port if another program holds its own. */
    @Transactional
    public OperationView start(InstanceRef instance, String idempotencyKey) {
        String tenant = instance.tenant();
        String name = instance.name();
        return idempotency.once(tenant, idempotencyKey, RequestFingerprint.of("start", name),
                () -> switchLocal(tenant, name, OperationType.START, new StartRequested()));
    }

    private OperationView switchLocal(String tenant, String name, OperationType type, SpecificRecordBase command) {
        if (current(tenant, name).linked()) {
            throw new ConflictException("INSTANCE_IS_LINKED",
                    "Instance " + name + " is linked: its server is yours to start and stop where it runs.");
        }
        return publish(tenant, operations.accept(tenant, name, type), command);
    }

    /** Runs an application's migrations on its database of the instance, creating the database if missing. */
    @Transactional
    public OperationView migrate(InstanceRef instance, String idempotencyKey, MigrateRequest request) {
        String tenant = instance.tenant();
        String name = instance.name();
        // The application's name doubles as its database's name unless appDbName says otherwise.
        validate(request.appDbName() == null
                        ? InstanceRules.applicationDatabaseName("application", request.application())
                        : InstanceRules.databaseName("application", request.application()),
                request.appDbName() == null ? List.of()
                        : InstanceRules.applicationDatabaseName("appDbName", request.appDbName()),
                MigrationRules.migrations("migrations", request.migrations()));
        long size = MigrationRules.totalSqlBytes(request.migrations());
        if (size > MigrationRules.TOTAL_SQL_BYTES_MAX) {
            throw new PayloadTooLargeException("MIGRATIONS_TOO_LARGE", "The migrations' SQL totals " + size
                    + " bytes; at most " + MigrationRules.TOTAL_SQL_BYTES_MAX + " bytes go in one request.");
        }
        boolean allowBreakingChanges = Boolean.TRUE.equals(request.allowBreakingChanges());
        List<String> parts = new ArrayList<>(List.of("migrate", name, request.application(), request.database(),
                Boolean.toString(allowBreakingChanges)));
        request.migrations().forEach(m -> parts.addAll(List.of(m.version(), m.description(), m.sql())));
        return idempotency.once(tenant, idempotencyKey, RequestFingerprint.of(parts.toArray(String[]::new)), () -> {
            current(tenant, name);
            MigrateRequested command = new MigrateRequested();
            command.setApplication(request.application());
            command.setAppDbName(request.database());
            command.setAllowBreakingChanges(allowBreakingChanges);
            command.setMigrations(request.migrations().stream()
                    .map(m -> new Migration(m.version(), m.description(), m.sql()))
                    .toList());
            return publish(Topics.MIGRATION_COMMANDS, tenant, operations.accept(tenant, name, OperationType.MIGRATE), command);
        });
    }

    /**
     * Restores a local instance's backups into a new local instance, which takes {@code targetName} as a provisioning
     * takes its name: the state at {@code pointInTime}, just before the migration run {@code beforeMigration}, or
     * (with neither) the latest state. The moment must lie in the source's restorable window, from the end of its
     * oldest base backup (as status-service last heard) until now. The source keeps running, untouched.
     */
    @Transactional
    public OperationView restore(InstanceRef source, String idempotencyKey, RestoreRequest request) {
        String tenant = source.tenant();
        String name = source.name();
        Optional<Instant> pointInTime = pointInTime(request.pointInTime());
        Optional<UUID> beforeMigration = operationId(request.beforeMigration());
        validate(InstanceRules.instanceName("targetName", request.targetName()),
                restoreMoment(request, pointInTime, beforeMigration));
        RequestFingerprint fingerprint = RequestFingerprint.of("restore", name, request.targetName(),
                pointInTime.map(Instant::toString).orElse(null), beforeMigration.map(UUID::toString).orElse(null));
        return idempotency.once(tenant, idempotencyKey, fingerprint, () -> {
            if (current(tenant, name).linked()) {
                throw new ConflictException("INSTANCE_IS_LINKED",
                        "Instance " + name + " is linked: linked instances have no backups to restore.");
            }
            RestorableWindow window = status.earliestRestorableTime(tenant, name)
                    .map(earliest -> new RestorableWindow(name, earliest, clock.instant().truncatedTo(ChronoUnit.MICROS)))
                    .orElseThrow(() -> new ConflictException("NO_BACKUPS", "Instance " + name
                            + " has no backups yet; it can be restored once its first base backup ends."));
            RestoreRequested command = new RestoreRequested();
            command.setSourceInstanceName(name);
            if (pointInTime.isPresent()) {
                Optional<Violation> unreachable = window.refuse("pointInTime", pointInTime.get());
                if (unreachable.isPresent()) {
                    throw new ValidationFailedException(List.of(unreachable.get()));
                }
                command.setPointInTime(pointInTime.get());
            }
            if (beforeMigration.isPresent()) {
                OperationView.RestorePoint restorePoint = restorePointBefore(tenant, name, beforeMigration.get(), window);
                command.setPointInTime(restorePoint.createdAt());
                command.setRestorePoint(restorePoint.name());
            }
            OperationView operation = takeName(tenant, request.targetName(), InstanceDriverKind.LOCAL, OperationType.RESTORE);
            return publish(tenant, operation, command);
        });
    }

    /**
     * The restore point made just before the source's migration run {@code migrationId}, which must lie in the
     * window. Another tenant's operation, or another instance's, is no migration of the source.
     */
    private OperationView.RestorePoint restorePointBefore(String tenant, String name, UUID migrationId,
            RestorableWindow window) {
        OperationView migration = operations.current(tenant, migrationId)
                .filter(operation -> OperationType.MIGRATE.name().equals(operation.type())
                        && name.equals(operation.instanceName()))
                .orElseThrow(() -> invalidMoment("beforeMigration",
                        "must be the id of a migration operation of instance " + name));
        OperationView.RestorePoint restorePoint = migration.restorePoint();
        if (restorePoint == null) {
            throw invalidMoment("beforeMigration", "names a migration that has no restore point: its run has not begun,"
                    + " or instance " + name + " kept no backups then");
        }
        if (!window.contains(restorePoint.createdAt())) {
            throw invalidMoment("beforeMigration", "names a migration whose restore point, made at "
                    + restorePoint.createdAt() + ", lies outside the restorable window of instance " + name + ", "
                    + window.describe());
        }
        return restorePoint;
    }

    /** At most one moment; each as its format says. */
    private static List<Violation> restoreMoment(RestoreRequest request, Optional<Instant> pointInTime,
            Optional<UUID> beforeMigration) {
        List<Violation> violations = new ArrayList<>();
        if (request.pointInTime() != null && request.beforeMigration() != null) {
            violations.add(new Violation("beforeMigration", Rule.FORMAT,
                    "must not be given together with pointInTime: a restore reaches one moment"));
        }
        if (request.pointInTime() != null && pointInTime.isEmpty()) {
            violations.add(new Violation("pointInTime", Rule.FORMAT,
                    "must be an RFC 3339 time with an offset, such as 2026-12-04T20:40:46.518Z or 2026-12-04T21:40:46+01:00"));
        }
        if (request.beforeMigration() != null && beforeMigration.isEmpty()) {
            violations.add(new Violation("beforeMigration", Rule.FORMAT,
                    "must be the id of a migration operation, a UUID such as 123e4567-e89b-12d3-a456-426614174000"));
        }
        return violations;
    }

    /** An RFC 3339 time with an offset, to the microsecond (PostgreSQL's precision, and the contract's). */
    private static Optional<Instant> pointInTime(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value).toInstant().truncatedTo(ChronoUnit.MICROS));
        } catch (DateTimeException notATime) {
            return Optional.empty();
        }
    }

    /** A UUID in its canonical 36-character form only: {@link UUID#fromString} takes shorter ones too. */
    private static Optional<UUID> operationId(String value) {
        if (value == null || value.length() != 36) {
            return Optional.empty();
        }
        try {
            UUID id = UUID.fromString(value);
            return id.toString().equals(value.toLowerCase(Locale.ROOT)) ? Optional.of(id) : Optional.empty();
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }

    private static ValidationFailedException invalidMoment(String field, String message) {
        return new ValidationFailedException(List.of(new Violation(field, Rule.RANGE, message)));
    }

    /** Destroys a local instance; asked again while a destroy is under way, answers that destroy. */
    @Transactional
    public OperationView destroy(InstanceRef instance, String idempotencyKey) {
        String tenant = instance.tenant();
        String name = instance.name();
        return idempotency.once(tenant, idempotencyKey, RequestFingerprint.of("destroy", name),
                () -> release(tenant, name, false));
    }

    /** Forgets a linked instance, leaving its server alone; asked again while under way, answers that unlink. */
    @Transactional
    public OperationView unlink(InstanceRef instance, String idempotencyKey) {
        String tenant = instance.tenant();
        String name = instance.name();
        return idempotency.once(tenant, idempotencyKey, RequestFingerprint.of("unlink", name),
                () -> release(tenant, name, true));
    }

    private OperationView release(String tenant, String name, boolean linked) {
        InstanceNames.Holder holder = names.lock(tenant, name).orElseThrow(() -> noInstance(name));
        if (holder.linked() != linked) {
            throw linked
                    ? new ConflictException("INSTANCE_NOT_LINKED", "Instance " + name + " is not linked; destroy it with DELETE /v1/instances/" + name + ".")
                    : new ConflictException("INSTANCE_IS_LINKED", "Instance " + name + " is linked; unlink it with DELETE /v1/linked-instances/" + name + ", which leaves its server alone.");
        }
        Optional<OperationView> underWay = releaseUnderWay(tenant, name, holder);
        if (underWay.isPresent()) {
            return underWay.get();
        }
        OperationView operation = operations.accept(tenant, name, linked ? OperationType.UNLINK : OperationType.DESTROY);
        names.releasing(tenant, name, operation.id());
        return publish(tenant, operation, linked ? new UnlinkRequested() : new DestroyRequested());
    }

    private OperationView takeName(String tenant, String name, InstanceDriverKind driver, OperationType type) {
        OperationView operation = operations.accept(tenant, name, type);
        if (!names.take(tenant, name, driver, operation.id(), operation.createdAt())) {
            throw new ConflictException("INSTANCE_NAME_TAKEN",
                    "An instance named " + name + " exists; destroy it first, or choose another name.");
        }
        return operation;
    }

    /** The tenant's instance of that name, unless there is none or it is being destroyed. */
    private InstanceNames.Holder current(String tenant, String name) {
        InstanceNames.Holder holder = names.lock(tenant, name).orElseThrow(() -> noInstance(name));
        if (releaseUnderWay(tenant, name, holder).isPresent()) {
            throw new ConflictException("INSTANCE_DESTROYING", "Instance " + name + " is being destroyed.");
        }
        return holder;
    }

    /**
     * The destroy or unlink of the instance still under way, if any. One that ended FAILED, its outcome lost or
     * never come (TIMEOUT), no longer holds the instance: it is forgotten here, so the next command is a new one.
     */
    private Optional<OperationView> releaseUnderWay(String tenant, String name, InstanceNames.Holder holder) {
        if (!holder.releasing()) {
            return Optional.empty();
        }
        OperationView release = operations.replay(tenant, holder.releaseOperationId());
        if (release.status() != OperationStatus.FAILED) {
            return Optional.of(release);
        }
        names.releaseFailed(holder.releaseOperationId());
        return Optional.empty();
    }

    /** Stamps the command with the operation's identity and appends it to the outbox. */
    private OperationView publish(String tenant, OperationView operation, SpecificRecordBase command) {
        return publish(Topics.INSTANCE_COMMANDS, tenant, operation, command);
    }

    private OperationView publish(String topic, String tenant, OperationView operation, SpecificRecordBase command) {
        outbox.append(topic, EventMetadata.stamp(command, operation.id(),
                new InstanceRef(tenant, operation.instanceName()), operation.createdAt()));
        reads.commandAccepted(tenant, operation.instanceName(), operation.id());
        return operation;
    }

    private static NotFoundException noInstance(String name) {
        return new NotFoundException("No instance named " + name + ".");
    }

    @SafeVarargs
    private static void validate(List<Violation>... checks) {
        List<Violation> violations = Stream.of(checks).flatMap(List::stream).toList();
        if (!violations.isEmpty()) {
            throw new ValidationFailedException(violations);
        }
    }
}
