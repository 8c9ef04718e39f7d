package dev.dbcloud.messaging.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The transactional outbox.
 *
 * @param enabled whether this service writes events through an outbox (a pure projection does not)
 * @param pollInterval how often the relay looks for rows it was not woken up for (after a crash, say)
 * @param batchSize rows published per round trip
 * @param sendTimeout how long the relay waits for the broker to acknowledge a batch before it retries
 * @param maxBackOff the longest pause between attempts while Kafka is unreachable
 * @param stuckAfter how old the oldest unpublished row may grow before the outbox's health reads DOWN
 */
@ConfigurationProperties("dbcloud.outbox")
public record OutboxProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("200") int batchSize,
        @DefaultValue("30s") Duration sendTimeout,
        @DefaultValue("5s") Duration maxBackOff,
        @DefaultValue("1m") Duration stuckAfter) {
}
