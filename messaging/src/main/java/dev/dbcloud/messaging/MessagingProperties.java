package dev.dbcloud.messaging;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a service talks to Kafka.
 *
 * @param partitions partitions of each dbcloud topic (and of its dead-letter topic) when the service creates it: the
 *     most consumers of a group that can share its records (the provisioner's commands run up to that many at once)
 * @param replicationFactor replication factor of the topics it creates; 1 suits a single local broker only
 * @param retryInterval first back-off before a failed record is retried; it doubles up to five times the first
 * @param retryAttempts retries before a record goes to its dead-letter topic; the whole back-off stays well
 *     inside {@code max.poll.interval.ms}
 */
@ConfigurationProperties("dbcloud.messaging")
public record MessagingProperties(
        @DefaultValue("6") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue("200ms") Duration retryInterval,
        @DefaultValue("4") int retryAttempts) {
}
