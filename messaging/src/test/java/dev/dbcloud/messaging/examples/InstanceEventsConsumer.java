package dev.dbcloud.messaging.examples;

// docs/consuming-events.md shows this file from the line after "example begins" to the line before "example ends";
// InstanceEventsConsumerTest fails when the two differ.
// example begins
import dev.dbcloud.common.Topics;
import dev.dbcloud.common.serde.EventCodec;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceProvisioned;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows dbcloud's instance events with a plain {@link KafkaConsumer} and dbcloud's {@code common} artifact. It
 * acts on the record types it handles, skips the others by their {@code dbcloud-event-type} header without
 * decoding them, and commits after handling each poll: at least once, in order per instance.
 */
public final class InstanceEventsConsumer {

    /** What this system does with the events it follows. A record can come twice: deduplicate on its eventId. */
    public interface Handler {

        void provisioned(InstanceProvisioned event);

        void destroyed(InstanceDestroyed event);
    }

    private static final Set<String> HANDLED = Set.of(
            InstanceProvisioned.getClassSchema().getName(), InstanceDestroyed.getClassSchema().getName());

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventCodec codec = new EventCodec();
    private final Handler handler;

    /**
     * @param connection {@code bootstrap.servers} and the security settings; the local stack writes them all to
     *     {@code ~/.dbcloud/kafka-client.properties}
     * @param groupId this system's own consumer group
     * @param topic {@link Topics#INSTANCE_EVENTS}
     */
    public InstanceEventsConsumer(Properties connection, String groupId, String topic, Handler handler) {
        Properties properties = new Properties();
        properties.putAll(connection);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
        this.consumer.subscribe(List.of(topic));
        this.handler = handler;
    }

    /**
     * Handles records until {@link #stop()}, then closes the consumer. A record it cannot handle ends the run with
     * the handler's exception, or with {@code UndecodableRecordException} for a handled type written with a schema
     * newer than this copy of {@code common} (upgrade it); nothing after the last commit is lost, the next run
     * reads it again.
     */
    public void run() {
        try {
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    handle(record);
                }
                consumer.commitSync();
            }
        } catch (WakeupException stopping) {
            // stop() was called; what was handled since the last commit comes again next time
        } finally {
            consumer.close();
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        Header type = record.headers().lastHeader(Topics.EVENT_TYPE_HEADER);
        if (type != null && !HANDLED.contains(new String(type.value(), StandardCharsets.UTF_8))) {
            return; // a type this system does not follow, perhaps one newer than its copy of common
        }
        SpecificRecordBase event = codec.decode(record.value());
        if (event instanceof InstanceProvisioned provisioned) {
            handler.provisioned(provisioned);
        } else if (event instanceof InstanceDestroyed destroyed) {
            handler.destroyed(destroyed);
        }
    }

    /** Makes {@link #run()} return; safe to call from any thread. */
    public void stop() {
        consumer.wakeup();
    }

    /** {@code java ... InstanceEventsConsumer ~/.dbcloud/kafka-client.properties my-system} prints what it sees. */
    public static void main(String[] args) throws IOException {
        Properties connection = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]))) {
            connection.load(in);
        }
        InstanceEventsConsumer events = new InstanceEventsConsumer(connection, args[1], Topics.INSTANCE_EVENTS,
                new Handler() {
                    @Override
                    public void provisioned(InstanceProvisioned event) {
                        System.out.printf("%s/%s runs at %s:%d%n", event.getTenant(), event.getInstanceName(),
                                event.getHostName(), event.getPort());
                    }

                    @Override
                    public void destroyed(InstanceDestroyed event) {
                        System.out.printf("%s/%s is gone%n", event.getTenant(), event.getInstanceName());
                    }
                });
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            events.stop();
            try {
                main.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        events.run();
    }
}
// example ends
