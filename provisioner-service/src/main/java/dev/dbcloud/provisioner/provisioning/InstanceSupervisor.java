package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.provisioner.driver.DriverException;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceDrivers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.stereotype.Component;

/**
 * Reconciles what should run with what runs: on start, starts the servers of available instances that are
 * down (after a reboot or a stop of the local stack); while running, starts again a server that went down on its
 * own (the {@link HealthWatch} tells it), waiting longer after each failed try; on shutdown, stops them if so
 * configured.
 */
@Component
class InstanceSupervisor implements SmartLifecycle {

    /** Start before the Kafka listeners, stop after them. */
    static final int PHASE = Integer.MIN_VALUE + 1000;
    private static final Logger log = LoggerFactory.getLogger(InstanceSupervisor.class);

    private final ProvisionedInstances instances;
    private final InstanceDrivers drivers;
    private final ServerAccess access;
    /** After a failed restart, the next waits twice as long, from this... */
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    /** ...to at most this. */
    static final Duration LAST_RETRY = Duration.ofMinutes(1);

    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Map<UUID, Retry> retries = new ConcurrentHashMap<>();
    private volatile boolean running;

    InstanceSupervisor(ProvisionedInstances instances, InstanceDrivers drivers, ServerAccess access,
            TransactionTemplate transactions, Clock clock) {
        this.instances = instances;
        this.drivers = drivers;
        this.access = access;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * Starts the server of an available instance that does not answer, unless a try failed too recently. The
     * instance's row stays locked meanwhile, so a destroy waits for the start to finish, then stops the server.
     */
    void restart(ProvisionedInstance instance) {
        Retry retry = retries.get(instance.operationId());
        Instant now = clock.instant();
        if (!running || (retry != null && now.isBefore(retry.notBefore()))) {
            return;
        }
        try {
            Boolean started = transactions.execute(tx -> {
                if (!instances.lockAvailable(instance.operationId())) {
                    return false;
                }
                access.driver(instance).ensureRunning(access.spec(instance, null));
                return true;
            });
            if (Boolean.TRUE.equals(started)) {
                log.info("Started the server of {} again", instance.instance());
            }
        } catch (RuntimeException e) {
            Duration wait = retry == null ? FIRST_RETRY : min(retry.waited().multipliedBy(2), LAST_RETRY);
            retries.put(instance.operationId(), new Retry(now.plus(wait), wait));
            log.warn("Could not start the server of {} again (next try in {} s): {}", instance.instance(),
                    wait.toSeconds(), e.getMessage());
        }
    }

    /** The instance answers again: its next failure starts from the shortest wait. */
    void recovered(ProvisionedInstance instance) {
        retries.remove(instance.operationId());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private record Retry(Instant notBefore, Duration waited) {
    }

    @Override
    public void start() {
        running = true;
        drivers.all().forEach(InstanceDriver::recoverAfterCrash);
        for (ProvisionedInstance instance : instances.thatShouldRun()) {
            try {
                access.driver(instance).ensureRunning(access.spec(instance, null));
            } catch (DriverException e) {
                log.warn("Could not start {}: {}", instance.instance(), e.getMessage());
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        drivers.all().forEach(InstanceDriver::stopAll);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
