package dev.dbcloud.messaging.outbox;

import dev.dbcloud.common.Topics;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.messaging.InvalidRecordException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecordBase;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

@SpringBootApplication
class OutboxTestApplication {

    /** Fails on every record for instance "poison", and rejects instance "invalid" as not retryable. */
    @Component
    static class FlakyConsumer {

        final List<String> attempts = new CopyOnWriteArrayList<>();

        @KafkaListener(topics = Topics.INSTANCE_EVENTS, groupId = "messaging-test")
        void on(SpecificRecordBase event) {
            if (!(event instanceof InstanceDestroyed destroyed)) {
                return;
            }
            attempts.add(destroyed.getInstanceName());
            if (destroyed.getInstanceName().equals("poison")) {
                throw new IllegalStateException("cannot handle poison");
            }
            if (destroyed.getInstanceName().equals("invalid")) {
                throw new InvalidRecordException("invalid record");
            }
        }
    }
}
