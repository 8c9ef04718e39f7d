package dev.dbcloud.status;

import static dev.dbcloud.status.InstanceStory.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.events.InstanceHealth;
import dev.dbcloud.events.InstanceHealthChanged;
import dev.dbcloud.events.InstanceStopped;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

/** Stopping and starting an instance on request, as the read model shows it. */
class StartAndStopIntegrationTest extends ReadModelIntegrationTest {

    @Test
    void aStoppedInstanceIsStoppedUntilItStartsAndAStartThatMovedItShowsTheNewPort() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID stop = UUID.randomUUID();
        command(story.stopRequested(stop, 10));
        outcome(story.stopped(stop, 11));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders"))
                .hasValueSatisfying(instance -> assertThat(instance.status()).isEqualTo("STOPPED")));
        assertThat(api.operation(story.tenant(), stop)).hasValueSatisfying(operation -> {
            assertThat(operation.type()).isEqualTo("STOP");
            assertThat(operation.status()).isEqualTo("SUCCEEDED");
        });

        // A health report does not move a stopped instance.
        outcome(story.health(InstanceHealth.UNAVAILABLE, 12));
        UUID start = UUID.randomUUID();
        command(story.startRequested(start, 13));
        outcome(story.started(start, 14, 54399, 54321));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders"))
                .hasValueSatisfying(instance -> {
                    assertThat(instance.status()).isEqualTo("AVAILABLE");
                    assertThat(instance.port()).isEqualTo(54399);
                    assertThat(instance.statusReason()).isNull();
                    assertThat(instance.updatedAt()).isEqualTo(at(14).toString());
                }));
        assertThat(api.operation(story.tenant(), start)).hasValueSatisfying(operation -> {
            assertThat(operation.type()).isEqualTo("START");
            assertThat(operation.status()).isEqualTo("SUCCEEDED");
        });
    }

    @Test
    void aStoppedInstanceStaysStoppedWhenAHealthReportComesAfterTheStop() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID stop = UUID.randomUUID();
        command(story.stopRequested(stop, 10));
        outcome(story.stopped(stop, 11));
        outcome(story.health(InstanceHealth.AVAILABLE, 12));
        UUID failedStart = UUID.randomUUID();
        command(story.startRequested(failedStart, 13));
        outcome(story.startFailed(failedStart, 14, "no free port is left in the range"));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operation(story.tenant(), failedStart))
                .hasValueSatisfying(operation -> {
                    assertThat(operation.status()).isEqualTo("FAILED");
                    assertThat(operation.error().code()).isEqualTo("PORTS_EXHAUSTED");
                }));
        assertThat(api.instance(story.tenant(), "orders")).hasValueSatisfying(instance -> {
            assertThat(instance.status()).isEqualTo("STOPPED");
            assertThat(instance.port()).isEqualTo(54321);
        });
    }

    /**
     * The gateway remembers an answer only once it has the last event the gateway saw: the ETag names that event even
     * when it changed nothing and happened before the one applied ahead of it.
     */
    @Test
    void theInstancesEtagIsTheLastEventAppliedToItWhateverItsTimeOrEffect() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID stop = UUID.randomUUID();
        command(story.stopRequested(stop, 10));
        InstanceHealthChanged seenWhileStopping = story.health(InstanceHealth.AVAILABLE, 12);
        assertVersionOnceApplied(story, seenWhileStopping);

        InstanceStopped stopped = story.stopped(stop, 11);
        assertVersionOnceApplied(story, stopped);
        assertThat(api.instance(story.tenant(), "orders")).hasValueSatisfying(instance -> {
            assertThat(instance.status()).isEqualTo("STOPPED");
            assertThat(instance.updatedAt()).isEqualTo(at(12).toString());
        });

        InstanceHealthChanged ignored = story.health(InstanceHealth.UNAVAILABLE, 13);
        assertVersionOnceApplied(story, ignored);
        assertThat(api.raw("/internal/tenants/" + story.tenant() + "/instances/orders").getBody())
                .doesNotContain(EventMetadata.of(ignored).eventId().toString());
    }

    /** Publishes the event; once status-service has applied it, the instance's ETag must name it. */
    private void assertVersionOnceApplied(InstanceStory story, SpecificRecordBase event) {
        outcome(event);
        await().atMost(BOUND).until(() -> applied(event));
        assertThat(api.instanceVersion(story.tenant(), story.name()))
                .contains(EventMetadata.of(event).eventId().toString());
    }
}
