package dev.dbcloud.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.events.ProvisionFailureReason;
import dev.dbcloud.status.fleet.FleetEndpoint;
import dev.dbcloud.status.fleet.FleetEndpoint.Fleet;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** What status-service tells dashboards: operation durations, projection lag, instances by status, the fleet. */
class OperabilityIntegrationTest extends ReadModelIntegrationTest {

    @Autowired MeterRegistry meters;
    @Autowired FleetEndpoint fleet;

    @Test
    void anOperationsDurationFromItsRequestToItsOutcomeGoesIntoTheHistogramOfItsTypeAndOutcome() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();
        double before = totalSeconds("PROVISION", "SUCCEEDED");
        long projectedBefore = meters.find("dbcloud.projection.lag").timer().count();

        requested(story.provisionRequested(provision, 1));
        // An hour and a bit later, as the events say: no other test's provisioning takes as long.
        outcome(story.provisioned(provision, 3_700, 54321));

        await().atMost(BOUND).until(() -> totalSeconds("PROVISION", "SUCCEEDED") - before >= 3_699);
        Timer provisions = meters.get("dbcloud.operation.duration").tags("type", "PROVISION", "outcome", "SUCCEEDED")
                .timer();
        assertThat(provisions.takeSnapshot().histogramCounts()).as("a histogram, for p50/p99 in Prometheus")
                .isNotEmpty();
        assertThat(meters.get("dbcloud.projection.lag").timer().count()).isGreaterThanOrEqualTo(projectedBefore + 2);
        await().atMost(BOUND).until(() -> meters.find("dbcloud.instances").tags("status", "AVAILABLE", "driver", "LOCAL")
                .gauge() != null && meters.get("dbcloud.instances").tags("status", "AVAILABLE", "driver", "LOCAL")
                .gauge().value() >= 1);
    }

    @Test
    void aFailedOperationIsTimedAsFailedAndTheFleetListsItsReasonAmongTheLastHoursFailures() {
        // A story of a minute ago, so that its failure lies in the last hour.
        InstanceStory story = InstanceStory.of("orders").startingAt(Instant.now().minusSeconds(60));
        UUID provision = UUID.randomUUID();
        long failedBefore = count("PROVISION", "FAILED");

        requested(story.provisionRequested(provision, 1));
        outcome(story.provisionFailed(provision, 2, ProvisionFailureReason.DRIVER_ERROR, "initdb exited with 1"));

        await().atMost(BOUND).until(() -> count("PROVISION", "FAILED") > failedBefore);
        Fleet now = fleet.fleet();
        assertThat(now.failuresLastHour()).anySatisfy(failures -> {
            assertThat(failures.type()).isEqualTo("PROVISION");
            assertThat(failures.reason()).isEqualTo("DRIVER_ERROR");
            assertThat(failures.count()).isGreaterThanOrEqualTo(1);
        });
        assertThat(now.instances()).anySatisfy(count -> {
            assertThat(count.status()).isEqualTo("FAILED");
            assertThat(count.driver()).isEqualTo("LOCAL");
        });
    }

    @Test
    void theFleetNamesTheOldestOperationStillWaitingForItsOutcome() {
        // Requested now, it waits until the sweep ends it (3 seconds here), older than any other still waiting.
        InstanceStory story = InstanceStory.of("orders").startingAt(Instant.now().minusSeconds(1));
        UUID provision = UUID.randomUUID();

        command(story.provisionRequested(provision, 0));

        // Until the command is projected there may be no waiting operation at all: null, which the await retries.
        await().atMost(BOUND).untilAsserted(() -> assertThat(fleet.fleet().oldestUnfinishedOperation())
                .isNotNull()
                .satisfies(oldest -> {
                    assertThat(oldest.id()).isEqualTo(provision);
                    assertThat(oldest.type()).isEqualTo("PROVISION");
                    assertThat(oldest.tenant()).isEqualTo(story.tenant());
                    assertThat(oldest.ageSeconds()).isBetween(0L, 5L);
                }));
    }

    /**
     * Publishes the command and waits until it is projected: an outcome projected before its command (records of two
     * topics come in no set order) records no duration, since nobody knows yet when the operation was requested.
     */
    private void requested(SpecificRecordBase command) {
        command(command);
        await().atMost(BOUND).until(() -> applied(command));
    }

    private double totalSeconds(String type, String outcome) {
        Timer timer = meters.find("dbcloud.operation.duration").tags("type", type, "outcome", outcome).timer();
        return timer == null ? 0 : timer.totalTime(TimeUnit.SECONDS);
    }

    private long count(String type, String outcome) {
        Timer timer = meters.find("dbcloud.operation.duration").tags("type", type, "outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }
}
