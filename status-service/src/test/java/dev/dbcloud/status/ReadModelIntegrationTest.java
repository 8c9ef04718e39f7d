package dev.dbcloud.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.Topics;
import dev.dbcloud.common.serde.EventCodec;
import dev.dbcloud.messaging.test.TestInfrastructure;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Publishes real records to the real broker, as the gateway, provisioner and migration-service would, and reads
 * the outcome through the HTTP API, as the gateway does. Every test owns a tenant, so all the test classes that
 * extend this one share one context: its configuration is declared here only.
 *
 * <p>Operations time out after 3 seconds (restores after 4), swept every second. Stories that start at {@link InstanceStory#START}
 * lie in the future and never time out; stories about timeouts start in the past.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=status-service",
        "dbcloud.status.operation-timeout=3s",
        "dbcloud.status.restore-timeout=4s",
        "dbcloud.status.timeout-sweep-interval=1s",
        "dbcloud.internal.token=" + ReadModelIntegrationTest.SERVICE_TOKEN})
abstract class ReadModelIntegrationTest {

    static final Duration BOUND = Duration.ofSeconds(30);
    static final String SERVICE_TOKEN = "svc_" + "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8L9z0X1c";
    private static final EventCodec codec = new EventCodec();
    private static KafkaProducer<String, byte[]> producer;

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    StatusApi api;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "status");
    }

    @BeforeAll
    static void connectProducer() {
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    @BeforeEach
    void connectApi() {
        api = new StatusApi(port, SERVICE_TOKEN);
    }

    /** Provisions the instance at seconds 1 and 2 of its story and waits until it is AVAILABLE. */
    void provisionAvailable(InstanceStory story, UUID provision) {
        command(story.provisionRequested(provision, 1));
        outcome(story.provisioned(provision, 2, 54321));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), story.name()))
                .hasValueSatisfying(instance -> assertThat(instance.status()).isEqualTo("AVAILABLE")));
    }

    void command(SpecificRecordBase record) {
        publish(Topics.INSTANCE_COMMANDS, record);
    }

    void migrationCommand(SpecificRecordBase record) {
        publish(Topics.MIGRATION_COMMANDS, record);
    }

    void outcome(SpecificRecordBase record) {
        publish(Topics.INSTANCE_EVENTS, record);
    }

    /** Sends and waits for the broker's acknowledgement, so records with one key keep the order of the calls. */
    private static void publish(String topic, SpecificRecordBase record) {
        EventMetadata event = EventMetadata.of(record);
        try {
            producer.send(new ProducerRecord<>(topic, event.instance().key(), codec.encode(record))).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + event.type(), e);
        }
    }

    /** Whether the event is in the timeline, which commits together with the event's effect. */
    boolean applied(SpecificRecordBase record) {
        return jdbc.sql("SELECT count(*) FROM events WHERE event_id = :id")
                .param("id", EventMetadata.of(record).eventId())
                .query(Long.class).single() == 1;
    }

    long timelineRows(InstanceStory story) {
        return jdbc.sql("SELECT count(*) FROM events WHERE tenant = :tenant AND instance_name = :name")
                .param("tenant", story.tenant())
                .param("name", story.name())
                .query(Long.class).single();
    }
}
