package dev.dbcloud.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OperationTimeoutTest {

    @Test
    void theMessageStatesTheTimeoutInTheLargestUnitThatFitsIt() {
        assertThat(OperationTimeout.message(Duration.ofMinutes(10)))
                .isEqualTo("No outcome within 10 minutes; the service that runs it may be down");
        assertThat(OperationTimeout.message(Duration.ofHours(1))).startsWith("No outcome within 1 hour;");
        assertThat(OperationTimeout.message(Duration.ofSeconds(90))).startsWith("No outcome within 90 seconds;");
        assertThat(OperationTimeout.message(Duration.ofMillis(1500))).startsWith("No outcome within 1500 milliseconds;");
    }
}
