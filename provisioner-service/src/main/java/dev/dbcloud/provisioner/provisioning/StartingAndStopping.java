package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.InstanceStarted;
import dev.dbcloud.events.InstanceStopped;
import dev.dbcloud.events.StartFailed;
import dev.dbcloud.events.StartFailureReason;
import dev.dbcloud.events.StartRequested;
import dev.dbcloud.events.StopFailed;
import dev.dbcloud.events.StopFailureReason;
import dev.dbcloud.events.StopRequested;
import dev.dbcloud.messaging.handled.HandledOperations;
import dev.dbcloud.provisioner.driver.DriverException;
import dev.dbcloud.provisioner.driver.Placement;
import dev.dbcloud.provisioner.driver.PortTakenException;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.provisioning.ProvisionedInstance.Status;
import java.time.Clock;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stopping a local instance's server on purpose, and starting it again, as RDS and Neon let users do. A stopped
 * instance keeps its data and its port; neither the supervisor nor the health watch touches it. A start finds the
 * instance's port taken by another program (after a reboot, say) and moves it to a free port, and its outcome says
 * so. Each command acts once: redelivered, even after a later start or stop, it re-emits its outcome.
 *
 * <p>The instance's row stays locked while its server starts or stops, so a destroy, a health-driven restart and
 * another start or stop of it wait their turn.
 */
@Service
public class StartingAndStopping {

    /** How many ports a start tries when the ones it picks are taken meanwhile. */
    static final int PORT_ATTEMPTS = 5;
    private static final Logger log = LoggerFactory.getLogger(StartingAndStopping.class);

    private final ProvisionedInstances instances;
    private final HandledOperations handled;
    private final ServerAccess access;
    private final TransactionTemplate transactions;
    private final Clock clock;

    StartingAndStopping(ProvisionedInstances instances, HandledOperations handled, ServerAccess access,
            TransactionTemplate transactions, Clock clock) {
        this.instances = instances;
        this.handled = handled;
        this.access = access;
        this.transactions = transactions;
        this.clock = clock;
    }

    public void stop(StopRequested command) {
        if (handled.reEmit(UUID.fromString(command.getOperationId()))) {
            return;
        }
        Optional<ProvisionedInstance> live = instances.live(new InstanceRef(command.getTenant(), command.getInstanceName()));
        String refusal = refusal(live);
        if (refusal != null) {
            handled.emit(command, stopFailed(command,
                    live.filter(i -> i.driver() == DriverKind.LINKED).isPresent() ? StopFailureReason.WRONG_DRIVER
                            : StopFailureReason.INSTANCE_NOT_AVAILABLE, refusal));
            return;
        }
        ProvisionedInstance instance = live.get();
        try {
            Boolean stopped = transactions.execute(tx -> {
                if (!instances.lockSwitchable(instance.operationId())) {
                    return false;
                }
                instances.markStopped(instance.operationId());
                access.driver(instance).stop(access.spec(instance, null));
                handled.emit(command,
                        EventMetadata.stampAsOutcomeOf(command, new InstanceStopped(), clock.instant()));
                return true;
            });
            if (Boolean.TRUE.equals(stopped)) {
                log.info("Stopped {} on request", instance.instance());
            } else {
                handled.emit(command, stopFailed(command,
                        StopFailureReason.INSTANCE_NOT_AVAILABLE, "the instance is being destroyed"));
            }
        } catch (DriverException e) {
            log.warn("Stopping {} failed: {}", instance.instance(), e.getMessage());
            handled.emit(command,
                    stopFailed(command, StopFailureReason.DRIVER_ERROR, e.getMessage()));
        }
    }

    public void start(StartRequested command) {
        if (handled.reEmit(UUID.fromString(command.getOperationId()))) {
            return;
        }
        Optional<ProvisionedInstance> live = instances.live(new InstanceRef(command.getTenant(), command.getInstanceName()));
        String refusal = refusal(live);
        if (refusal != null) {
            handled.emit(command, startFailed(command,
                    live.filter(i -> i.driver() == DriverKind.LINKED).isPresent() ? StartFailureReason.WRONG_DRIVER
                            : StartFailureReason.INSTANCE_NOT_AVAILABLE, refusal));
            return;
        }
        ProvisionedInstance instance = live.get();
        start(command, instance).ifPresent(failure -> handled.emit(command, failure));
    }

    /**
     * Starts the server on its port, or, while other programs hold the ports it tries, on the next free one; the
     * outcome commits with the new state. Answers the failure to emit when it could not.
     */
    private Optional<StartFailed> start(StartRequested command, ProvisionedInstance instance) {
        Set<Integer> taken = new HashSet<>();
        int port = instance.port();
        for (int attempt = 1; ; attempt++) {
            int target = port;
            try {
                Boolean started = transactions.execute(tx -> {
                    if (!instances.lockSwitchable(instance.operationId())) {
                        return false;
                    }
                    if (target != instance.port()) {
                        instances.movePort(instance.operationId(), target);
                    }
                    access.driver(instance).ensureRunning(access.spec(instance, null).onPort(target));
                    instances.markStarted(instance.operationId());
                    handled.emit(command, started(command, instance, target));
                    return true;
                });
                if (!Boolean.TRUE.equals(started)) {
                    return Optional.of(startFailed(command, StartFailureReason.INSTANCE_NOT_AVAILABLE,
                            "the instance is being destroyed"));
                }
                if (target != instance.port()) {
                    log.info("Started {} on port {}: another program holds its port {}", instance.instance(), target,
                            instance.port());
                } else {
                    log.info("Started {} on request", instance.instance());
                }
                return Optional.empty();
            } catch (PortTakenException | DuplicateKeyException e) {
                // The port is another program's, or another instance claimed the one picked: pick the next.
                taken.add(target);
                if (attempt == PORT_ATTEMPTS) {
                    return Optional.of(startFailed(command, StartFailureReason.PORTS_EXHAUSTED, "other programs hold "
                            + "port " + instance.port() + " and the free ports tried after it"));
                }
                Set<Integer> inUse = instances.localPortsInUse();
                inUse.addAll(taken);
                Optional<Placement> placement = access.driver(instance).place(instance.operationId(), inUse);
                if (placement.isEmpty()) {
                    return Optional.of(startFailed(command, StartFailureReason.PORTS_EXHAUSTED, "another program "
                            + "holds port " + instance.port() + " and no free port is left in the range"));
                }
                port = placement.get().port();
            } catch (DriverException e) {
                log.warn("Starting {} failed: {}", instance.instance(), e.getMessage());
                return Optional.of(startFailed(command, StartFailureReason.DRIVER_ERROR, e.getMessage()));
            }
        }
    }

    /** Why a start or stop cannot act on the instance; null when it can. */
    private static String refusal(Optional<ProvisionedInstance> live) {
        if (live.isEmpty()) {
            return "no instance has this name";
        }
        ProvisionedInstance instance = live.get();
        if (instance.driver() == DriverKind.LINKED) {
            return "a linked instance's server is yours: start and stop it where it runs";
        }
        if (instance.status() != Status.AVAILABLE && instance.status() != Status.STOPPED) {
            return "the instance is " + instance.status().name().toLowerCase(java.util.Locale.ROOT);
        }
        return null;
    }

    private InstanceStarted started(StartRequested command, ProvisionedInstance instance, int port) {
        InstanceStarted event = new InstanceStarted();
        event.setHostName(instance.hostName());
        event.setPort(port);
        event.setPreviousPort(port == instance.port() ? null : instance.port());
        return EventMetadata.stampAsOutcomeOf(command, event, clock.instant());
    }

    private StartFailed startFailed(StartRequested command, StartFailureReason reason, String message) {
        StartFailed event = new StartFailed();
        event.setReason(reason);
        event.setMessage(message);
        return EventMetadata.stampAsOutcomeOf(command, event, clock.instant());
    }

    private StopFailed stopFailed(StopRequested command, StopFailureReason reason, String message) {
        StopFailed event = new StopFailed();
        event.setReason(reason);
        event.setMessage(message);
        return EventMetadata.stampAsOutcomeOf(command, event, clock.instant());
    }
}
