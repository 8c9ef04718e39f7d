package dev.dbcloud.gateway.status;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Reads of one instance, answered again from what status-service said for up to
 * {@code dbcloud.gateway.reads.cache-for} (1 s), so a busy client's reads of the same instance cost no hop to
 * status-service. Only a settled instance is remembered (AVAILABLE, UNAVAILABLE, STOPPED, FAILED), never one missing,
 * and never an answer older than what this gateway knows happened to it:
 * <ul>
 *   <li>a command for the instance accepted here forgets it, and nothing is remembered of it until the command's
 *       outcome arrives and status-service has applied it ({@link #commandAccepted});</li>
 *   <li>any other event about it forgets it, and an answer is remembered again only once status-service has applied
 *       that event: its {@code updatedAt} is the latest {@code occurredAt} applied ({@link #eventSeen}).</li>
 * </ul>
 * So a client that saw its operation end never reads the instance as it was before. An event consumed by another
 * gateway is not seen here: a read here may then be up to {@code cache-for} older than status-service's view. An
 * answer at another version than the one awaited (status-service applied an event this gateway has not seen yet, or
 * a command) is not remembered until this gateway sees a later event. What is awaited is given up after an hour,
 * should its event never come here; met, it stays as long, so an answer asked for before the event and arriving after
 * a fresher one was remembered is refused too.
 */
@Component
public class InstanceReads {

    private static final Set<String> SETTLED = Set.of("AVAILABLE", "UNAVAILABLE", "STOPPED", "FAILED");
    static final Duration GIVE_UP_WAITING_AFTER = Duration.ofHours(1);

    private record Key(String tenant, String name) {
    }

    /**
     * What an answer must reflect to be remembered: status-service's view at {@code version} (the last event seen
     * here), and, while {@code operation} is set, that operation's outcome first. {@code since}: the ticker's time
     * when it began, from which it is given up.
     */
    private record Awaited(String version, UUID operation, long since) {
        boolean satisfiedBy(VersionedInstance answer) {
            return operation == null && version.equals(answer.version());
        }
    }

    /** An hour after an awaited thing began, however often reads met or missed it since. */
    private static final class GiveUp implements Expiry<Key, Awaited> {
        @Override
        public long expireAfterCreate(Key key, Awaited value, long currentTime) {
            return GIVE_UP_WAITING_AFTER.toNanos() - (currentTime - value.since());
        }

        @Override
        public long expireAfterUpdate(Key key, Awaited value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(Key key, Awaited value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    private final BiFunction<String, String, Optional<VersionedInstance>> status;
    private final boolean enabled;
    private final Cache<Key, InstanceView> answers;
    private final Cache<Key, Awaited> awaited;
    private final Ticker ticker;

    @Autowired
    InstanceReads(StatusClient status, InstanceReadProperties properties) {
        this(status::instance, properties, Ticker.systemTicker());
    }

    InstanceReads(BiFunction<String, String, Optional<VersionedInstance>> status, InstanceReadProperties properties,
            Ticker ticker) {
        this.status = status;
        this.enabled = !properties.cacheFor().isZero();
        this.answers = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(properties.cacheFor())
                .maximumSize(enabled ? properties.cacheSize() : 0).build();
        this.ticker = ticker;
        this.awaited = Caffeine.newBuilder().ticker(ticker).expireAfter(new GiveUp())
                .maximumSize(10L * properties.cacheSize()).build();
    }

    /** The tenant's instance of that name, as status-service said it lately; empty when it has none. */
    public Optional<InstanceView> instance(String tenant, String name) {
        if (!enabled) {
            return status.apply(tenant, name).map(VersionedInstance::instance);
        }
        Key key = new Key(tenant, name);
        InstanceView remembered = answers.getIfPresent(key);
        if (remembered != null) {
            return Optional.of(remembered);
        }
        Optional<VersionedInstance> answer = status.apply(tenant, name);
        answer.filter(versioned -> SETTLED.contains(versioned.instance().status())).ifPresent(versioned ->
                // Atomic with the event and command calls below, for the key: none can slip in between the check and
                // the put, so an answer from before an event is never remembered after it.
                awaited.asMap().compute(key, (k, required) -> {
                    if (required == null) {
                        // Nothing seen here says which answer is fresher: keep the one remembered first.
                        answers.asMap().putIfAbsent(key, versioned.instance());
                    } else if (required.satisfiedBy(versioned)) {
                        answers.put(key, versioned.instance());
                    }
                    // What is awaited stays after it was met, so an answer asked for before the event and slower to
                    // come is still refused.
                    return required;
                }));
        return answer.map(VersionedInstance::instance);
    }

    /**
     * A command for the instance was accepted: it is read from status-service until the outcome of its operation has
     * arrived here and been applied there.
     */
    public void commandAccepted(String tenant, String name, UUID operation) {
        Key key = new Key(tenant, name);
        awaited.asMap().compute(key, (k, required) -> {
            answers.invalidate(key);
            return new Awaited(null, operation, ticker.read());
        });
    }

    /** An event about the instance arrived: an answer from before status-service applied it is stale. */
    public void eventSeen(String tenant, String name, UUID operation, UUID eventId) {
        Key key = new Key(tenant, name);
        awaited.asMap().compute(key, (k, required) -> {
            answers.invalidate(key);
            boolean stillAwaited = required != null && required.operation() != null
                    && !required.operation().equals(operation);
            return new Awaited(eventId.toString(), stillAwaited ? required.operation() : null, ticker.read());
        });
    }
}
