package dev.dbcloud.gateway.operations;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.dbcloud.gateway.GatewayProperties;
import dev.dbcloud.gateway.status.OperationView;
import dev.dbcloud.gateway.status.StatusClient;
import dev.dbcloud.gateway.status.StatusUnavailableException;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Long-polls that hold no request thread while they wait: each is a {@link DeferredResult}, answered when its
 * operation is final or its time is up. An outcome event for the operation wakes it ({@link #outcome}), even one
 * that came while the wait was being set up. Every {@link #FALLBACK} one sweep looks up all waiting operations,
 * one request per tenant for up to {@link StatusClient#MAX_LOOKUP} of them, to catch what no event announces (a
 * TIMEOUT, an outcome another gateway consumed): 200 waiting long-polls of a tenant cost status-service two
 * requests every 2 s, not 100 a second. Checks run on a small pool of their own. A tenant may hold at most
 * {@code maxWaitsPerTenant} at once, so one tenant cannot tie up what every tenant shares; past that, a newcomer
 * ends the tenant's oldest wait early (see {@link #await}).
 */
@Component
public class OperationWaits {

    static final Duration FALLBACK = Duration.ofSeconds(2);
    /**
     * After an outcome event, status-service may take a moment to project it (it consumes the same event): look
     * again, soon at first, since it usually takes a few milliseconds, and no more once the wait is answered.
     */
    private static final long[] AFTER_EVENT_MILLIS = {0, 15, 40, 100, 250, 600, 1200};
    /**
     * How long an outcome event is remembered: a long-poll reads its operation (still pending) before it registers,
     * and an event that arrives in between finds no wait to wake.
     */
    private static final Duration RECENT = Duration.ofMinutes(1);
    /** How long a wait is held before a newcomer of its tenant, past the share, may answer it early. */
    static final Duration MAKE_ROOM_AFTER = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(OperationWaits.class);

    private final Operations operations;
    private final int maxPerTenant;
    private final long makeRoomAfterNanos;
    private final Map<UUID, Set<Wait>> waits = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perTenant = new ConcurrentHashMap<>();
    private final Cache<UUID, Boolean> recentOutcomes =
            Caffeine.newBuilder().expireAfterWrite(RECENT).maximumSize(100_000).build();
    private final ScheduledExecutorService timers;
    private final ExecutorService checks;

    @Autowired
    OperationWaits(Operations operations, GatewayProperties properties) {
        this(operations, properties.maxWaitsPerTenant(), FALLBACK, MAKE_ROOM_AFTER);
    }

    /**
     * @param fallback the pause between two lookups of every waiting operation
     * @param makeRoomAfter how long a wait is held before a new one of its tenant, past the share, may end it early
     */
    OperationWaits(Operations operations, int maxPerTenant, Duration fallback, Duration makeRoomAfter) {
        this.operations = operations;
        this.maxPerTenant = maxPerTenant;
        this.makeRoomAfterNanos = makeRoomAfter.toNanos();
        this.timers = Executors.newSingleThreadScheduledExecutor(daemon("operation-wait-timer"));
        this.checks = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000),
                daemon("operation-wait-check"), new ThreadPoolExecutor.DiscardPolicy());
        timers.scheduleWithFixedDelay(this::sweep, fallback.toMillis(), fallback.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Answers {@code current} once the operation is final, or its latest state after {@code wait}. Past the tenant's
     * share, the tenant's oldest wait held for {@link #MAKE_ROOM_AFTER} or more is answered now with the operation's
     * latest state, still pending, and this one takes its place: the servlet container does not tell when a client
     * hangs up, so waits nobody reads any more would otherwise keep the share until their time is up.
     *
     * @throws TooManyWaitsException when the tenant already holds its share of long-polls, all of them held for less
     *     than {@link #MAKE_ROOM_AFTER}
     */
    public DeferredResult<OperationView> await(String tenant, OperationView current, Duration wait) {
        AtomicInteger held = perTenant.computeIfAbsent(tenant, t -> new AtomicInteger());
        if (held.incrementAndGet() > maxPerTenant && !answerOldest(tenant)) {
            held.decrementAndGet();
            throw new TooManyWaitsException();
        }
        Wait waiting = new Wait(tenant, current);
        DeferredResult<OperationView> result = new DeferredResult<>(wait.toMillis(), waiting.latest::get);
        waiting.result = result;
        waits.computeIfAbsent(current.id(), id -> ConcurrentHashMap.newKeySet()).add(waiting);
        result.onCompletion(() -> {
            waits.computeIfPresent(current.id(), (id, set) -> {
                set.remove(waiting);
                return set.isEmpty() ? null : set;
            });
            held.decrementAndGet();
        });
        // Registered first, looked up second, as outcome() does the reverse: one of the two sees the other.
        if (recentOutcomes.getIfPresent(current.id()) != null) {
            wake(waiting);
        }
        return result;
    }

    /**
     * Answers the tenant's oldest wait held for {@link #MAKE_ROOM_AFTER} or more with what it last knew; false when
     * there is none. Its slot is given back when the answer has gone out (or failed to, its client gone).
     */
    private boolean answerOldest(String tenant) {
        long now = System.nanoTime();
        while (true) {
            Wait oldest = null;
            for (Set<Wait> waiting : waits.values()) {
                for (Wait wait : waiting) {
                    if (wait.tenant.equals(tenant) && now - wait.since >= makeRoomAfterNanos
                            && !wait.result.isSetOrExpired() && (oldest == null || wait.since < oldest.since)) {
                        oldest = wait;
                    }
                }
            }
            if (oldest == null) {
                return false;
            }
            if (oldest.result.setResult(oldest.latest.get())) {
                return true;
            }
            // Answered meanwhile (its outcome, its time, or another newcomer): look again.
        }
    }

    /** An outcome of the operation was published: whoever waits for it looks again. */
    public void outcome(UUID operationId) {
        recentOutcomes.put(operationId, Boolean.TRUE);
        Set<Wait> waiting = waits.get(operationId);
        if (waiting == null) {
            return;
        }
        for (Wait wait : waiting) {
            wake(wait);
        }
    }

    private void wake(Wait wait) {
        for (long delay : AFTER_EVENT_MILLIS) {
            timers.schedule(() -> check(wait), delay, TimeUnit.MILLISECONDS);
        }
    }

    private void check(Wait wait) {
        if (wait.result.isSetOrExpired()) {
            return;
        }
        submit(() -> operations.current(wait.tenant, wait.latest.get().id())
                .ifPresent(operation -> settle(wait, operation)));
    }

    /** Looks up every waiting operation: one request per tenant and {@link StatusClient#MAX_LOOKUP} waits. */
    private void sweep() {
        Map<String, List<Wait>> byTenant = new HashMap<>();
        for (Set<Wait> waiting : waits.values()) {
            for (Wait wait : waiting) {
                if (!wait.result.isSetOrExpired()) {
                    byTenant.computeIfAbsent(wait.tenant, tenant -> new ArrayList<>()).add(wait);
                }
            }
        }
        byTenant.forEach((tenant, tenantWaits) -> {
            int count = tenantWaits.size();
            for (int from = 0; from < count; from += StatusClient.MAX_LOOKUP) {
                List<Wait> some = tenantWaits.subList(from, Math.min(from + StatusClient.MAX_LOOKUP, count));
                submit(() -> {
                    Set<UUID> ids = some.stream().map(wait -> wait.latest.get().id()).collect(Collectors.toSet());
                    Map<UUID, OperationView> found = operations.projected(tenant, ids);
                    for (Wait wait : some) {
                        OperationView operation = found.get(wait.latest.get().id());
                        if (operation != null) {
                            settle(wait, operation);
                        }
                    }
                });
            }
        });
    }

    private static void settle(Wait wait, OperationView operation) {
        wait.latest.set(operation);
        if (operation.ended()) {
            wait.result.setResult(operation);
        }
    }

    /** Runs a check on the checks' pool; one that fails leaves its waits to the next. */
    private void submit(Runnable check) {
        try {
            checks.execute(() -> {
                try {
                    check.run();
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
        final long since = System.nanoTime();
        final AtomicReference<OperationView> latest;
        volatile DeferredResult<OperationView> result;

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
