package dev.dbcloud.migration.migrating;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How migrations run. Waiting for an instance and every statement are bounded, so one request holds its consumer
 * well inside {@code max.poll.interval.ms} (the listener takes one record per poll).
 *
 * @param instanceWait how long a request for an instance not announced yet waits for the announcement before it
 *     fails with INSTANCE_NOT_AVAILABLE (a request can overtake the instance's provisioning outcome)
 * @param instancePoll how often the registry is looked at while waiting
 * @param connectTimeout how long logging in to an instance may take
 * @param statementTimeout the longest one statement of a migration may run ({@code statement_timeout}); beyond,
 *     the migration fails with TIMEOUT and is rolled back
 * @param lockTimeout the longest a statement waits for a lock ({@code lock_timeout}), so a migration blocked by
 *     the application's own transactions fails with TIMEOUT instead of queueing every query behind it
 */
@ConfigurationProperties("dbcloud.migration")
record MigrationProperties(
        @DefaultValue("30s") Duration instanceWait,
        @DefaultValue("200ms") Duration instancePoll,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("60s") Duration statementTimeout,
        @DefaultValue("10s") Duration lockTimeout) {
}
