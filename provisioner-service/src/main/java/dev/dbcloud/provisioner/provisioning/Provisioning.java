package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.common.Topics;
import dev.dbcloud.events.InstanceDriverKind;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.ProvisionFailed;
import dev.dbcloud.events.ProvisionFailureReason;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.messaging.handled.HandledOperations;
import dev.dbcloud.messaging.outbox.Outbox;
import dev.dbcloud.provisioner.driver.DriverException;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.driver.Endpoint;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceDrivers;
import dev.dbcloud.provisioner.driver.ProvisioningStepDone;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Provisioning an instance, idempotently: the provisioning operation's id names the instance's row, data
 * directory and port, so a redelivered command finishes the same work or re-emits its outcome, never a second
 * server. A command turned away (the name is taken, no port is left) has no row; its outcome is recorded among
 * the {@link HandledOperations}.
 */
@Service
public class Provisioning {

    /** How many ports a provisioning tries when other programs take the ones it picked. */
    static final int PORT_ATTEMPTS = 5;
    private static final Logger log = LoggerFactory.getLogger(Provisioning.class);

    private final ProvisionedInstances instances;
    private final HandledOperations handled;
    /** The driver a provisioning uses: ProvisionRequested names none, and the seed's instances run locally. */
    private final InstanceDriver driver;
    private final ServerAccess access;
    private final Outbox outbox;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final ApplicationEventPublisher steps;
    private final BaseBackups backups;
    private final NewInstances newInstances;

    Provisioning(ProvisionedInstances instances, HandledOperations handled, InstanceDrivers drivers,
            ServerAccess access, Outbox outbox, TransactionTemplate transactions,
            Clock clock, ApplicationEventPublisher steps, BaseBackups backups, NewInstances newInstances) {
        this.instances = instances;
        this.handled = handled;
        this.driver = drivers.of(DriverKind.LOCAL);
        this.access = access;
        this.outbox = outbox;
        this.transactions = transactions;
        this.clock = clock;
        this.steps = steps;
        this.backups = backups;
        this.newInstances = newInstances;
    }

    public void provision(ProvisionRequested command) {
        UUID operationId = UUID.fromString(command.getOperationId());
        InstanceRef ref = new InstanceRef(command.getTenant(), command.getInstanceName());
        if (handled.reEmit(operationId)) {
            return;
        }
        Optional<ProvisionedInstance> existing = instances.byOperation(operationId);
        ProvisionedInstance instance = existing.orElseGet(() -> claim(operationId, ref, command));
        if (instance == null) {
            return;
        }
        switch (instance.status()) {
            // Ended before its outcome was recorded among the handled operations (an older version): emit it anew.
            case AVAILABLE -> transactions.executeWithoutResult(tx -> outbox.append(Topics.INSTANCE_EVENTS, provisioned(instance)));
            case FAILED -> transactions.executeWithoutResult(tx -> outbox.append(Topics.INSTANCE_EVENTS,
                    failed(operationId, ref, ProvisionFailureReason.valueOf(instance.failureReason()), instance.failureMessage())));
            case PROVISIONING -> run(command, instance);
            case DESTROYING, DESTROYED -> log.info("Ignoring a redelivered provisioning of destroyed {}", ref);
        }
    }

    /**
     * Records the instance with a port of its own, or answers null after emitting why it cannot be: no port
     * left, or the name is taken by another live instance.
     */
    private ProvisionedInstance claim(UUID operationId, InstanceRef ref, ProvisionRequested command) {
        NewInstances.Claim claim = newInstances.claim(operationId, ref, command.getAdminUsername(), true);
        return claim.refusal() == null ? claim.instance()
                : reject(command, ProvisionFailureReason.valueOf(claim.refusal().name()), claim.refusal().message);
    }

    /** Emits why the command gets no instance, and records it: redelivered later, it must not take a freed name. */
    private ProvisionedInstance reject(ProvisionRequested command, ProvisionFailureReason reason, String message) {
        handled.emit(command, failed(UUID.fromString(command.getOperationId()),
                new InstanceRef(command.getTenant(), command.getInstanceName()), reason, message));
        return null;
    }

    /**
     * Runs the driver, then commits the outcome with the instance's new state, recorded among the handled operations
     * so a redelivered command re-emits that very record.
     */
    private void run(ProvisionRequested command, ProvisionedInstance instance) {
        try {
            Endpoint endpoint = newInstances.onAFreePort(instance, access.spec(instance, command.getPasswordVerifier()),
                    driver::provision);
            transactions.executeWithoutResult(tx -> {
                instances.markAvailable(instance.operationId(), endpoint.hostName());
                handled.emit(command,
                        provisioned(instances.byOperation(instance.operationId()).orElseThrow()));
            });
            log.info("Provisioned {} on port {}", instance.instance(), endpoint.port());
        } catch (RuntimeException e) {
            // Whatever stopped the driver, the operation ends FAILED with a reason rather than waiting forever.
            String message = e instanceof DriverException ? e.getMessage() : "the server could not be set up: " + e;
            log.warn("Provisioning {} failed: {}", instance.instance(), message);
            transactions.executeWithoutResult(tx -> {
                instances.markFailed(instance.operationId(), ProvisionFailureReason.DRIVER_ERROR.name(), message);
                handled.emit(command, failed(instance.operationId(), instance.instance(),
                        ProvisionFailureReason.DRIVER_ERROR, message));
            });
            return;
        }
        steps.publishEvent(new ProvisioningStepDone(instance.instance(), ProvisioningStepDone.Step.OUTCOME_RECORDED));
        // The first base backup starts the instance's restorable window; the backups' own thread takes it.
        backups.newInstance();
    }

    private InstanceProvisioned provisioned(ProvisionedInstance instance) {
        InstanceProvisioned event = new InstanceProvisioned();
        event.setHostName(instance.hostName());
        event.setPort(instance.port());
        event.setAdminUsername(instance.adminUsername());
        event.setDriver(InstanceDriverKind.valueOf(instance.driver().name()));
        event.setControlPasswordCiphertext(ByteBuffer.wrap(instance.controlPasswordCiphertext()));
        return EventMetadata.stamp(event, instance.operationId(), instance.instance(), clock.instant());
    }

    private ProvisionFailed failed(UUID operationId, InstanceRef ref, ProvisionFailureReason reason, String message) {
        ProvisionFailed event = new ProvisionFailed();
        event.setReason(reason);
        event.setMessage(message);
        return EventMetadata.stamp(event, operationId, ref, clock.instant());
    }
}
