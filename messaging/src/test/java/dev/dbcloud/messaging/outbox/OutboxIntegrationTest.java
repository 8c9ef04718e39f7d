package dev.dbcloud.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.Topics;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.messaging.test.TestInfrastructure;
import dev.dbcloud.messaging.test.TopicRecorder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

@SpringBootTest(classes = OutboxTestApplication.class)
class OutboxIntegrationTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static TopicRecorder recorder;

    @Autowired Outbox outbox;
    @Autowired TransactionTemplate transactions;
    @Autowired JdbcClient jdbc;
    @Autowired OutboxTestApplication.FlakyConsumer consumer;

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
    void publishesCommittedEventsInOrderWithTheirTypeAndKey() {
        String tenant = "t" + UUID.randomUUID();
        transactions.executeWithoutResult(status -> {
            outbox.append(Topics.INSTANCE_EVENTS, destroyed(tenant, "first"));
            outbox.append(Topics.INSTANCE_EVENTS, destroyed(tenant, "first"));
            outbox.append(Topics.INSTANCE_EVENTS, destroyed(tenant, "second"));
        });

        await().atMost(BOUND).until(() -> ofTenant(tenant).size() == 3);
        assertThat(ofTenant(tenant)).extracting(r -> r.key())
                .containsExactly(tenant + "/first", tenant + "/first", tenant + "/second");
        assertThat(new String(ofTenant(tenant).get(0).headers().lastHeader(Topics.EVENT_TYPE_HEADER).value(),
                StandardCharsets.UTF_8)).isEqualTo("InstanceDestroyed");
        await().atMost(BOUND).until(() -> jdbc.sql("SELECT count(*) FROM outbox").query(Long.class).single() == 0);
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

    private java.util.List<ConsumerRecord<String, byte[]>> ofTenant(String tenant) {
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
