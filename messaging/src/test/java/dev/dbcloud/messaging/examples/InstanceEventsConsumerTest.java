package dev.dbcloud.messaging.examples;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.common.Topics;
import dev.dbcloud.common.serde.AvroEventSerializer;
import dev.dbcloud.common.serde.UndecodableRecordException;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceDriverKind;
import dev.dbcloud.events.InstanceHealth;
import dev.dbcloud.events.InstanceHealthChanged;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.messaging.test.TestInfrastructure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The consumer docs/consuming-events.md shows decodes real records from a real broker, written by dbcloud's own
 * serializer, and the guide shows it as it is.
 */
class InstanceEventsConsumerTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final Path EXAMPLE = Path.of("src/test/java/dev/dbcloud/messaging/examples/InstanceEventsConsumer.java");
    private static final Path GUIDE = Path.of("../docs/consuming-events.md");
    private static final String GUIDE_MARKER =
            "<!-- messaging/src/test/java/dev/dbcloud/messaging/examples/InstanceEventsConsumer.java -->\n";

    private final String topic = "instance-events-example-" + UUID.randomUUID();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private final ExecutorService runs = Executors.newCachedThreadPool();
    private final List<InstanceEventsConsumer> started = new ArrayList<>();

    @BeforeEach
    void createTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(BOUND.toSeconds(), SECONDS);
        }
    }

    @AfterEach
    void stopConsumers() throws InterruptedException {
        started.forEach(InstanceEventsConsumer::stop);
        runs.shutdown();
        assertThat(runs.awaitTermination(BOUND.toSeconds(), SECONDS)).as("consumers stopped").isTrue();
    }

    @Test
    void handlesTheEventsItFollowsInOrderPerInstanceAndSkipsOtherTypes() {
        InstanceProvisioned ordersUp = provisioned("orders");
        InstanceDestroyed ordersGone = destroyed("orders");
        InstanceProvisioned billingUp = provisioned("billing");
        InstanceDestroyed billingGone = destroyed("billing");
        send(ordersUp, healthChanged("orders"), ordersGone, billingUp);
        sendATypeNewerThanCommon("acme/billing");
        send(billingGone);

        RecordingHandler handler = new RecordingHandler();
        Future<?> run = start("example-" + UUID.randomUUID(), handler);

        await().atMost(BOUND).until(() -> handler.events.size() == 4 || run.isDone());
        assertThat(run).as("still running past a record type it does not know").isNotDone();
        assertThat(handler.events).filteredOn(event -> key(event).equals("acme/orders"))
                .containsExactly(ordersUp, ordersGone);
        assertThat(handler.events).filteredOn(event -> key(event).equals("acme/billing"))
                .containsExactly(billingUp, billingGone);
    }

    @Test
    void stopsAtAFollowedTypeWrittenWithANewerSchemaAndReadsItAgainOnTheNextRun() {
        InstanceProvisioned ordersUp = provisioned("orders");
        send(ordersUp);
        sendANewerVersionOfInstanceDestroyed("acme/orders");
        String group = "example-" + UUID.randomUUID();

        RecordingHandler first = new RecordingHandler();
        Future<?> firstRun = start(group, first);
        assertThatThrownBy(() -> firstRun.get(BOUND.toSeconds(), SECONDS))
                .hasCauseInstanceOf(UndecodableRecordException.class);
        assertThat(first.events).containsExactly(ordersUp);

        Future<?> secondRun = start(group, new RecordingHandler());
        assertThatThrownBy(() -> secondRun.get(BOUND.toSeconds(), SECONDS))
                .as("the record was not committed past")
                .hasCauseInstanceOf(UndecodableRecordException.class);
    }

    @Test
    void theGuideShowsTheExampleAsItIs() throws IOException {
        String source = Files.readString(EXAMPLE);
        String example = source.substring(source.indexOf("// example begins\n") + "// example begins\n".length(),
                source.indexOf("// example ends\n"));
        String guide = Files.readString(GUIDE);
        assertThat(guide).as("the guide names the example's file").contains(GUIDE_MARKER);
        int blockStart = guide.indexOf("```java\n", guide.indexOf(GUIDE_MARKER)) + "```java\n".length();
        String block = guide.substring(blockStart, guide.indexOf("```\n", blockStart));

        assertThat(block).isEqualTo(example);
    }

    private Future<?> start(String group, InstanceEventsConsumer.Handler handler) {
        Properties connection = new Properties();
        connection.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers());
        InstanceEventsConsumer consumer = new InstanceEventsConsumer(connection, group, topic, handler);
        started.add(consumer);
        return runs.submit(consumer::run);
    }

    /** Writes records as dbcloud does: keyed by instance, Avro single-object encoded, the type in a header. */
    private void send(SpecificRecordBase... events) {
        try (KafkaProducer<String, SpecificRecordBase> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers()),
                new StringSerializer(), new AvroEventSerializer())) {
            for (SpecificRecordBase event : events) {
                producer.send(new ProducerRecord<>(topic, key(event), event)).get(BOUND.toSeconds(), SECONDS);
            }
        } catch (ExecutionException | InterruptedException | TimeoutException e) {
            throw new IllegalStateException("the broker did not take the record", e);
        }
    }

    /** A record type a later dbcloud might add: this copy of common has never heard of it. */
    private void sendATypeNewerThanCommon(String key) {
        Schema resized = SchemaBuilder.record("InstanceResized").namespace("dev.dbcloud.events").fields()
                .requiredString("eventId").requiredInt("sizeGigabytes").endRecord();
        GenericRecord record = new GenericData.Record(resized);
        record.put("eventId", UUID.randomUUID().toString());
        record.put("sizeGigabytes", 20);
        sendRaw(key, "InstanceResized", encode(resized, record));
    }

    /** InstanceDestroyed as a later dbcloud might write it, with a field this copy of common does not know. */
    private void sendANewerVersionOfInstanceDestroyed(String key) {
        Schema newer = SchemaBuilder.record("InstanceDestroyed").namespace("dev.dbcloud.events").fields()
                .requiredString("eventId").requiredString("operationId").requiredString("tenant")
                .requiredString("instanceName")
                .name("occurredAt").type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)))
                .noDefault()
                .name("dataDeletedAt").type().optional().longType()
                .endRecord();
        GenericRecord record = new GenericData.Record(newer);
        record.put("eventId", UUID.randomUUID().toString());
        record.put("operationId", UUID.randomUUID().toString());
        record.put("tenant", "acme");
        record.put("instanceName", "orders");
        record.put("occurredAt", now.toEpochMilli());
        sendRaw(key, "InstanceDestroyed", encode(newer, record));
    }

    private void sendRaw(String key, String type, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers()),
                new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
            record.headers().add(Topics.EVENT_TYPE_HEADER, type.getBytes(StandardCharsets.UTF_8));
            producer.send(record).get(BOUND.toSeconds(), SECONDS);
        } catch (ExecutionException | InterruptedException | TimeoutException e) {
            throw new IllegalStateException("the broker did not take the record", e);
        }
    }

    private static byte[] encode(Schema schema, GenericRecord record) {
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private InstanceProvisioned provisioned(String name) {
        InstanceProvisioned provisioned = new InstanceProvisioned();
        provisioned.setHostName("localhost");
        provisioned.setPort(15432);
        provisioned.setAdminUsername("alice");
        provisioned.setDriver(InstanceDriverKind.LOCAL);
        provisioned.setControlPasswordCiphertext(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        return stamped(provisioned, name);
    }

    private InstanceHealthChanged healthChanged(String name) {
        InstanceHealthChanged changed = new InstanceHealthChanged();
        changed.setHealth(InstanceHealth.UNAVAILABLE);
        return stamped(changed, name);
    }

    private InstanceDestroyed destroyed(String name) {
        return stamped(new InstanceDestroyed(), name);
    }

    private <T extends SpecificRecordBase> T stamped(T record, String name) {
        return EventMetadata.stamp(record, UUID.randomUUID(), new InstanceRef("acme", name), now);
    }

    private static String key(SpecificRecordBase event) {
        return EventMetadata.of(event).instance().key();
    }

    private static String servers() {
        return TestInfrastructure.kafkaBootstrapServers();
    }

    private static final class RecordingHandler implements InstanceEventsConsumer.Handler {

        final List<SpecificRecordBase> events = new CopyOnWriteArrayList<>();

        @Override
        public void provisioned(InstanceProvisioned event) {
            events.add(event);
        }

        @Override
        public void destroyed(InstanceDestroyed event) {
            events.add(event);
        }
    }
}
