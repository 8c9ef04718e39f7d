package dev.dbcloud.gateway.access;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the gateway remembers whom an API key belongs to, so that a request costs no query of the keys.
 *
 * @param cacheFor how long an owner once read is believed without asking the database again: the longest a key
 *     revoked through another gateway (or directly in the database) may still be accepted here. A revocation through
 *     this gateway takes effect at once. Zero asks the database on every request.
 * @param cacheSize how many keys are remembered at most; the least used are forgotten first
 */
@ConfigurationProperties("dbcloud.gateway.api-keys")
public record ApiKeyProperties(@DefaultValue("5s") Duration cacheFor, @DefaultValue("10000") int cacheSize) {

    public ApiKeyProperties {
        if (cacheFor.isNegative()) {
            throw new IllegalArgumentException("dbcloud.gateway.api-keys.cache-for must not be negative");
        }
    }
}
