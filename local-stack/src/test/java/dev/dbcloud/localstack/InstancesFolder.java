package dev.dbcloud.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What {@code <home>/instances} holds, the instances' data directories told apart from the warm pool's servers. The
 * pool makes each of its servers in what will be its instance's data directory ({@code instances/<uuid>}) and runs
 * it on a port of the instances' range; until a provisioning claims it, its directory holds
 * {@value #PASSWORD_PENDING}. A provisioned instance's directory is the pooled one it claimed (or, when the pool was
 * empty, one named by the operation's id); a restored instance's is named by the operation's id.
 */
final class InstancesFolder {

    /** The provisioner's mark of a pooled server's directory that no provisioning has claimed yet. */
    static final String PASSWORD_PENDING = "dbcloud.control-password-pending";

    private InstancesFolder() {
    }

    /**
     * Everything under {@code <home>/instances} but the warm pool's unclaimed servers, by name: the instances' data
     * directories, and whatever a crash left half made there (a {@code .init} staging folder, a hidden file).
     */
    static List<Path> dataDirectories(Path home) {
        return entries(home).stream().filter(entry -> !isPooled(entry)).toList();
    }

    /** The data directories of the warm pool's servers that no provisioning has claimed, by name. */
    static List<Path> pooled(Path home) {
        return entries(home).stream().filter(InstancesFolder::isPooled).toList();
    }

    /** Whether {@code entry} is a whole data directory: not a staging folder, nor a hidden or plain file. */
    static boolean isWhole(Path entry) {
        String name = entry.getFileName().toString();
        return Files.isDirectory(entry) && !name.startsWith(".") && !name.endsWith(".init");
    }

    /**
     * The port each instance's server listens on, by data directory: those of {@link #dataDirectories} whose
     * {@code postmaster.pid} names a live process.
     */
    static Map<Path, Integer> listeningPorts(Path home) {
        Map<Path, Integer> ports = new TreeMap<>();
        for (Path directory : dataDirectories(home)) {
            Path pidFile = directory.resolve("postmaster.pid");
            try {
                if (!Files.isRegularFile(pidFile)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(pidFile);
                if (lines.size() > 3 && ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
                        .filter(ProcessHandle::isAlive).isPresent()) {
                    ports.put(directory, Integer.parseInt(lines.get(3).strip()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ports;
    }

    /**
     * The PostgreSQL servers on {@code home} but the warm pool's unclaimed ones: the control plane's (on
     * {@code <home>/control-plane}) and the instances'.
     */
    static List<ProcessHandle> servers(Path home) {
        return ChildStack.postgresServersOn(home).stream()
                .filter(server -> dataDirectoryOf(server).map(data -> !isPooled(data)).orElse(true)).toList();
    }

    /** The directory a postmaster's command line gives after {@code -D}; empty if the process is gone. */
    private static Optional<Path> dataDirectoryOf(ProcessHandle server) {
        try {
            List<String> arguments = Arrays.asList(
                    Files.readString(Path.of("/proc", Long.toString(server.pid()), "cmdline")).split("\0"));
            int flag = arguments.indexOf("-D");
            return flag >= 0 && flag + 1 < arguments.size() ? Optional.of(Path.of(arguments.get(flag + 1)))
                    : Optional.empty();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static boolean isPooled(Path entry) {
        return isWhole(entry) && Files.exists(entry.resolve(PASSWORD_PENDING));
    }

    private static List<Path> entries(Path home) {
        Path instances = home.resolve("instances");
        if (!Files.isDirectory(instances)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(instances)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
