package dev.dbcloud.provisioner.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.common.Topics;
import dev.dbcloud.events.DestroyRequested;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.messaging.test.TestInfrastructure;
import dev.dbcloud.messaging.test.TopicRecorder;
import dev.dbcloud.provisioner.driver.ProvisioningStepDone;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;

/**
 * Commands of different instances run side by side, at most {@code dbcloud.provisioner.max-parallel-commands} at
 * once (one consumer each, over the command topic's partitions); each instance's commands still run in the order
 * they were sent, and one that keeps failing goes to the dead-letter topic without holding up other partitions'.
 */
class ParallelCommandsIntegrationTest extends AbstractProvisionerIntegrationTest {

    private static TopicRecorder deadLetters;

    @Autowired ConfigurableApplicationContext context;
    @Value("${dbcloud.provisioner.max-parallel-commands}") int limit;
    private final List<ApplicationListener<ApplicationEvent>> listeners = new ArrayList<>();

    @BeforeAll
    static void recordDeadLetters() {
        deadLetters = new TopicRecorder(TestInfrastructure.kafkaBootstrapServers(),
                Topics.deadLetter(Topics.INSTANCE_COMMANDS));
    }

    @AfterAll
    static void stopRecording() throws InterruptedException {
        deadLetters.close();
    }

    @AfterEach
    void stopListening() {
        listeners.forEach(context::removeApplicationListener);
    }

    @Test
    void provisionsOfDifferentInstancesRunSideBySideUpToTheLimit() {
        String tenant = uniqueTenant();
        Set<String> inFlight = ConcurrentHashMap.newKeySet();
        AtomicInteger mostInFlight = new AtomicInteger();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        // Each provisioning waits at its first step, a bounded while, for a second one to be under way: run one at a
        // time, none ever sees another, and the test fails.
        CountDownLatch twoUnderWay = new CountDownLatch(2);
        onSteps(tenant, step -> {
            String name = step.instance().name();
            if (step.step() == ProvisioningStepDone.Step.OUTCOME_RECORDED) {
                inFlight.remove(name);
            } else if (inFlight.add(name)) {
                mostInFlight.accumulateAndGet(inFlight.size(), Math::max);
                threads.add(Thread.currentThread().getName());
                twoUnderWay.countDown();
                awaitQuietly(twoUnderWay);
            }
        });

        // One instance on each partition: how many run at once is then up to the consumers, not to the names' hashes.
        List<ProvisionRequested> burst = new ArrayList<>();
        for (String name : namesOnDistinctPartitions(tenant, "burst", partitions())) {
            burst.add(provisionCommand(tenant, name, "alice", "burst-password-" + name));
        }
        assertThat(burst).hasSizeGreaterThan(limit);
        burst.forEach(AbstractProvisionerIntegrationTest::send);

        for (ProvisionRequested command : burst) {
            awaitOutcome(InstanceProvisioned.class, command.getOperationId());
        }
        assertThat(mostInFlight.get()).isBetween(2, limit);
        assertThat(threads).hasSizeGreaterThan(1);
    }

    @Test
    void commandsOfOneInstanceRunInTheOrderSentAmongOtherInstancesCommands() {
        String tenant = uniqueTenant();
        ProvisionRequested first = provisionCommand(tenant, "same", "alice", "first-password-1");
        DestroyRequested destroy = destroyCommand(tenant, "same");
        ProvisionRequested second = provisionCommand(tenant, "same", "alice", "second-password-2");
        List<ProvisionRequested> others = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            others.add(provisionCommand(tenant, "other" + i, "bob", "other-password-" + i));
        }

        send(first);
        others.subList(0, 4).forEach(AbstractProvisionerIntegrationTest::send);
        send(destroy);
        others.subList(4, 7).forEach(AbstractProvisionerIntegrationTest::send);
        send(second);
        others.subList(7, 10).forEach(AbstractProvisionerIntegrationTest::send);

        // Out of order, the destroy would find no instance yet, or the second provisioning the name still taken.
        awaitOutcome(InstanceProvisioned.class, first.getOperationId());
        awaitOutcome(InstanceDestroyed.class, destroy.getOperationId());
        awaitOutcome(InstanceProvisioned.class, second.getOperationId());
        assertThat(status(first.getOperationId())).isEqualTo("DESTROYED");
        assertThat(status(second.getOperationId())).isEqualTo("AVAILABLE");
        for (ProvisionRequested other : others) {
            awaitOutcome(InstanceProvisioned.class, other.getOperationId());
            assertThat(status(other.getOperationId())).isEqualTo("AVAILABLE");
        }
    }

    @Test
    void aCommandThatKeepsFailingGoesToTheDeadLetterTopicAndOtherInstancesGoOn() throws Exception {
        String tenant = uniqueTenant();
        // Well-formed, but its operation id is no UUID: its handler fails each time it is retried.
        ProvisionRequested failing = provisionCommand(tenant, "broken", "alice", "broken-password-1");
        failing.setOperationId("not-a-uuid-" + UUID.randomUUID());
        byte[] failingBytes = codec.encode(failing);
        ProvisionRequested sameInstanceAfter = provisionCommand(tenant, "broken", "alice", "broken-password-2");
        List<ProvisionRequested> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            others.add(provisionCommand(tenant, "fine" + i, "bob", "fine-password-" + i));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.INSTANCE_COMMANDS, tenant + "/broken", failingBytes)).get();
        }
        send(others.get(0));
        send(sameInstanceAfter);
        send(others.get(1));
        send(others.get(2));

        for (ProvisionRequested other : others) {
            awaitOutcome(InstanceProvisioned.class, other.getOperationId());
        }
        await().atMost(BOUND).until(() -> deadLetter(failingBytes) != null);
        ConsumerRecord<String, byte[]> dead = deadLetter(failingBytes);
        assertThat(new String(dead.headers().lastHeader("kafka_dlt-original-topic").value(), StandardCharsets.UTF_8))
                .isEqualTo(Topics.INSTANCE_COMMANDS);
        assertThat(new String(dead.headers().lastHeader("kafka_dlt-exception-cause-fqcn").value(),
                StandardCharsets.UTF_8)).isEqualTo(IllegalArgumentException.class.getName());
        // The instance's next command follows the one that failed, once it is out of the way.
        awaitOutcome(InstanceProvisioned.class, sameInstanceAfter.getOperationId());
        assertThat(status(sameInstanceAfter.getOperationId())).isEqualTo("AVAILABLE");
    }

    /** The command topic's partitions, as the broker has them. */
    private static int partitions() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers()))) {
            return admin.describeTopics(List.of(Topics.INSTANCE_COMMANDS)).allTopicNames().get()
                    .get(Topics.INSTANCE_COMMANDS).partitions().size();
        } catch (ExecutionException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Instance names of the tenant, one per partition, as the producer's default partitioner places their keys. */
    private static List<String> namesOnDistinctPartitions(String tenant, String prefix, int partitions) {
        Map<Integer, String> byPartition = new TreeMap<>();
        for (int i = 0; byPartition.size() < partitions; i++) {
            String name = prefix + i;
            byte[] key = new InstanceRef(tenant, name).key().getBytes(StandardCharsets.UTF_8);
            byPartition.putIfAbsent(Utils.toPositive(Utils.murmur2(key)) % partitions, name);
        }
        return List.copyOf(byPartition.values());
    }

    private ConsumerRecord<String, byte[]> deadLetter(byte[] value) {
        return deadLetters.records(Topics.deadLetter(Topics.INSTANCE_COMMANDS)).stream()
                .filter(record -> Arrays.equals(record.value(), value)).findFirst().orElse(null);
    }

    /** Steps of the tenant's provisionings, as they are published: on the thread doing the work. */
    private void onSteps(String tenant, java.util.function.Consumer<ProvisioningStepDone> steps) {
        ApplicationListener<ApplicationEvent> listener = event -> {
            if (event instanceof PayloadApplicationEvent<?> payload
                    && payload.getPayload() instanceof ProvisioningStepDone step
                    && step.instance().tenant().equals(tenant)) {
                steps.accept(step);
            }
        };
        listeners.add(listener);
        context.addApplicationListener(listener);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
