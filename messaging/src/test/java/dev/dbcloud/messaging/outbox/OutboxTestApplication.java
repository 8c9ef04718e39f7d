package dev.dbcloud.messaging.outbox;

import dev.dbcloud.common.Topics;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.messaging.InvalidRecordException;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecordBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

@SpringBootApplication
class OutboxTestApplication {

    /**
     * Fails on every record for instance "poison", and rejects instance "invalid" as not retryable. Notes the trace
     * each record was handled in, by instance name, and logs a line for each.
     */
    @Component
    static class FlakyConsumer {

        private static final Logger log = LoggerFactory.getLogger(FlakyConsumer.class);
        final List<String> attempts = new CopyOnWriteArrayList<>();
        final Map<String, String> traceIds = new ConcurrentHashMap<>();
        private final Tracer tracer;

        FlakyConsumer(Tracer tracer) {
            this.tracer = tracer;
        }

        @KafkaListener(topics = Topics.INSTANCE_EVENTS, groupId = "messaging-test")
        void on(SpecificRecordBase event) {
            if (!(event instanceof InstanceDestroyed destroyed)) {
                return;
            }
            attempts.add(destroyed.getInstanceName());
            Span span = tracer.currentSpan();
            if (span != null) {
                traceIds.put(destroyed.getInstanceName(), span.context().traceId());
            }
            log.info("Handling InstanceDestroyed of {}", destroyed.getInstanceName());
            if (destroyed.getInstanceName().equals("poison")) {
                throw new IllegalStateException("cannot handle poison");
            }
            if (destroyed.getInstanceName().equals("invalid")) {
                throw new InvalidRecordException("invalid record");
            }
        }
    }
}
