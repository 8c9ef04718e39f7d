package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.Topics;
import dev.dbcloud.common.serde.EventCodec;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.MigrateRequested;
import dev.dbcloud.events.ProvisionRequested;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Records nobody can read, written to each consumed topic as a broken or hostile producer would: garbage bytes,
 * Avro's single-object header with a schema fingerprint nobody knows, and a well-formed record whose handlers fail
 * every time they are retried. Each lands in its topic's {@code -dlt} with
 * its original bytes and the failure's headers, and the services go on: the next command is carried out.
 */
@Tag("faults")
@ExtendWith(SharedLocalStack.class)
class PoisonRecordsFaultTest {

    private static final List<String> CONSUMED =
            List.of(Topics.INSTANCE_COMMANDS, Topics.MIGRATION_COMMANDS, Topics.INSTANCE_EVENTS);
    private static final EventCodec codec = new EventCodec();
    private static LocalStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start(LocalStack shared) {
        stack = shared;
    }

    @Test
    void poisonGoesToTheDeadLetterTopicWithItsBytesAndTheNextCommandIsCarriedOut() throws Exception {
        Map<String, byte[]> poison = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(new HashMap<>(stack.kafkaClientProperties()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (String topic : CONSUMED) {
                byte[] garbage = ("garbage " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
                byte[] unknownSchema = ByteBuffer.allocate(2 + 8 + 16).put((byte) 0xC3).put((byte) 0x01)
                        .putLong(ThreadLocalRandom.current().nextLong()).putLong(7).putLong(42).array();
                byte[] handlerFails = codec.encode(alwaysFailing(topic));
                for (byte[] value : List.of(garbage, unknownSchema, handlerFails)) {
                    producer.send(new ProducerRecord<>(topic, "default/poisoned", value)).get();
                    poison.put(topic + " " + HexFormat.of().formatHex(value), value);
                }
            }
        }

        // The next command still goes through every service that had a poisoned topic.
        String key = stack.credentials().apiKey();
        HttpResponse<String> accepted = send(key, "POST", "/v1/instances",
                "{\"name\":\"afterpoison\",\"username\":\"alice\",\"password\":\"After-Po1son-pass\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        assertThat(send(key, "GET", location + "?waitSeconds=60", null).body()).contains("\"status\":\"SUCCEEDED\"");

        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : CONSUMED) {
                consumer.partitionsFor(Topics.deadLetter(topic))
                        .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<String, ConsumerRecord<byte[], byte[]>> deadLetters = new HashMap<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    String original = record.topic().substring(0, record.topic().length() - Topics.DEAD_LETTER_SUFFIX.length());
                    deadLetters.putIfAbsent(original + " " + HexFormat.of().formatHex(record.value()), record);
                }
                return deadLetters.keySet().containsAll(poison.keySet());
            });
            for (String landed : poison.keySet()) {
                ConsumerRecord<byte[], byte[]> record = deadLetters.get(landed);
                assertThat(record.value()).isEqualTo(poison.get(landed));
                assertThat(new String(record.headers().lastHeader("kafka_dlt-original-topic").value(),
                        StandardCharsets.UTF_8)).isEqualTo(landed.substring(0, landed.indexOf(' ')));
                assertThat(record.headers().lastHeader("kafka_dlt-exception-fqcn")).isNotNull();
            }
        }
    }

    /**
     * A well-formed record of a type the topic carries whose operation id is no UUID: every handler of it fails, each
     * time it is retried.
     */
    private static SpecificRecordBase alwaysFailing(String topic) {
        SpecificRecordBase record = switch (topic) {
            case Topics.INSTANCE_COMMANDS -> ProvisionRequested.newBuilder().setAdminUsername("alice")
                    .setPasswordVerifier("SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy")
                    .setEventId("").setOperationId("").setTenant("").setInstanceName("").setOccurredAt(Instant.now())
                    .build();
            case Topics.MIGRATION_COMMANDS -> MigrateRequested.newBuilder().setApplication("shop").setAppDbName("shop")
                    .setMigrations(List.of())
                    .setEventId("").setOperationId("").setTenant("").setInstanceName("").setOccurredAt(Instant.now())
                    .build();
            default -> InstanceDestroyed.newBuilder()
                    .setEventId("").setOperationId("").setTenant("").setInstanceName("").setOccurredAt(Instant.now())
                    .build();
        };
        record.put("eventId", UUID.randomUUID().toString());
        record.put("operationId", "not-a-uuid-" + UUID.randomUUID());
        record.put("tenant", "default");
        record.put("instanceName", "poisoned");
        return record;
    }

    private HttpResponse<String> send(String key, String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
