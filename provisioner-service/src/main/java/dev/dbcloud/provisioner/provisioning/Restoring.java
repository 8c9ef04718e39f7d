package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.InstanceDriverKind;
import dev.dbcloud.events.InstanceRestored;
import dev.dbcloud.events.RestoreFailed;
import dev.dbcloud.events.RestoreFailureReason;
import dev.dbcloud.events.RestoreRequested;
import dev.dbcloud.messaging.handled.HandledOperations;
import dev.dbcloud.provisioner.driver.DriverException;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceDrivers;
import dev.dbcloud.provisioner.driver.InstanceSpec;
import dev.dbcloud.provisioner.driver.ProvisioningStepDone;
import dev.dbcloud.provisioner.driver.RecoveryTarget;
import dev.dbcloud.provisioner.driver.RestoreRefusedException;
import dev.dbcloud.provisioner.driver.Restored;
import dev.dbcloud.provisioner.driver.ShuttingDownException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Restoring an instance's backups into a new instance, idempotently, as {@link Provisioning} provisions one: the
 * restore operation's id names the new instance's row, data directory and port. A command redelivered after a crash
 * finds its row PROVISIONING and lets the driver resume (a replay under way goes on; a half copy starts over); a
 * restore that fails leaves a FAILED row and no server or data. The source is only read.
 */
@Service
public class Restoring {

    private static final Logger log = LoggerFactory.getLogger(Restoring.class);

    private final ProvisionedInstances instances;
    private final HandledOperations handled;
    private final InstanceDriver driver;
    private final ServerAccess access;
    private final NewInstances newInstances;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final ApplicationEventPublisher steps;
    private final BaseBackups backups;

    Restoring(ProvisionedInstances instances, HandledOperations handled, InstanceDrivers drivers, ServerAccess access,
            NewInstances newInstances, TransactionTemplate transactions, Clock clock,
            ApplicationEventPublisher steps, BaseBackups backups) {
        this.instances = instances;
        this.handled = handled;
        this.driver = drivers.of(DriverKind.LOCAL);
        this.access = access;
        this.newInstances = newInstances;
        this.transactions = transactions;
        this.clock = clock;
        this.steps = steps;
        this.backups = backups;
    }

    public void restore(RestoreRequested command) {
        UUID operationId = UUID.fromString(command.getOperationId());
        if (handled.reEmit(operationId)) {
            return;
        }
        InstanceRef ref = new InstanceRef(command.getTenant(), command.getInstanceName());
        ProvisionedInstance target = instances.byOperation(operationId).orElse(null);
        if (target == null) {
            Optional<ProvisionedInstance> source = sourceNamed(command);
            if (source.isEmpty()) {
                reject(command, RestoreFailureReason.SOURCE_NOT_FOUND, noSource(command));
                return;
            }
            target = claim(operationId, ref, source.get(), command);
            if (target == null) {
                return;
            }
            instances.recordRestoredFrom(operationId, source.get().operationId());
        }
        if (target.status() != ProvisionedInstance.Status.PROVISIONING) {
            // Its outcome is committed with its status, among the handled operations: only a row left by hand
            // ends here.
            log.info("Ignoring a redelivered restore into {}, which is {}", ref, target.status());
            return;
        }
        // Resumed, the restore reads the very instance it began with (recorded by its row), or none: never another
        // that took the name meanwhile.
        Optional<UUID> recorded = instances.restoredFrom(operationId);
        Optional<ProvisionedInstance> source = recorded.isPresent()
                ? recorded.flatMap(instances::byOperation).filter(Restoring::readable)
                : sourceNamed(command);
        if (source.isEmpty()) {
            fail(command, target, RestoreFailureReason.SOURCE_NOT_FOUND, noSource(command));
            return;
        }
        if (recorded.isEmpty()) {
            // Claimed by a run cut off before it recorded its source.
            instances.recordRestoredFrom(operationId, source.get().operationId());
        }
        run(command, source.get(), target);
    }

    /** The source by its name: the tenant's local instance of that name whose backups are there to read. */
    private Optional<ProvisionedInstance> sourceNamed(RestoreRequested command) {
        return instances.live(new InstanceRef(command.getTenant(), command.getSourceInstanceName()))
                .filter(Restoring::readable);
    }

    private static boolean readable(ProvisionedInstance instance) {
        return instance.driver() == DriverKind.LOCAL && EnumSet.of(ProvisionedInstance.Status.AVAILABLE,
                ProvisionedInstance.Status.STOPPED, ProvisionedInstance.Status.FAILED).contains(instance.status());
    }

    private static String noSource(RestoreRequested command) {
        return "no local instance named " + command.getSourceInstanceName() + " has backups to restore";
    }

    /** Records the new instance with a port of its own, or answers null after emitting why it cannot be. */
    private ProvisionedInstance claim(UUID operationId, InstanceRef ref, ProvisionedInstance source,
            RestoreRequested command) {
        NewInstances.Claim claim = newInstances.claim(operationId, ref, source.adminUsername(), false);
        return claim.refusal() == null ? claim.instance()
                : reject(command, RestoreFailureReason.valueOf(claim.refusal().name()), claim.refusal().message);
    }

    private ProvisionedInstance reject(RestoreRequested command, RestoreFailureReason reason, String message) {
        handled.emit(command, failed(command, reason, message));
        return null;
    }

    /**
     * Runs the driver, then commits the outcome with the instance's new state. Only what the driver refuses or fails
     * ends the restore FAILED; a failure to commit afterwards propagates, and the redelivered command finds the
     * promoted server and commits again.
     */
    private void run(RestoreRequested command, ProvisionedInstance source, ProvisionedInstance target) {
        RecoveryTarget recoveryTarget = new RecoveryTarget(command.getPointInTime(), command.getRestorePoint());
        Restored restored;
        try {
            InstanceSpec from = access.spec(source, null);
            restored = newInstances.onAFreePort(target, access.spec(target, null),
                    spec -> driver.restore(from, spec, recoveryTarget));
        } catch (ShuttingDownException e) {
            throw e;
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                // The service is stopping: the command comes again, and the restore resumes.
                throw e;
            }
            RestoreFailureReason reason = e instanceof RestoreRefusedException refused
                    ? RestoreFailureReason.valueOf(refused.reason().name()) : RestoreFailureReason.DRIVER_ERROR;
            String message = e instanceof DriverException ? e.getMessage() : "the server could not be restored";
            log.warn("Restoring {} into {} failed: {}", source.instance(), target.instance(), message, e);
            fail(command, target, reason, message);
            return;
        }
        transactions.executeWithoutResult(tx -> {
            instances.markAvailable(target.operationId(), restored.endpoint().hostName());
            handled.emit(command, restored(command, instances.byOperation(target.operationId()).orElseThrow(),
                    restored));
        });
        log.info("Restored {} into {} on port {}, as of {}", source.instance(), target.instance(),
                restored.endpoint().port(), restored.restoredTo());
        steps.publishEvent(new ProvisioningStepDone(target.instance(), ProvisioningStepDone.Step.OUTCOME_RECORDED));
        backups.newInstance();
    }

    /** Ends the restore FAILED, with nothing of the new server left. */
    private void fail(RestoreRequested command, ProvisionedInstance target, RestoreFailureReason reason,
            String message) {
        removeWhatWasMade(target);
        transactions.executeWithoutResult(tx -> {
            instances.markFailed(target.operationId(), reason.name(), message);
            handled.emit(command, failed(command, reason, message));
        });
    }

    /** A failed restore leaves no half-made server: its data directory, archive and process go. */
    private void removeWhatWasMade(ProvisionedInstance target) {
        try {
            driver.destroy(access.spec(target, null));
        } catch (RuntimeException e) {
            log.warn("Could not remove what the failed restore into {} made: {}", target.instance(), e.getMessage());
        }
    }

    private InstanceRestored restored(RestoreRequested command, ProvisionedInstance instance, Restored restored) {
        InstanceRestored event = new InstanceRestored();
        event.setHostName(instance.hostName());
        event.setPort(instance.port());
        event.setAdminUsername(instance.adminUsername());
        event.setDriver(InstanceDriverKind.valueOf(instance.driver().name()));
        event.setControlPasswordCiphertext(ByteBuffer.wrap(instance.controlPasswordCiphertext()));
        event.setSourceInstanceName(command.getSourceInstanceName());
        event.setRestoredTo(restored.restoredTo());
        event.setDatabases(restored.databases());
        return EventMetadata.stampAsOutcomeOf(command, event, clock.instant());
    }

    private RestoreFailed failed(RestoreRequested command, RestoreFailureReason reason, String message) {
        RestoreFailed event = new RestoreFailed();
        event.setSourceInstanceName(command.getSourceInstanceName());
        event.setReason(reason);
        event.setMessage(message);
        return EventMetadata.stampAsOutcomeOf(command, event, clock.instant());
    }
}
