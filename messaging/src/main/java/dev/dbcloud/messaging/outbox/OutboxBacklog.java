package dev.dbcloud.messaging.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the outbox holds that Kafka has not acknowledged yet: its health ({@code outbox}: DOWN once the oldest row is
 * older than {@code dbcloud.outbox.stuck-after}, which means the relay cannot reach the broker or is not running)
 * and two gauges, {@code dbcloud.outbox.backlog} (rows) and {@code dbcloud.outbox.oldest.age} (seconds). A scrape
 * and a probe in the same second share one look at the table.
 */
public class OutboxBacklog extends AbstractHealthIndicator implements MeterBinder {

    private static final Duration FRESH = Duration.ofSeconds(1);

    private final JdbcClient jdbc;
    private final Duration stuckAfter;
    private final Clock clock;
    private volatile Snapshot last;

    OutboxBacklog(JdbcClient jdbc, Duration stuckAfter, Clock clock) {
        super("The outbox could not be read");
        this.jdbc = jdbc;
        this.stuckAfter = stuckAfter;
        this.clock = clock;
    }

    /** Rows waiting and the age of the oldest, at most a second old. */
    public Snapshot snapshot() {
        Snapshot current = last;
        Instant now = clock.instant();
        if (current == null || current.takenAt().plus(FRESH).isBefore(now)) {
            current = jdbc.sql("SELECT count(*) AS rows, min(created_at) AS oldest FROM outbox")
                    .query((row, number) -> {
                        OffsetDateTime oldest = row.getObject("oldest", OffsetDateTime.class);
                        return new Snapshot(row.getLong("rows"),
                                oldest == null ? Duration.ZERO : Duration.between(oldest.toInstant(), now), now);
                    })
                    .single();
            last = current;
        }
        return current;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        Snapshot snapshot = snapshot();
        (snapshot.oldestAge().compareTo(stuckAfter) > 0 ? health.down() : health.up())
                .withDetail("backlog", snapshot.rows())
                .withDetail("oldestAgeSeconds", snapshot.oldestAge().toSeconds())
                .withDetail("stuckAfterSeconds", stuckAfter.toSeconds());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("dbcloud.outbox.backlog", this, backlog -> backlog.snapshot().rows())
                .description("Outbox rows Kafka has not acknowledged yet")
                .register(registry);
        Gauge.builder("dbcloud.outbox.oldest.age", this, backlog -> backlog.snapshot().oldestAge().toMillis() / 1000.0)
                .description("Age of the oldest outbox row Kafka has not acknowledged (0 when empty)")
                .baseUnit("seconds")
                .register(registry);
    }

    /**
     * @param rows outbox rows not published yet
     * @param oldestAge how long the oldest of them has waited, zero when there is none
     */
    public record Snapshot(long rows, Duration oldestAge, Instant takenAt) {
    }
}
