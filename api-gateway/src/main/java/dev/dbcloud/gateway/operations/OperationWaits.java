package dev.dbcloud.gateway.operations;

import dev.dbcloud.gateway.GatewayProperties;
import dev.dbcloud.gateway.status.OperationView;
import dev.dbcloud.gateway.status.StatusUnavailableException;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Long-polls that hold no request thread while they wait: each is a {@link DeferredResult}, answered when its
 * operation is final or its time is up. An outcome event for the operation wakes it ({@link #outcome}); a check
 * every {@link #FALLBACK} catches what no event announces (a TIMEOUT, an outcome another gateway consumed).
 * Checks run on a small pool of their own. A tenant may hold at most {@code maxWaitsPerTenant} at once, so one
 * tenant cannot tie up what every tenant shares.
 */
@Component
public class OperationWaits {

    static final Duration FALLBACK = Duration.ofSeconds(2);
    /**
     * After an outcome event, status-service may take a moment to project it (it consumes the same event): look
     * again, soon at first, since it usually takes a few milliseconds, and no more once the wait is answered.
     */
    private static final long[] AFTER_EVENT_MILLIS = {0, 15, 40, 100, 250, 600, 1200};
    private static final Logger log = LoggerFactory.getLogger(OperationWaits.class);

    private final Operations operations;
    private final int maxPerTenant;
    private final Map<UUID, Set<Wait>> waits = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perTenant = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers;
    private final ExecutorService checks;

    OperationWaits(Operations operations, GatewayProperties properties) {
        this.operations = operations;
        this.maxPerTenant = properties.maxWaitsPerTenant();
        this.timers = Executors.newSingleThreadScheduledExecutor(daemon("operation-wait-timer"));
        this.checks = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000),
                daemon("operation-wait-check"), new ThreadPoolExecutor.DiscardPolicy());
    }

    /**
     * Answers {@code current} once the operation is final, or its latest state after {@code wait}.
     *
     * @throws TooManyWaitsException when the tenant already holds its share of long-polls
     */
    public DeferredResult<OperationView> await(String tenant, OperationView current, Duration wait) {
        AtomicInteger held = perTenant.computeIfAbsent(tenant, t -> new AtomicInteger());
        if (held.incrementAndGet() > maxPerTenant) {
            held.decrementAndGet();
            throw new TooManyWaitsException();
        }
        Wait waiting = new Wait(tenant, current);
        DeferredResult<OperationView> result = new DeferredResult<>(wait.toMillis(), waiting.latest::get);
        waiting.result = result;
        waits.computeIfAbsent(current.id(), id -> ConcurrentHashMap.newKeySet()).add(waiting);
        waiting.fallback = timers.scheduleWithFixedDelay(() -> check(waiting), FALLBACK.toMillis(), FALLBACK.toMillis(),
                TimeUnit.MILLISECONDS);
        result.onCompletion(() -> {
            waiting.fallback.cancel(false);
            waits.computeIfPresent(current.id(), (id, set) -> {
                set.remove(waiting);
                return set.isEmpty() ? null : set;
            });
            held.decrementAndGet();
        });
        return result;
    }

    /** An outcome of the operation was published: whoever waits for it looks again. */
    public void outcome(UUID operationId) {
        Set<Wait> waiting = waits.get(operationId);
        if (waiting == null) {
            return;
        }
        for (Wait wait : waiting) {
            for (long delay : AFTER_EVENT_MILLIS) {
                timers.schedule(() -> check(wait), delay, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void check(Wait wait) {
        if (wait.result.isSetOrExpired()) {
            return;
        }
        try {
            checks.execute(() -> {
                try {
                    operations.current(wait.tenant, wait.latest.get().id()).ifPresent(operation -> {
                        wait.latest.set(operation);
                        if (operation.ended()) {
                            wait.result.setResult(operation);
                        }
                    });
                } catch (StatusUnavailableException e) {
                    log.debug("status-service did not answer a long-poll's check; the next one will ask again");
                } catch (RuntimeException e) {
                    log.warn("A long-poll's check failed: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            // the gateway is stopping; the wait times out with what it has
        }
    }

    @PreDestroy
    void stop() {
        timers.shutdownNow();
        checks.shutdownNow();
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static final class Wait {
        final String tenant;
        final AtomicReference<OperationView> latest;
        volatile DeferredResult<OperationView> result;
        volatile ScheduledFuture<?> fallback;

        Wait(String tenant, OperationView current) {
            this.tenant = tenant;
            this.latest = new AtomicReference<>(current);
        }
    }

    /** The tenant already holds as many long-polls as it may. */
    public static final class TooManyWaitsException extends RuntimeException {
        TooManyWaitsException() {
            super("too many long-polls at once");
        }
    }
}
