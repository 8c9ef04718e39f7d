package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local broker's port, taken by another program: the stack says so, and how to choose another. */
class LocalKafkaTest {

    @TempDir Path home;

    @Test
    void aTakenPortIsNamedWithTheWayOut() throws Exception {
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            assertThatThrownBy(() -> LocalKafka.start(home.resolve("kafka"), other.getLocalPort(), "secret"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Kafka's port 127.0.0.1:" + other.getLocalPort() + " is taken by another program; "
                            + "start with --kafka-port N (0 for any free port)");
        }
        assertThat(home.resolve("kafka")).as("nothing was formatted").isEmptyDirectory();
    }
}
