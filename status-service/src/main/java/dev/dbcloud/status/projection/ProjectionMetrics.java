package dev.dbcloud.status.projection;

import dev.dbcloud.common.EventMetadata;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * What the read model tells a dashboard:
 * <ul>
 * <li>{@code dbcloud.operation.duration}, a histogram by {@code type} and {@code outcome} (SUCCEEDED, FAILED): from
 * the command's time to its outcome's, both as the events say, so replaying the topics does not stretch them;
 * <li>{@code dbcloud.projection.lag}, a histogram of the time from an event's occurrence to its projection's commit;
 * <li>{@code dbcloud.instances}, a gauge by {@code status} and {@code driver}, refreshed every 15 seconds.
 * </ul>
 * It is the listener container's record interceptor: {@link #success} runs once the projection of a record returned.
 */
@Component
class ProjectionMetrics implements RecordInterceptor<Object, Object> {

    static final String OPERATION_DURATION = "dbcloud.operation.duration";

    private final MeterRegistry meters;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Timer lag;
    private final MultiGauge instances;

    ProjectionMetrics(MeterRegistry meters, JdbcClient jdbc, Clock clock) {
        this.meters = meters;
        this.jdbc = jdbc;
        this.clock = clock;
        this.lag = Timer.builder("dbcloud.projection.lag")
                .description("From an event's occurrence to its projection into the read model")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(meters);
        this.instances = MultiGauge.builder("dbcloud.instances")
                .description("Instances in the read model by status and driver (destroyed ones not counted)")
                .register(meters);
    }

    /** An operation ended: its command came at {@code requestedAt}, its outcome at {@code endedAt}. */
    void operationEnded(OperationType type, String outcome, Instant requestedAt, Instant endedAt) {
        Timer.builder(OPERATION_DURATION)
                .description("From an operation's request to its outcome")
                .tags("type", type.name(), "outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(meters)
                .record(Duration.between(requestedAt, endedAt).isNegative() ? Duration.ZERO
                        : Duration.between(requestedAt, endedAt));
    }

    @Override
    public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
            Consumer<Object, Object> consumer) {
        return record;
    }

    @Override
    public void success(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
        if (record.value() instanceof SpecificRecordBase event) {
            Duration behind = Duration.between(EventMetadata.of(event).occurredAt(), clock.instant());
            lag.record(behind.isNegative() ? Duration.ZERO : behind);
        }
    }

    @Scheduled(initialDelay = 0, fixedDelay = 15_000)
    void countInstances() {
        List<MultiGauge.Row<Number>> rows = jdbc.sql("""
                        SELECT status, driver, count(*) AS n FROM instances WHERE status <> 'DESTROYED'
                         GROUP BY status, driver
                        """)
                .query((row, number) -> MultiGauge.Row.<Number>of(
                        Tags.of("status", row.getString("status"), "driver", row.getString("driver")),
                        row.getLong("n")))
                .list();
        instances.register(rows, true);
    }
}
