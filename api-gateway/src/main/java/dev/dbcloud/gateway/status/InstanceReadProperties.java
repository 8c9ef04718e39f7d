package dev.dbcloud.gateway.status;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long the gateway answers a read of one instance from what status-service said before ({@link InstanceReads}).
 *
 * @param cacheFor the longest an answer is reused: how much older than status-service's view a read may be when an
 *     event about the instance went to another gateway. Zero asks status-service on every read.
 * @param cacheSize how many instances are remembered at most; the least used are forgotten first
 */
@ConfigurationProperties("dbcloud.gateway.reads")
public record InstanceReadProperties(@DefaultValue("1s") Duration cacheFor, @DefaultValue("10000") int cacheSize) {

    public InstanceReadProperties {
        if (cacheFor.isNegative()) {
            throw new IllegalArgumentException("dbcloud.gateway.reads.cache-for must not be negative");
        }
    }
}
