package dev.dbcloud.gateway.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.gateway.status.OperationStatus;
import dev.dbcloud.gateway.status.OperationView;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Long-polls woken by outcome events, and a tenant's share of them, with the periodic lookup pushed out of reach (an
 * hour), so that only a wake-up or a newcomer can answer them.
 */
class OperationWaitsTest {

    private static final String TENANT = "acme";
    private static final Duration NO_SWEEP = Duration.ofHours(1);

    private final UUID id = UUID.randomUUID();
    private final AtomicReference<OperationView> projected = new AtomicReference<>(view(OperationStatus.PENDING));
    private final OperationWaits waits = new OperationWaits(new ProjectedOnly(), 50, NO_SWEEP, Duration.ofHours(1));

    @AfterEach
    void stop() {
        waits.stop();
    }

    @Test
    void anOutcomeEventWakesTheWaitForItsOperation() {
        DeferredResult<OperationView> result = waits.await(TENANT, view(OperationStatus.PENDING), Duration.ofMinutes(1));

        projected.set(view(OperationStatus.SUCCEEDED));
        waits.outcome(id);

        await().atMost(Duration.ofSeconds(10)).until(result::hasResult);
        assertThat(((OperationView) result.getResult()).status()).isEqualTo(OperationStatus.SUCCEEDED);
    }

    /**
     * The controller reads the operation (still PENDING), its outcome event arrives, and only then is the wait
     * registered: the event found no wait to wake, and the wait must not sleep until the next lookup.
     */
    @Test
    void aWaitRegisteredJustAfterItsOutcomeEventWentByIsWokenAllTheSame() {
        OperationView readBeforeTheEvent = view(OperationStatus.PENDING);
        projected.set(view(OperationStatus.SUCCEEDED));
        waits.outcome(id);

        DeferredResult<OperationView> result = waits.await(TENANT, readBeforeTheEvent, Duration.ofMinutes(1));

        await().atMost(Duration.ofSeconds(10)).until(result::hasResult);
        assertThat(((OperationView) result.getResult()).status()).isEqualTo(OperationStatus.SUCCEEDED);
    }

    @Test
    void anEventOfAnotherOperationWakesNothing() {
        DeferredResult<OperationView> result = waits.await(TENANT, view(OperationStatus.PENDING), Duration.ofMinutes(1));
        projected.set(view(OperationStatus.SUCCEEDED));

        waits.outcome(UUID.randomUUID());

        // The checks an event schedules end within 1.2 s; none of them may have looked at this wait.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> !result.hasResult());
    }

    @Test
    void pastTheSharePollsAreRefusedWhileTheHeldOnesAreYoung() {
        OperationWaits one = new OperationWaits(new ProjectedOnly(), 1, NO_SWEEP, Duration.ofHours(1));
        try {
            DeferredResult<OperationView> held = one.await(TENANT, view(OperationStatus.PENDING), Duration.ofMinutes(1));

            assertThatThrownBy(() -> one.await(TENANT, view(OperationStatus.PENDING), Duration.ofMinutes(1)))
                    .isInstanceOf(OperationWaits.TooManyWaitsException.class);
            assertThat(held.hasResult()).isFalse();
            // Another tenant has a share of its own.
            assertThat(one.await("other", view(OperationStatus.PENDING), Duration.ofMinutes(1)).hasResult()).isFalse();
        } finally {
            one.stop();
        }
    }

    /** A client that hung up is not told apart from one that waits; the oldest wait makes room, answered as it stands. */
    @Test
    void pastTheShareTheOldestWaitHeldLongEnoughIsAnsweredNowAndTheNewcomerWaits() {
        OperationWaits one = new OperationWaits(new ProjectedOnly(), 1, NO_SWEEP, Duration.ZERO);
        try {
            DeferredResult<OperationView> oldest = one.await(TENANT, view(OperationStatus.PENDING), Duration.ofMinutes(1));

            DeferredResult<OperationView> newcomer =
                    one.await(TENANT, view(OperationStatus.PENDING), Duration.ofMinutes(1));

            assertThat(oldest.hasResult()).isTrue();
            assertThat(((OperationView) oldest.getResult()).status()).isEqualTo(OperationStatus.PENDING);
            assertThat(newcomer.hasResult()).isFalse();
        } finally {
            one.stop();
        }
    }

    private OperationView view(OperationStatus status) {
        Instant now = Instant.parse("2026-12-05T12:00:00Z");
        return new OperationView(id, "PROVISION", "orders", status, null, now, now, null);
    }

    /** Answers what {@link #projected} holds, as status-service would once it has projected the outcome. */
    private final class ProjectedOnly extends Operations {

        ProjectedOnly() {
            super(null, null, null);
        }

        @Override
        public Optional<OperationView> current(String tenant, UUID operationId) {
            return Optional.of(projected.get()).filter(view -> view.id().equals(operationId));
        }

        @Override
        public Map<UUID, OperationView> projected(String tenant, Collection<UUID> ids) {
            OperationView view = projected.get();
            return ids.contains(view.id()) ? Map.of(view.id(), view) : Map.of();
        }
    }
}
