package dev.dbcloud.status.projection;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long an operation may wait for its outcome.
 *
 * @param operationTimeout how long after its request an operation without an outcome is ended as FAILED with
 *     error code TIMEOUT
 * @param timeoutSweepInterval how often the service looks for such operations
 * @param restoreTimeout the same for a RESTORE, whose WAL replay may take the provisioner's restore-timeout
 */
@ConfigurationProperties("dbcloud.status")
record OperationTimeoutProperties(Duration operationTimeout, Duration timeoutSweepInterval,
        @DefaultValue("70m") Duration restoreTimeout) {
}
