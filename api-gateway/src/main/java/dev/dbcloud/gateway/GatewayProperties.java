package dev.dbcloud.gateway;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The gateway.
 *
 * @param statusUrl where status-service answers queries
 * @param maxWait the longest long-poll a client may ask for on an operation
 * @param bootstrapTenant a tenant to create at start, with {@code bootstrapApiKey} as its key (local stack)
 * @param bootstrapApiKey that tenant's API key, stored hashed
 * @param adminKey the admin API key, stored hashed; it manages tenants
 * @param operationTimeout how long an operation may go without an outcome before it counts as FAILED (TIMEOUT)
 * @param maxWaitsPerTenant how many long-polls one tenant may hold at once; more answer 429
 * @param restoreTimeout the {@code operationTimeout} of a RESTORE, whose WAL replay may take an hour
 */
@ConfigurationProperties("dbcloud.gateway")
public record GatewayProperties(URI statusUrl, Duration maxWait, String bootstrapTenant, String bootstrapApiKey,
        String adminKey, Duration operationTimeout, @DefaultValue("50") int maxWaitsPerTenant,
        @DefaultValue("70m") Duration restoreTimeout) {
}
