package dev.dbcloud.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.common.serde.EventCodec;
import dev.dbcloud.events.DestroyFailed;
import dev.dbcloud.events.DestroyFailureReason;
import dev.dbcloud.events.DestroyRequested;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventMetadataTest {

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Test
    void anOutcomeCarriesItsCausesOperationAndInstanceAndAnEventIdOfItsOwn() {
        DestroyRequested command = EventMetadata.stamp(new DestroyRequested(), UUID.randomUUID(),
                new InstanceRef("acme", "orders"), now.minusSeconds(5));
        DestroyFailed failed = new DestroyFailed();
        failed.setReason(DestroyFailureReason.DRIVER_ERROR);
        failed.setMessage("pg_ctl stop failed");

        DestroyFailed outcome = EventMetadata.stampAsOutcomeOf(command, failed, now);

        EventMetadata cause = EventMetadata.of(command);
        EventMetadata effect = EventMetadata.of(outcome);
        assertThat(effect.operationId()).isEqualTo(cause.operationId());
        assertThat(effect.instance()).isEqualTo(new InstanceRef("acme", "orders"));
        assertThat(effect.occurredAt()).isEqualTo(now);
        assertThat(effect.eventId()).isNotEqualTo(cause.eventId());
        assertThat(effect.type()).isEqualTo("DestroyFailed");
        EventCodec codec = new EventCodec();
        assertThat(codec.decode(codec.encode(outcome))).as("a complete record").isEqualTo(outcome);
    }
}
