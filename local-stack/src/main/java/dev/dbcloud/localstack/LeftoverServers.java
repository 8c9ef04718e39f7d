package dev.dbcloud.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server left running on a data directory by a stack that was killed ({@code kill -9}, the OOM killer,
 * a crash): found through the directory's {@code postmaster.pid}, and stopped before a new server starts there.
 * Only called with the home's lock held, so no live stack owns it. A {@code postmaster.pid} whose process is gone,
 * or is no PostgreSQL server any more (its id reused), is stale and removed, so the new server does not refuse to
 * start.
 */
final class LeftoverServers {

    private static final Logger log = LoggerFactory.getLogger(LeftoverServers.class);
    private static final Duration SMART_STOP = Duration.ofSeconds(30);

    private LeftoverServers() {
    }

    /** Stops the server left running on {@code dataDirectory}, if any; answers whether there was one. */
    static boolean stop(Path dataDirectory) throws IOException, InterruptedException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return false;
        }
        Optional<ProcessHandle> server = server(pidFile, dataDirectory);
        if (server.isEmpty()) {
            Files.deleteIfExists(pidFile);
            return false;
        }
        ProcessHandle process = server.get();
        log.warn("A PostgreSQL server (process {}) was left running on {} by a stack that did not stop; stopping it",
                process.pid(), dataDirectory);
        // SIGTERM: PostgreSQL's smart shutdown; its clients died with the old stack, so it ends at once.
        process.destroy();
        try {
            process.onExit().get(SMART_STOP.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            log.warn("The server (process {}) did not stop within {}; killing it", process.pid(), SMART_STOP);
            process.destroyForcibly();
            process.onExit().join();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        Files.deleteIfExists(pidFile);
        return true;
    }

    /** The live PostgreSQL process that {@code postmaster.pid} names, if it is one. */
    private static Optional<ProcessHandle> server(Path pidFile, Path dataDirectory) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).strip());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(process -> isPostgresOn(process, dataDirectory));
    }

    private static boolean isPostgresOn(ProcessHandle process, Path dataDirectory) {
        try {
            String commandLine = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"))
                    .replace('\0', ' ');
            return commandLine.contains("postgres") && commandLine.contains(dataDirectory.toString());
        } catch (IOException e) {
            return process.info().command().map(command -> command.endsWith("postgres")).orElse(false);
        }
    }
}
