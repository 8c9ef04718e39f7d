package dev.dbcloud.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.Topics;
import dev.dbcloud.common.serde.EventCodec;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.messaging.test.TestInfrastructure;
import dev.dbcloud.messaging.test.TopicRecorder;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

@SpringBootTest(classes = OutboxTestApplication.class)
@ExtendWith(OutputCaptureExtension.class)
class OutboxIntegrationTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static TopicRecorder recorder;

    @Autowired Outbox outbox;
    @Autowired TransactionTemplate transactions;
    @Autowired JdbcClient jdbc;
    @Autowired EventCodec codec;
    @Autowired OutboxTestApplication.FlakyConsumer consumer;
    @Autowired OutboxBacklog backlog;
    @Autowired @Qualifier("kafkaHealthIndicator") HealthIndicator kafkaHealth;
    @Autowired MeterRegistry meters;
    @Autowired DataSource dataSource;
    @Autowired ObservationRegistry observations;
    @Autowired Tracer tracer;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "messaging");
    }

    @BeforeAll
    static void record() {
        recorder = new TopicRecorder(TestInfrastructure.kafkaBootstrapServers(),
                Topics.INSTANCE_EVENTS, Topics.deadLetter(Topics.INSTANCE_EVENTS));
    }

    @AfterAll
    static void stopRecording() throws InterruptedException {
        recorder.close();
    }

    @Test
    void publishesCommittedEventsOfAnInstanceInOrderWithTheirTypeAndKey() {
        // Kafka orders records per partition, that is per instance key; nothing orders two instances.
        String tenant = "t" + UUID.randomUUID();
        List<InstanceDestroyed> first = List.of(destroyed(tenant, "first"), destroyed(tenant, "first"),
                destroyed(tenant, "first"));
        InstanceDestroyed second = destroyed(tenant, "second");
        transactions.executeWithoutResult(status -> {
            outbox.append(Topics.INSTANCE_EVENTS, first.get(0));
            outbox.append(Topics.INSTANCE_EVENTS, second);
            outbox.append(Topics.INSTANCE_EVENTS, first.get(1));
        });
        transactions.executeWithoutResult(status -> outbox.append(Topics.INSTANCE_EVENTS, first.get(2)));

        await().atMost(BOUND).until(() -> ofTenant(tenant).size() == 4);
        assertThat(ofTenant(tenant).stream().filter(r -> r.key().equals(tenant + "/first")).map(this::operationId))
                .containsExactly(first.stream().map(InstanceDestroyed::getOperationId).toArray(String[]::new));
        assertThat(ofTenant(tenant).stream().filter(r -> r.key().equals(tenant + "/second")).map(this::operationId))
                .containsExactly(second.getOperationId());
        assertThat(new String(ofTenant(tenant).get(0).headers().lastHeader(Topics.EVENT_TYPE_HEADER).value(),
                StandardCharsets.UTF_8)).isEqualTo("InstanceDestroyed");
        await().atMost(BOUND).until(() -> jdbc.sql("SELECT count(*) FROM outbox").query(Long.class).single() == 0);
    }

    @Test
    void publishesAnEventInTheTraceItWasWrittenInAndItsListenerContinuesIt(CapturedOutput output) {
        // As a request to the gateway does: the row is written inside an observed span, published later by the relay.
        String tenant = "t" + UUID.randomUUID();
        String traceId = Observation.createNotStarted("test.request", observations).observe(() -> {
            transactions.executeWithoutResult(status -> outbox.append(Topics.INSTANCE_EVENTS, destroyed(tenant, "traced")));
            return tracer.currentSpan().context().traceId();
        });
        assertThat(traceId).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));

        await().atMost(BOUND).until(() -> ofTenant(tenant).size() == 1);
        Header traceparent = ofTenant(tenant).get(0).headers().lastHeader("traceparent");
        assertThat(traceparent).as("traceparent header").isNotNull();
        // version-traceid-parentid-flags: the parent is the relay's send, a span of its own in the same trace; the
        // flags say the trace is sampled (bit 0), so the services that continue it record it too.
        String[] fields = new String(traceparent.value(), StandardCharsets.UTF_8).split("-");
        assertThat(fields).hasSize(4);
        assertThat(fields[1]).isEqualTo(traceId);
        assertThat(fields[2]).matches("[0-9a-f]{16}");
        assertThat(Integer.parseInt(fields[3], 16) & 1).as("sampled flag").isEqualTo(1);

        await().atMost(BOUND).until(() -> consumer.traceIds.containsKey("traced"));
        assertThat(consumer.traceIds.get("traced")).isEqualTo(traceId);
        assertThat(output.getOut().lines().filter(line -> line.contains("Handling InstanceDestroyed of traced")))
                .singleElement().asString().contains(traceId);
    }

    @Test
    void givesEveryRecordATraceEvenWhenItsRowWasWrittenOutsideOne() {
        String tenant = "t" + UUID.randomUUID();
        transactions.executeWithoutResult(status -> outbox.append(Topics.INSTANCE_EVENTS, destroyed(tenant, "untraced")));

        await().atMost(BOUND).until(() -> ofTenant(tenant).size() == 1);
        assertThat(ofTenant(tenant).get(0).headers().lastHeader("traceparent")).as("traceparent header").isNotNull();
    }

    private String operationId(ConsumerRecord<String, byte[]> record) {
        return ((InstanceDestroyed) codec.decode(record.value())).getOperationId();
    }

    @Test
    void neverPublishesTheEventsOfARolledBackTransaction() {
        String tenant = "t" + UUID.randomUUID();
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
            outbox.append(Topics.INSTANCE_EVENTS, destroyed(tenant, "rolledback"));
            throw new IllegalStateException("business rule broken");
        })).hasMessage("business rule broken");
        transactions.executeWithoutResult(status -> outbox.append(Topics.INSTANCE_EVENTS, destroyed(tenant, "kept")));

        // The relay publishes in commit order, so once the later event is out the earlier one never will be.
        await().atMost(BOUND).until(() -> !ofTenant(tenant).isEmpty());
        assertThat(ofTenant(tenant)).extracting(ConsumerRecord::key).containsExactly(tenant + "/kept");
    }

    @Test
    void refusesAnEventOutsideATransaction() {
        assertThatThrownBy(() -> outbox.append(Topics.INSTANCE_EVENTS, destroyed("acme", "loose")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sendsARecordThatKeepsFailingToTheDeadLetterTopicAfterBoundedRetries() {
        String tenant = "t" + UUID.randomUUID();
        transactions.executeWithoutResult(status -> outbox.append(Topics.INSTANCE_EVENTS, destroyed(tenant, "poison")));

        await().atMost(BOUND).until(() -> deadLetters(tenant + "/poison") == 1);
        assertThat(consumer.attempts.stream().filter("poison"::equals).count()).isEqualTo(5);
    }

    @Test
    void sendsAnInvalidRecordToTheDeadLetterTopicWithoutRetrying() {
        String tenant = "t" + UUID.randomUUID();
        int before = (int) consumer.attempts.stream().filter("invalid"::equals).count();
        transactions.executeWithoutResult(status -> outbox.append(Topics.INSTANCE_EVENTS, destroyed(tenant, "invalid")));

        await().atMost(BOUND).until(() -> deadLetters(tenant + "/invalid") == 1);
        assertThat(consumer.attempts.stream().filter("invalid"::equals).count()).isEqualTo(before + 1);
        assertThat(meters.get("dbcloud.dlt.records").tags("topic", Topics.INSTANCE_EVENTS,
                "exception", "InvalidRecordException").counter().count()).isEqualTo(1);
    }

    @Test
    void reportsWhatTheRelayHasNotPublishedAndReadsDownOnceItGrowsOld() throws Exception {
        String tenant = "t" + UUID.randomUUID();
        try (Connection relayLock = dataSource.getConnection()) {
            // While another session holds the relay's lock, no relay publishes: rows stay in the outbox.
            relayLock.setAutoCommit(false);
            try (Statement statement = relayLock.createStatement()) {
                statement.execute("SELECT pg_advisory_xact_lock(" + OutboxRelay.ADVISORY_LOCK_KEY + ")");
            }
            transactions.executeWithoutResult(status -> outbox.append(Topics.INSTANCE_EVENTS, destroyed(tenant, "held")));

            await().atMost(BOUND).until(() -> backlog.snapshot().rows() >= 1);
            assertThat(meters.get("dbcloud.outbox.backlog").gauge().value()).isGreaterThanOrEqualTo(1);
            assertThat(backlog.health(true).getStatus()).isEqualTo(Status.UP);
            // Seen five minutes later, the same row is older than the one minute the outbox may lag.
            OutboxBacklog later = new OutboxBacklog(jdbc, Duration.ofMinutes(1),
                    Clock.offset(Clock.systemUTC(), Duration.ofMinutes(5)));
            Health stuck = later.health(true);
            assertThat(stuck.getStatus()).isEqualTo(Status.DOWN);
            assertThat(stuck.getDetails()).containsKeys("backlog", "oldestAgeSeconds");
            assertThat((Long) stuck.getDetails().get("oldestAgeSeconds")).isGreaterThanOrEqualTo(299);
            relayLock.rollback();
        }
        await().atMost(BOUND).until(() -> ofTenant(tenant).size() == 1);
        await().atMost(BOUND).until(() -> backlog.snapshot().rows() == 0);
        assertThat(backlog.health(true).getDetails()).containsEntry("oldestAgeSeconds", 0L);
    }

    @Test
    void kafkaHealthNamesTheCluster() {
        Health health = kafkaHealth.health(true);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsKey("clusterId").containsEntry("brokers", 1);
    }

    @Test
    void sendsUndecodableBytesToTheDeadLetterTopicAndKeepsConsuming() {
        String key = "garbage/" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(java.util.Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.INSTANCE_EVENTS, key, "not avro".getBytes(StandardCharsets.UTF_8)));
        }
        String tenant = "t" + UUID.randomUUID();
        transactions.executeWithoutResult(status -> outbox.append(Topics.INSTANCE_EVENTS, destroyed(tenant, "after")));

        await().atMost(BOUND).until(() -> deadLetters(key) == 1);
        assertThat(recorder.records(Topics.deadLetter(Topics.INSTANCE_EVENTS))).filteredOn(r -> r.key().equals(key))
                .singleElement()
                .satisfies(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("not avro"));
        await().atMost(BOUND).until(() -> consumer.attempts.contains("after"));
    }

    private List<ConsumerRecord<String, byte[]>> ofTenant(String tenant) {
        return recorder.records(Topics.INSTANCE_EVENTS).stream().filter(r -> r.key().startsWith(tenant + "/")).toList();
    }

    private long deadLetters(String key) {
        return recorder.records(Topics.deadLetter(Topics.INSTANCE_EVENTS)).stream().filter(r -> r.key().equals(key)).count();
    }

    private static InstanceDestroyed destroyed(String tenant, String name) {
        return InstanceDestroyed.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(tenant).setInstanceName(name)
                .setOccurredAt(Instant.now())
                .build();
    }
}
