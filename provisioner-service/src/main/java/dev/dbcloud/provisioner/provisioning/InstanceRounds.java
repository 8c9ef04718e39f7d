package dev.dbcloud.provisioner.provisioning;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Rounds over every instance whose server should run (AVAILABLE local ones), on a thread of their own, one after
 * another with a fixed pause between: the health watch's and the base backups'. They run only while the
 * {@link InstanceSupervisor} does: they start after it started the servers and end, the round in flight included,
 * before it stops them on shutdown. Nothing that fails in a round ends the schedule.
 */
abstract class InstanceRounds implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InstanceRounds.class);

    private final ProvisionedInstances instances;
    private final String name;
    private volatile ScheduledExecutorService rounds;
    private final AtomicBoolean soonPending = new AtomicBoolean();

    /** @param name the rounds' thread, and what they do in log lines ("base-backups") */
    InstanceRounds(ProvisionedInstances instances, String name) {
        this.instances = instances;
        this.name = name;
    }

    /** The pause between two rounds. */
    abstract Duration interval();

    /** The pause before the first round. */
    Duration firstDelay() {
        return interval();
    }

    /** How long a stop waits for the round in flight before it interrupts it. */
    abstract Duration stopGrace();

    /** Does the round's work for one instance. */
    abstract void visit(ProvisionedInstance instance);

    @Override
    public void start() {
        // A round asked for before the last stop died with that stop's executor.
        soonPending.set(false);
        rounds = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
        rounds.scheduleWithFixedDelay(this::round, firstDelay().toMillis(), interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A round after {@code delay}, besides the schedule's (and after the one in flight, if any). Asked again before
     * it begins, it stays one round: a burst of new instances costs one round, not one each.
     */
    void soon(Duration delay) {
        ScheduledExecutorService current = rounds;
        if (current != null && soonPending.compareAndSet(false, true)) {
            current.schedule(() -> {
                // Reset first: an instance that comes while this round runs may be after its look, and asks again.
                soonPending.set(false);
                round();
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService stopping = rounds;
        rounds = null;
        if (stopping == null) {
            return;
        }
        stopping.shutdown();
        try {
            if (!stopping.awaitTermination(stopGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                stopping.shutdownNow();
            }
        } catch (InterruptedException e) {
            stopping.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return rounds != null;
    }

    @Override
    public int getPhase() {
        return InstanceSupervisor.PHASE + 1;
    }

    private void round() {
        try {
            for (ProvisionedInstance instance : instances.thatShouldRun()) {
                if (rounds == null || Thread.currentThread().isInterrupted()) {
                    return;
                }
                try {
                    visit(instance);
                } catch (RuntimeException e) {
                    log.warn("{} of {} failed: {}", name, instance.instance(), e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            log.warn("A round of {} failed: {}", name, e.toString());
        }
    }
}
