package dev.dbcloud.status.projection;

import dev.dbcloud.common.OperationTimeout;
import static dev.dbcloud.status.projection.EventTimeline.timestamp;

import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Ends the operations that got no outcome in time, so that none stays PENDING or RUNNING forever: every operation
 * requested longer than the timeout ago becomes FAILED with error code TIMEOUT, and a provisioning, linking or restore
 * that timed out leaves its PROVISIONING instance FAILED. A timeout is no outcome: the real outcome, should it arrive
 * later, replaces it (see {@link OperationTable} and {@link InstanceTable}).
 *
 * <p>One conditional statement per sweep, so sweeps of several service instances may overlap harmlessly, and an
 * outcome projected concurrently either ends the operation first (the sweep skips it) or replaces the timeout.
 */
@Component
class OperationTimeouts implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(OperationTimeouts.class);

    private final JdbcClient jdbc;
    private final OperationTimeoutProperties properties;
    private final Clock clock;

    OperationTimeouts(JdbcClient jdbc, OperationTimeoutProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(this::sweep, properties.timeoutSweepInterval());
    }

    /** @return how many operations timed out */
    int sweep() {
        Instant now = clock.instant();
        int timedOut = jdbc.sql("""
                        WITH timed_out AS (
                            UPDATE operations
                               SET status = 'FAILED', error_code = :code,
                                   error_message = CASE WHEN type = 'RESTORE' THEN :restoreMessage ELSE :message END,
                                   timed_out = true, updated_at = GREATEST(updated_at, :now)
                             WHERE status IN ('PENDING', 'RUNNING')
                               AND created_at < CASE WHEN type = 'RESTORE' THEN :restoreDeadline ELSE :deadline END
                            RETURNING id, type
                        ), failed_instances AS (
                            UPDATE instances SET status = 'FAILED', updated_at = GREATEST(updated_at, :now)
                             WHERE status = 'PROVISIONING'
                               AND id IN (SELECT id FROM timed_out WHERE type IN ('PROVISION', 'LINK', 'RESTORE'))
                        )
                        SELECT count(*) FROM timed_out
                        """)
                .param("code", OperationTimeout.CODE)
                .param("message", OperationTimeout.message(properties.operationTimeout()))
                .param("now", timestamp(now))
                .param("deadline", timestamp(now.minus(properties.operationTimeout())))
                .param("restoreMessage", OperationTimeout.message(properties.restoreTimeout()))
                .param("restoreDeadline", timestamp(now.minus(properties.restoreTimeout())))
                .query(Integer.class)
                .single();
        if (timedOut > 0) {
            log.warn("{} operation(s) FAILED with {}: no outcome within {} ({} for a restore)", timedOut,
                    OperationTimeout.CODE, properties.operationTimeout(), properties.restoreTimeout());
        }
        return timedOut;
    }
}
