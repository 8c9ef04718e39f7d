package dev.dbcloud.provisioner.provisioning;

import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.InstanceRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rounds asked for besides the schedule's (the base backups' after new instances), with the schedule out of reach. */
class InstanceRoundsTest {

    private static final Duration NEVER = Duration.ofHours(1);

    private final AtomicInteger visits = new AtomicInteger();
    private final CountingRounds rounds = new CountingRounds();

    @AfterEach
    void stop() {
        rounds.stop();
    }

    @Test
    void roundsAskedForBeforeTheFirstBeginsAreOneRound() {
        rounds.start();

        for (int i = 0; i < 20; i++) {
            rounds.soon(Duration.ofMillis(300));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> visits.get() >= 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> visits.get() == 1);
    }

    @Test
    void aRoundAskedForOnceTheLastHasBegunIsAnotherRound() {
        rounds.start();
        rounds.soon(Duration.ZERO);
        await().atMost(Duration.ofSeconds(10)).until(() -> visits.get() == 1);

        rounds.soon(Duration.ZERO);

        await().atMost(Duration.ofSeconds(10)).until(() -> visits.get() == 2);
    }

    @Test
    void aRoundAskedForBeforeAStopIsNotLostForTheNextStart() {
        rounds.start();
        rounds.soon(NEVER);
        rounds.stop();

        rounds.start();
        rounds.soon(Duration.ZERO);

        await().atMost(Duration.ofSeconds(10)).until(() -> visits.get() == 1);
    }

    /** One available instance; each round visits it once. */
    private final class CountingRounds extends InstanceRounds {

        CountingRounds() {
            super(new OneInstance(), "counting");
        }

        @Override
        Duration interval() {
            return NEVER;
        }

        @Override
        Duration stopGrace() {
            return Duration.ZERO;
        }

        @Override
        void visit(ProvisionedInstance instance) {
            visits.incrementAndGet();
        }
    }

    private static final class OneInstance extends ProvisionedInstances {

        private final ProvisionedInstance instance = ProvisionedInstance.provisioning(UUID.randomUUID(),
                new InstanceRef("acme", "counted"), "alice", 15432, Path.of("/nonexistent"), new byte[0]);

        OneInstance() {
            super(null, null);
        }

        @Override
        List<ProvisionedInstance> thatShouldRun() {
            return List.of(instance);
        }
    }
}
