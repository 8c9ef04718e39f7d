package dev.dbcloud.messaging.outbox;

import dev.dbcloud.common.Topics;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes committed outbox rows to Kafka, oldest first, and deletes them once acknowledged
 * ({@code acks=all}, idempotent producer). Runs on one thread per service instance; a transaction-scoped
 * advisory lock keeps a single relay active per database so records of one instance never overtake each
 * other. While Kafka is unreachable it retries with a bounded back-off: commands wait, none is lost.
 *
 * <p>Each record is sent in a span that continues the trace its row was written in ({@link Outbox}); the
 * {@link KafkaTemplate}'s observation ({@code spring.kafka.template.observation-enabled}) then writes that trace's
 * {@code traceparent} header on the record, so the listener that consumes it joins the same trace.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    static final long ADVISORY_LOCK_KEY = 0x6462636c6f7564L; // "dbcloud"
    /** The W3C Trace Context header, as a row keeps it and as Kafka records carry it. */
    static final String TRACEPARENT = "traceparent";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final KafkaTemplate<Object, Object> kafka;
    private final OutboxProperties properties;
    private final Tracer tracer;
    private final Propagator propagator;
    private final Semaphore wakeUps = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    OutboxRelay(JdbcClient jdbc, TransactionTemplate transactions, KafkaTemplate<Object, Object> kafka,
            OutboxProperties properties, Tracer tracer, Propagator propagator) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.kafka = kafka;
        this.properties = properties;
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** Asks the relay to publish now rather than at its next poll. */
    public void wakeUp() {
        if (wakeUps.availablePermits() == 0) {
            wakeUps.release();
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::run, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(properties.sendTimeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        Duration backOff = properties.pollInterval();
        while (running) {
            try {
                int published = publishBatch();
                backOff = properties.pollInterval();
                if (published < properties.batchSize()) {
                    await(properties.pollInterval());
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("Outbox relay could not publish, retrying in {}: {}", backOff, e.toString());
                await(backOff);
                backOff = min(backOff.multipliedBy(2), properties.maxBackOff());
            }
        }
    }

    /** Publishes up to one batch; answers how many rows it published. */
    int publishBatch() {
        Integer published = transactions.execute(status -> {
            boolean leader = jdbc.sql("SELECT pg_try_advisory_xact_lock(?)").param(ADVISORY_LOCK_KEY)
                    .query(Boolean.class).single();
            if (!leader) {
                return 0;
            }
            List<OutboxRow> rows = jdbc.sql(
                            "SELECT id, topic, record_key, event_type, payload, traceparent FROM outbox ORDER BY id LIMIT ?")
                    .param(properties.batchSize())
                    .query(OutboxRow.class)
                    .list();
            if (rows.isEmpty()) {
                return 0;
            }
            List<CompletableFuture<?>> acks = new ArrayList<>(rows.size());
            for (OutboxRow row : rows) {
                ProducerRecord<Object, Object> record =
                        new ProducerRecord<>(row.topic(), null, row.recordKey(), row.payload());
                record.headers().add(Topics.EVENT_TYPE_HEADER, row.eventType().getBytes(StandardCharsets.UTF_8));
                acks.add(sendInTraceOf(row, record));
            }
            try {
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                        .get(properties.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the broker", e);
            } catch (Exception e) {
                throw new IllegalStateException("broker did not acknowledge the batch: " + e.getMessage(), e);
            }
            jdbc.sql("DELETE FROM outbox WHERE id IN (:ids)")
                    .param("ids", rows.stream().map(OutboxRow::id).toList())
                    .update();
            return rows.size();
        });
        return published == null ? 0 : published;
    }

    /** Sends a record in a span that continues its row's trace, or starts a trace when the row has none. */
    private CompletableFuture<?> sendInTraceOf(OutboxRow row, ProducerRecord<Object, Object> record) {
        Span span = propagator.extract(row, (carrier, key) -> TRACEPARENT.equals(key) ? carrier.traceparent() : null)
                .name("outbox publish")
                .tag("messaging.destination.name", row.topic())
                .start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            return kafka.send(record);
        } finally {
            span.end();
        }
    }

    private void await(Duration timeout) {
        try {
            if (wakeUps.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                wakeUps.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** A row to publish; {@code traceparent} is null for rows written outside any trace (or before tracing). */
    record OutboxRow(long id, String topic, String recordKey, String eventType, byte[] payload, String traceparent) {
    }
}
