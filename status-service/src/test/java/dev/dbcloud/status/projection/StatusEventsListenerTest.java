package dev.dbcloud.status.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.common.serde.EventCatalog;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.annotation.KafkaHandler;

class StatusEventsListenerTest {

    /** A record type without a handler would fail its retries and end in the dead-letter topic. */
    @Test
    void everyRecordTypeOfTheContractHasAHandler() {
        var handled = Arrays.stream(StatusEventsListener.class.getDeclaredMethods())
                .filter(method -> method.isAnnotationPresent(KafkaHandler.class))
                .map(Method::getParameterTypes)
                .map(parameters -> parameters[0])
                .toList();

        assertThat(handled).containsExactlyInAnyOrderElementsOf(EventCatalog.TYPES);
    }
}
