package dev.dbcloud.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What the gateway remembers of instance reads: settled answers for a while, never across tenants, never an answer
 * from before an event it saw or a command it accepted.
 */
class InstanceReadsTest {

    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    /** The last event status-service applied before each test. */
    private static final UUID E0 = UUID.randomUUID();

    private final Map<String, VersionedInstance> statusService = new HashMap<>();
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicLong nanos = new AtomicLong();
    /** What happens while the next answer of status-service is on its way to the gateway. */
    private Runnable whileAnswering;
    private final InstanceReads reads = reads(Duration.ofSeconds(1));

    private InstanceReads reads(Duration cacheFor) {
        return new InstanceReads((tenant, name) -> {
            asked.incrementAndGet();
            Optional<VersionedInstance> answer = Optional.ofNullable(statusService.get(tenant + "/" + name));
            Runnable meanwhile = whileAnswering;
            whileAnswering = null;
            if (meanwhile != null) {
                meanwhile.run();
            }
            return answer;
        }, new InstanceReadProperties(cacheFor, 100), nanos::get);
    }

    /** What status-service answers from now on: the instance with the last event it applied, {@code version}. */
    private void project(String tenant, String name, String status, UUID version) {
        statusService.put(tenant + "/" + name, new VersionedInstance(new InstanceView(name, "localhost", 15432, status,
                null, "alice", "local", T0, T0, null), version.toString()));
    }

    private String read(String tenant, String name) {
        return reads.instance(tenant, name).map(InstanceView::status).orElse("none");
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    @Test
    void aSettledInstanceIsAnsweredAgainWithoutAskingUntilItsTimeIsUp() {
        project("acme", "orders", "AVAILABLE", E0);

        assertThat(read("acme", "orders")).isEqualTo("AVAILABLE");
        assertThat(read("acme", "orders")).isEqualTo("AVAILABLE");
        assertThat(asked).hasValue(1);

        advance(Duration.ofMillis(1001));
        assertThat(read("acme", "orders")).isEqualTo("AVAILABLE");
        assertThat(asked).hasValue(2);
    }

    @Test
    void instancesUnderWayMissingOrOfAnotherTenantAreAlwaysAsked() {
        project("acme", "orders", "PROVISIONING", E0);
        project("globex", "orders", "AVAILABLE", E0);

        assertThat(read("acme", "orders")).isEqualTo("PROVISIONING");
        assertThat(read("acme", "orders")).isEqualTo("PROVISIONING");
        assertThat(read("acme", "missing")).isEqualTo("none");
        assertThat(read("acme", "missing")).isEqualTo("none");
        assertThat(asked).hasValue(4);

        assertThat(read("globex", "orders")).isEqualTo("AVAILABLE");
        project("acme", "orders", "AVAILABLE", E0);
        assertThat(read("acme", "orders")).isEqualTo("AVAILABLE");
        assertThat(asked).hasValue(6);
    }

    @Test
    void afterAnAcceptedCommandNothingIsRememberedUntilItsOutcomeIsApplied() {
        project("acme", "orders", "AVAILABLE", E0);
        read("acme", "orders");
        UUID stop = UUID.randomUUID();

        reads.commandAccepted("acme", "orders", stop);
        // status-service has not heard of the stop yet, nor of another event of the instance.
        assertThat(read("acme", "orders")).isEqualTo("AVAILABLE");
        UUID backups = UUID.randomUUID();
        reads.eventSeen("acme", "orders", UUID.randomUUID(), backups);
        project("acme", "orders", "AVAILABLE", backups);
        assertThat(read("acme", "orders")).isEqualTo("AVAILABLE");
        assertThat(asked).hasValue(3);

        // The outcome arrives here before status-service has applied it: what it says is not remembered.
        UUID stopped = UUID.randomUUID();
        reads.eventSeen("acme", "orders", stop, stopped);
        assertThat(read("acme", "orders")).isEqualTo("AVAILABLE");
        project("acme", "orders", "STOPPED", stopped);
        assertThat(read("acme", "orders")).isEqualTo("STOPPED");
        assertThat(read("acme", "orders")).isEqualTo("STOPPED");
        assertThat(asked).hasValue(5);
    }

    @Test
    void anOutcomeStampedBeforeAnEventSeenAheadOfItIsAwaitedAllTheSame() {
        project("acme", "orders", "AVAILABLE", E0);
        UUID stop = UUID.randomUUID();
        reads.commandAccepted("acme", "orders", stop);

        // The health watch saw the server up while the stop was under way and stamped its report after the stop's
        // outcome was stamped, yet its report was published first; status-service has applied the report only.
        UUID health = UUID.randomUUID();
        reads.eventSeen("acme", "orders", UUID.randomUUID(), health);
        project("acme", "orders", "AVAILABLE", health);
        UUID stopped = UUID.randomUUID();
        reads.eventSeen("acme", "orders", stop, stopped);
        assertThat(read("acme", "orders")).isEqualTo("AVAILABLE");

        project("acme", "orders", "STOPPED", stopped);
        assertThat(read("acme", "orders")).isEqualTo("STOPPED");
    }

    /**
     * A slow answer from before a stop: the stop is accepted, ends, and another read remembers the stopped instance,
     * all before the slow answer arrives. It is the reader's answer, but it must not replace what was remembered.
     */
    @Test
    void anAnswerOvertakenByAnEventAndAFresherAnswerIsNotRemembered() {
        project("acme", "orders", "AVAILABLE", E0);
        UUID stop = UUID.randomUUID();
        UUID stopped = UUID.randomUUID();
        whileAnswering = () -> {
            reads.commandAccepted("acme", "orders", stop);
            reads.eventSeen("acme", "orders", stop, stopped);
            project("acme", "orders", "STOPPED", stopped);
            assertThat(read("acme", "orders")).isEqualTo("STOPPED");
        };

        assertThat(read("acme", "orders")).isEqualTo("AVAILABLE");
        assertThat(read("acme", "orders")).isEqualTo("STOPPED");
    }

    @Test
    void anEventForgetsWhatWasRememberedAndAnswersFromBeforeItAreNotRemembered() {
        project("acme", "orders", "AVAILABLE", E0);
        read("acme", "orders");

        UUID health = UUID.randomUUID();
        reads.eventSeen("acme", "orders", UUID.randomUUID(), health);
        assertThat(read("acme", "orders")).isEqualTo("AVAILABLE");
        assertThat(read("acme", "orders")).isEqualTo("AVAILABLE");
        assertThat(asked).hasValue(3);

        project("acme", "orders", "UNAVAILABLE", health);
        assertThat(read("acme", "orders")).isEqualTo("UNAVAILABLE");
        assertThat(read("acme", "orders")).isEqualTo("UNAVAILABLE");
        assertThat(asked).hasValue(4);
    }

    @Test
    void aWaitWhoseEventNeverComesIsGivenUpAfterAnHour() {
        project("acme", "orders", "AVAILABLE", E0);
        reads.commandAccepted("acme", "orders", UUID.randomUUID());
        read("acme", "orders");
        read("acme", "orders");
        assertThat(asked).hasValue(2);

        // Reads while it waits do not put off giving up.
        for (int minute = 10; minute < 60; minute += 10) {
            advance(Duration.ofMinutes(10));
            read("acme", "orders");
        }
        assertThat(asked).hasValue(7);
        advance(Duration.ofMinutes(10));
        read("acme", "orders");
        read("acme", "orders");
        assertThat(asked).hasValue(8);
    }

    @Test
    void zeroAsksStatusServiceOnEveryRead() {
        InstanceReads uncached = reads(Duration.ZERO);
        project("acme", "orders", "AVAILABLE", E0);

        uncached.instance("acme", "orders");
        uncached.instance("acme", "orders");

        assertThat(asked).hasValue(2);
    }
}
