package dev.dbcloud.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that failed because another program held the port for a moment (a client connection's local port, gone
 * by the re-check) is read from what the server logged during that start, and only then: an earlier start's
 * complaint in the same log does not count.
 */
class PortRaceTest {

    @TempDir
    Path data;

    @Test
    void aStartWhoseServerCouldNotBindItsPortIsATakenPort() throws IOException {
        Path log = data.resolve("server.log");
        long before = LocalServerDriver.sizeOf(log);
        Files.writeString(log, """
                LOG:  starting PostgreSQL 17.11
                LOG:  could not bind IPv4 address "127.0.0.1": Address already in use
                FATAL:  could not create any TCP/IP sockets
                """);

        assertThat(before).isZero();
        assertThat(LocalServerDriver.couldNotBind(log, before)).isTrue();
    }

    @Test
    void anEarlierStartsComplaintDoesNotMakeThisFailureATakenPort() throws IOException {
        Path log = data.resolve("server.log");
        Files.writeString(log, "LOG:  could not bind IPv4 address \"127.0.0.1\": Address already in use\n");
        long before = LocalServerDriver.sizeOf(log);
        Files.writeString(log, "FATAL:  data directory has invalid permissions\n", StandardOpenOption.APPEND);

        assertThat(LocalServerDriver.couldNotBind(log, before)).isFalse();
        assertThat(LocalServerDriver.couldNotBind(data.resolve("missing.log"), 0)).isFalse();
    }
}
