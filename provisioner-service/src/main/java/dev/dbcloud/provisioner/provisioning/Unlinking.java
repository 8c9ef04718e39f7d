package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.InstanceUnlinked;
import dev.dbcloud.events.UnlinkFailed;
import dev.dbcloud.events.UnlinkFailureReason;
import dev.dbcloud.events.UnlinkRequested;
import dev.dbcloud.messaging.handled.HandledOperations;
import dev.dbcloud.provisioner.driver.DriverKind;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Unlinking: the control plane forgets a linked server (its row ends DESTROYED, freeing the name) and never
 * touches the server itself. Like a destroy, an unlink is recorded once handled and only re-emitted afterwards.
 */
@Service
public class Unlinking {

    private static final Logger log = LoggerFactory.getLogger(Unlinking.class);

    private final ProvisionedInstances instances;
    private final HandledOperations handled;
    private final TransactionTemplate transactions;
    private final Clock clock;

    Unlinking(ProvisionedInstances instances, HandledOperations handled, TransactionTemplate transactions,
            Clock clock) {
        this.instances = instances;
        this.handled = handled;
        this.transactions = transactions;
        this.clock = clock;
    }

    public void unlink(UnlinkRequested command) {
        UUID operationId = UUID.fromString(command.getOperationId());
        if (handled.reEmit(operationId)) {
            return;
        }
        InstanceRef ref = new InstanceRef(command.getTenant(), command.getInstanceName());
        Optional<ProvisionedInstance> instance = instances.live(ref);
        if (instance.isPresent() && instance.get().driver() == DriverKind.LOCAL) {
            // The gateway unlinks linked instances only. A local instance is destroyed, never forgotten: forgetting
            // it would leave its server running with nobody to stop it.
            log.warn("Refusing an unlink of local instance {}: local instances are destroyed, not unlinked", ref);
            handled.emit(command, unlinkFailed(command));
            return;
        }
        transactions.executeWithoutResult(tx -> {
            instance.ifPresent(linked -> instances.markUnlinked(linked.operationId(), operationId));
            handled.emit(command, unlinked(command));
        });
        log.info("Unlinked {}", ref);
    }

    private UnlinkFailed unlinkFailed(UnlinkRequested command) {
        UnlinkFailed event = new UnlinkFailed();
        event.setReason(UnlinkFailureReason.WRONG_DRIVER);
        event.setMessage("a local instance is destroyed, not unlinked: its server would run on with nobody to stop it");
        return EventMetadata.stampAsOutcomeOf(command, event, clock.instant());
    }

    private InstanceUnlinked unlinked(UnlinkRequested command) {
        return EventMetadata.stampAsOutcomeOf(command, new InstanceUnlinked(), clock.instant());
    }
}
