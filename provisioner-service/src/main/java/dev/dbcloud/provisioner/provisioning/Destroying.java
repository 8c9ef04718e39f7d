package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.DestroyFailed;
import dev.dbcloud.events.DestroyFailureReason;
import dev.dbcloud.events.DestroyRequested;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.messaging.handled.HandledOperations;
import dev.dbcloud.provisioner.driver.DriverException;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.provisioning.ProvisionedInstance.Status;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Destroying an instance, irreversibly: its server stops, its data directory goes, and its row ends DESTROYED,
 * which frees its name and port.
 *
 * <p>The destroy operation first claims the live instance of that name (DESTROYING, {@code destroyed_by}), so a
 * destroy cut off by a crash resumes on redelivery with the same instance, and the health watch leaves it alone.
 * Once handled, its outcome is recorded: redelivered after the name was provisioned again, it re-emits that
 * outcome and never touches the newer instance.
 */
@Service
public class Destroying {

    private static final Logger log = LoggerFactory.getLogger(Destroying.class);

    private final ProvisionedInstances instances;
    private final HandledOperations handled;
    private final ServerAccess access;
    private final TransactionTemplate transactions;
    private final Clock clock;

    Destroying(ProvisionedInstances instances, HandledOperations handled, ServerAccess access,
            TransactionTemplate transactions, Clock clock) {
        this.instances = instances;
        this.handled = handled;
        this.access = access;
        this.transactions = transactions;
        this.clock = clock;
    }

    public void destroy(DestroyRequested command) {
        UUID operationId = UUID.fromString(command.getOperationId());
        if (handled.reEmit(operationId)) {
            return;
        }
        Optional<ProvisionedInstance> target = instances.endedBy(operationId)
                .or(() -> instances.live(new InstanceRef(command.getTenant(), command.getInstanceName())));
        if (target.isEmpty()) {
            handled.emit(command, destroyed(command));
            return;
        }
        ProvisionedInstance instance = target.get();
        if (instance.driver() == DriverKind.LINKED) {
            // The server and its data are the user's: the control plane forgets a linked server (unlink), never
            // destroys it, and must not report data gone that is still there.
            handled.emit(command, failed(command, DestroyFailureReason.WRONG_DRIVER,
                    "a linked instance is unlinked, not destroyed: its server and data belong to you"));
            return;
        }
        if (instance.status() != Status.DESTROYING && instance.status() != Status.DESTROYED) {
            instances.markDestroying(instance.operationId(), operationId);
        }
        run(command, instance);
    }

    private void run(DestroyRequested command, ProvisionedInstance instance) {
        try {
            access.driver(instance).destroy(access.spec(instance, null));
            transactions.executeWithoutResult(tx -> {
                instances.markDestroyed(instance.operationId());
                handled.emit(command, destroyed(command));
            });
            log.info("Destroyed {}", instance.instance());
        } catch (RuntimeException e) {
            String message = e instanceof DriverException ? e.getMessage() : "the server could not be removed: " + e;
            log.warn("Destroying {} failed: {}", instance.instance(), message);
            transactions.executeWithoutResult(tx -> {
                instances.markDestroyFailed(instance.operationId(), DestroyFailureReason.DRIVER_ERROR.name(), message);
                handled.emit(command,
                        failed(command, DestroyFailureReason.DRIVER_ERROR, message));
            });
        }
    }

    private InstanceDestroyed destroyed(DestroyRequested command) {
        return EventMetadata.stampAsOutcomeOf(command, new InstanceDestroyed(), clock.instant());
    }

    private DestroyFailed failed(DestroyRequested command, DestroyFailureReason reason, String message) {
        DestroyFailed event = new DestroyFailed();
        event.setReason(reason);
        event.setMessage(message);
        return EventMetadata.stampAsOutcomeOf(command, event, clock.instant());
    }
}
