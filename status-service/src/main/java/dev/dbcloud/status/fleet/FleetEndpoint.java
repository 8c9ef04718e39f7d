package dev.dbcloud.status.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code GET /actuator/fleet} on status-service's management port, for the admin key only (as every actuator endpoint
 * but health, info and prometheus): the whole fleet at a glance, across tenants. Instances by status and driver, the
 * oldest operation still waiting for its outcome, and the failures of the last hour grouped by type and reason.
 */
@Component
@Endpoint(id = "fleet")
public class FleetEndpoint {

    static final Duration FAILURE_WINDOW = Duration.ofHours(1);

    private final JdbcClient jdbc;
    private final Clock clock;

    FleetEndpoint(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @ReadOperation
    public Fleet fleet() {
        Instant now = clock.instant();
        List<InstanceCount> instances = jdbc.sql("""
                        SELECT status, driver, count(*) AS n FROM instances WHERE status <> 'DESTROYED'
                         GROUP BY status, driver ORDER BY status, driver
                        """)
                .query((row, number) -> new InstanceCount(row.getString("status"), row.getString("driver"),
                        row.getLong("n")))
                .list();
        UnfinishedOperation oldest = jdbc.sql("""
                        SELECT id, tenant, instance_name, type, status, created_at FROM operations
                         WHERE status IN ('PENDING', 'RUNNING') ORDER BY created_at LIMIT 1
                        """)
                .query((row, number) -> {
                    Instant requestedAt = row.getObject("created_at", OffsetDateTime.class).toInstant();
                    return new UnfinishedOperation(row.getObject("id", UUID.class), row.getString("tenant"),
                            row.getString("instance_name"), row.getString("type"), row.getString("status"),
                            requestedAt, Duration.between(requestedAt, now).toSeconds());
                })
                .optional()
                .orElse(null);
        List<Failures> failures = jdbc.sql("""
                        SELECT type, error_code, count(*) AS n, max(updated_at) AS last_at,
                               (array_agg(error_message ORDER BY updated_at DESC))[1] AS last_message
                          FROM operations
                         WHERE status = 'FAILED' AND updated_at >= :since
                         GROUP BY type, error_code ORDER BY n DESC, type, error_code
                        """)
                .param("since", OffsetDateTime.ofInstant(now.minus(FAILURE_WINDOW), java.time.ZoneOffset.UTC))
                .query((row, number) -> new Failures(row.getString("type"), row.getString("error_code"),
                        row.getLong("n"), row.getObject("last_at", OffsetDateTime.class).toInstant(),
                        row.getString("last_message")))
                .list();
        return new Fleet(instances, oldest, failures, now);
    }

    /**
     * @param instances instances not destroyed, by status and driver
     * @param oldestUnfinishedOperation the operation waiting longest for its outcome, or null when none waits
     * @param failuresLastHour operations that failed in the last hour, by type and reason, most frequent first
     */
    public record Fleet(List<InstanceCount> instances, UnfinishedOperation oldestUnfinishedOperation,
            List<Failures> failuresLastHour, Instant at) {
    }

    public record InstanceCount(String status, String driver, long count) {
    }

    public record UnfinishedOperation(UUID id, String tenant, String instanceName, String type, String status,
            Instant requestedAt, long ageSeconds) {
    }

    /** @param lastMessage the message of the latest of them */
    public record Failures(String type, String reason, long count, Instant lastAt, String lastMessage) {
    }
}
