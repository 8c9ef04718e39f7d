package dev.dbcloud.status.projection;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How long an operation may wait for its outcome.
 *
 * @param operationTimeout how long after its request an operation without an outcome is ended as FAILED with
 *     error code TIMEOUT
 * @param timeoutSweepInterval how often the service looks for such operations
 */
@ConfigurationProperties("dbcloud.status")
record OperationTimeoutProperties(Duration operationTimeout, Duration timeoutSweepInterval) {
}
