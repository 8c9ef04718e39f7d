package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.provisioner.driver.DriverException;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.local.LocalServerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reconciles what should run with what runs: on start, starts the servers of available instances that are
 * down (after a reboot or a stop of the local stack); on shutdown, stops them if so configured.
 */
@Component
class InstanceSupervisor implements SmartLifecycle {

    /** Start before the Kafka listeners, stop after them. */
    static final int PHASE = Integer.MIN_VALUE + 1000;
    private static final Logger log = LoggerFactory.getLogger(InstanceSupervisor.class);

    private final ProvisionedInstances instances;
    private final InstanceDriver driver;
    private final ServerAccess access;
    private final LocalServerProperties properties;
    private volatile boolean running;

    InstanceSupervisor(ProvisionedInstances instances, InstanceDriver driver, ServerAccess access,
            LocalServerProperties properties) {
        this.instances = instances;
        this.driver = driver;
        this.access = access;
        this.properties = properties;
    }

    @Override
    public void start() {
        running = true;
        driver.recoverAfterCrash();
        for (ProvisionedInstance instance : instances.thatShouldRun()) {
            try {
                driver.ensureRunning(access.spec(instance, null));
            } catch (DriverException e) {
                log.warn("Could not start {}: {}", instance.instance(), e.getMessage());
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        if (properties.stopServersOnShutdown()) {
            driver.stopAll();
        }
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
