package dev.dbcloud.messaging.test;

import dev.dbcloud.common.serde.EventCodec;
import dev.dbcloud.common.serde.UndecodableRecordException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Records everything written to some topics, from their beginning, on a background thread, so tests can wait
 * for a record with Awaitility and inspect raw bytes, headers and decoded values.
 */
public final class TopicRecorder implements AutoCloseable {

    private final List<ConsumerRecord<String, byte[]>> records = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final EventCodec codec = new EventCodec();
    private volatile boolean running = true;

    public TopicRecorder(String bootstrapServers, String... topics) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "recorder-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topics));
        thread = new Thread(this::poll, "topic-recorder");
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        try {
            while (running) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        } catch (WakeupException stopping) {
            // close() was called
        } finally {
            consumer.close();
        }
    }

    public List<ConsumerRecord<String, byte[]>> records(String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    /** The decodable dbcloud records seen on a topic, in order. */
    public List<SpecificRecordBase> events(String topic) {
        return records(topic).stream().map(r -> decodeOrNull(r.value())).filter(e -> e != null).toList();
    }

    public <T extends SpecificRecordBase> List<T> events(String topic, Class<T> type, Predicate<T> matching) {
        return events(topic).stream().filter(type::isInstance).map(type::cast).filter(matching).toList();
    }

    private SpecificRecordBase decodeOrNull(byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (UndecodableRecordException e) {
            return null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }
}
