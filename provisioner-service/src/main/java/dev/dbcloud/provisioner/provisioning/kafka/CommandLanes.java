package dev.dbcloud.provisioner.provisioning.kafka;

import dev.dbcloud.messaging.InvalidRecordException;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation.DefaultKafkaListenerObservationConvention;
import org.springframework.kafka.support.micrometer.KafkaListenerObservationConvention;
import org.springframework.kafka.support.micrometer.KafkaRecordReceiverContext;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * Carries out the commands of one poll side by side: one lane per instance, which takes that instance's commands one
 * after another in the order they were sent, and at most {@code dbcloud.provisioner.max-parallel-commands} lanes at
 * once. Commands that act on a common instance share a lane (a restore acts on its source too).
 *
 * <p>The poll is done when every lane is. A lane stops at its first failure, and no lane begins another command once
 * a stop of the listener is asked (each finishes the one in hand). The poll's offsets are then committed up to its
 * first command not carried out:
 * <ul>
 *   <li>a failure is thrown as a {@link BatchListenerFailedException} naming that record: the container's one error
 *       handler commits what came before it, delivers it again with what came after it (its instance's later
 *       commands among them, so they still follow it) with back-off, and after the last retry sends it to its
 *       {@code -dlt} topic and goes on;</li>
 *   <li>what a stop cut off stays uncommitted, and is delivered again at the next start.</li>
 * </ul>
 * A command after that point that did run is delivered again too: the use cases are idempotent (a redelivered command
 * re-emits its recorded outcome), so nothing is lost or done twice.
 *
 * <p>The consumer's thread waits for the whole poll, so the next poll begins after its slowest lane; the poll loop is
 * bounded by {@code max.poll.interval.ms} as before, and sooner, since the poll's commands no longer run one by one.
 */
@Component
class CommandLanes implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CommandLanes.class);
    private static final LogAccessor logAccessor = new LogAccessor(CommandLanes.class);

    private final ExecutorService workers;
    private final KafkaListenerEndpointRegistry listeners;
    private final ObservationRegistry observations;

    CommandLanes(ParallelCommandsProperties properties, KafkaListenerEndpointRegistry listeners,
            ObjectProvider<ObservationRegistry> observations) {
        this.workers = Executors.newFixedThreadPool(properties.maxParallelCommands(),
                new CustomizableThreadFactory("instance-command-"));
        this.listeners = listeners;
        this.observations = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
    }

    /**
     * Carries out a poll and commits what it can (see above); returns when every lane has finished or stopped.
     *
     * @param listenerId the listener whose poll this is: once it is asked to stop, no lane begins another command
     * @param poll the poll's records as the container delivers them, each partition's in offset order
     * @param instancesOf the instances a record's command acts on, by key
     * @param command carries out one command, on a lane's thread, in the trace its record carries
     * @throws BatchListenerFailedException naming the first record that failed
     */
    void carryOut(String listenerId, List<ConsumerRecord<String, SpecificRecordBase>> poll,
            Acknowledgment acknowledgment, Function<ConsumerRecord<String, SpecificRecordBase>, Collection<String>> instancesOf,
            Consumer<SpecificRecordBase> command) {
        int size = poll.size();
        // Written by the lanes' threads; read here after join(), which orders those writes before the reads.
        boolean[] done = new boolean[size];
        Throwable[] failures = new Throwable[size];
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (List<Integer> lane : lanes(poll.stream().map(instancesOf).toList())) {
            lanes.add(CompletableFuture.runAsync(() -> {
                for (int index : lane) {
                    if (stopping(listenerId)) {
                        return;
                    }
                    try {
                        observed(listenerId, poll.get(index), command);
                        done[index] = true;
                    } catch (RuntimeException | Error e) {
                        failures[index] = e;
                        return;
                    }
                }
            }, workers));
        }
        CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).join();

        int first = 0;
        while (first < size && done[first]) {
            first++;
        }
        if (first == size) {
            acknowledgment.acknowledge();
        } else if (failures[first] != null) {
            ConsumerRecord<String, SpecificRecordBase> failed = poll.get(first);
            throw new BatchListenerFailedException("command at " + failed.topic() + "-" + failed.partition() + "@"
                    + failed.offset() + " failed", failures[first], failed);
        } else {
            if (first > 0) {
                acknowledgment.acknowledge(first - 1);
            }
            log.info("Stopping: {} of {} commands of the poll are left for the next start", size - first, size);
        }
    }

    /**
     * The lanes of a poll: lists of indexes into it, ascending, such that records acting on a common instance are in
     * one list. At most one record's list per instance, so two lanes never act on one instance at once.
     */
    static Collection<List<Integer>> lanes(List<? extends Collection<String>> instancesOfEach) {
        int[] parent = new int[instancesOfEach.size()];
        Map<String, Integer> firstActingOn = new HashMap<>();
        for (int index = 0; index < parent.length; index++) {
            parent[index] = index;
            for (String instance : instancesOfEach.get(index)) {
                Integer earlier = firstActingOn.putIfAbsent(instance, index);
                if (earlier != null) {
                    parent[root(parent, index)] = root(parent, earlier);
                }
            }
        }
        Map<Integer, List<Integer>> lanes = new LinkedHashMap<>();
        for (int index = 0; index < parent.length; index++) {
            lanes.computeIfAbsent(root(parent, index), root -> new ArrayList<>()).add(index);
        }
        return lanes.values();
    }

    private static int root(int[] parent, int index) {
        while (parent[index] != index) {
            index = parent[index];
        }
        return index;
    }

    private boolean stopping(String listenerId) {
        MessageListenerContainer container = listeners.getListenerContainer(listenerId);
        return container != null && !container.isRunning();
    }

    /** As the container observes a record: the command continues the trace in its record's {@code traceparent}. */
    private void observed(String listenerId, ConsumerRecord<String, SpecificRecordBase> record,
            Consumer<SpecificRecordBase> command) {
        KafkaListenerObservation.LISTENER_OBSERVATION.observation((KafkaListenerObservationConvention) null,
                DefaultKafkaListenerObservationConvention.INSTANCE,
                () -> new KafkaRecordReceiverContext(record, listenerId, () -> null), observations)
                .observe(() -> command.accept(decoded(record)));
    }

    /** The record's command, or why it has none: it could not be decoded, which no retry changes. */
    private static SpecificRecordBase decoded(ConsumerRecord<String, SpecificRecordBase> record) {
        if (record.value() != null) {
            return record.value();
        }
        DeserializationException undecodable = SerializationUtils.getExceptionFromHeader(record,
                SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, logAccessor);
        throw undecodable != null ? undecodable : new InvalidRecordException("the record has no value");
    }

    /**
     * The listener has stopped by now, having waited for its lanes; a lane still running (its stop timed out) may
     * finish its command while the context closes, as the consumer's thread did before the lanes.
     */
    @Override
    public void destroy() throws InterruptedException {
        workers.shutdown();
        if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
            log.warn("A command is still running as the service stops; it runs again at the next start");
        }
    }
}
