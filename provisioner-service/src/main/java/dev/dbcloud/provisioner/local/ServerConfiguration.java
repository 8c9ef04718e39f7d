package dev.dbcloud.provisioner.local;

import dev.dbcloud.provisioner.driver.DriverException;
import dev.dbcloud.provisioner.driver.RecoveryTarget;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The settings dbcloud gives a local server, in {@code dbcloud.conf} beside {@code postgresql.conf}, which includes
 * it last: the port, where it listens, and continuous archiving of its WAL with PostgreSQL's {@code basic_archive}
 * module; during a restore, also where to read the source's archived WAL and where to stop. The file is written
 * whole before every start, so what a server runs with is always what the control plane says now.
 */
final class ServerConfiguration {

    static final String FILE = "dbcloud.conf";
    private static final String INCLUDE = "include '" + FILE + "'";
    private static final DateTimeFormatter RECOVERY_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'").withZone(ZoneOffset.UTC);

    /** Replaying a source's archived WAL into a new server, up to {@code target}. */
    record Recovery(Path sourceArchive, RecoveryTarget target) {
    }

    private ServerConfiguration() {
    }

    /**
     * Makes {@code postgresql.conf} include {@code dbcloud.conf} (last, so its settings win over older lines of
     * dbcloud's own there), and writes {@code dbcloud.conf}; answers whether anything changed. Both are written
     * to a temporary file, fsynced and renamed, so a crash leaves the old file or the new, never half of one.
     */
    static boolean write(Path data, int port, String listenAddresses, Path archive, Duration archiveTimeout,
            Recovery recovery) {
        try {
            Path main = data.resolve("postgresql.conf");
            String mainText = Files.readString(main);
            boolean changed = false;
            if (!mainText.lines().anyMatch(INCLUDE::equals)) {
                replace(main, mainText + "\n# dbcloud's settings, last so that they win\n" + INCLUDE + "\n");
                changed = true;
            }
            String text = settings(port, listenAddresses, archive, archiveTimeout, recovery);
            Path own = data.resolve(FILE);
            if (!Files.isRegularFile(own) || !Files.readString(own).equals(text)) {
                replace(own, text);
                changed = true;
            }
            return changed;
        } catch (IOException e) {
            throw new DriverException("cannot configure the server: " + e.getMessage(), e);
        }
    }

    /** The port {@code dbcloud.conf} gives the server; -1 when there is no such file. */
    static int port(Path data) {
        try {
            Path own = data.resolve(FILE);
            if (!Files.isRegularFile(own)) {
                return -1;
            }
            return Files.readAllLines(own).stream().filter(line -> line.startsWith("port = "))
                    .mapToInt(line -> Integer.parseInt(line.substring("port = ".length()).strip()))
                    .findFirst().orElse(-1);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static String settings(int port, String listenAddresses, Path archive, Duration archiveTimeout,
            Recovery recovery) {
        StringBuilder text = new StringBuilder("""
                # Managed by dbcloud, rewritten before every start: change nothing here.
                port = %d
                listen_addresses = %s
                unix_socket_directories = ''
                password_encryption = 'scram-sha-256'
                # Continuous archiving: every WAL segment is copied to the instance's archive once it is full, or
                # after archive_timeout at the latest.
                archive_mode = on
                archive_library = 'basic_archive'
                basic_archive.archive_directory = %s
                archive_timeout = %d
                """.formatted(port, literal(listenAddresses), literal(archive.toString()),
                Math.max(1, archiveTimeout.toSeconds())));
        if (recovery != null) {
            text.append("""
                    # A restore under way: replay the source's archived WAL, then promote.
                    restore_command = %s
                    recovery_target_action = 'promote'
                    hot_standby = off
                    """.formatted(literal(restoreCommand(recovery.sourceArchive()))));
            RecoveryTarget target = recovery.target();
            if (target.restorePoint() != null) {
                text.append("recovery_target_name = ").append(literal(target.restorePoint())).append('\n');
            } else if (target.pointInTime() != null) {
                text.append("recovery_target_time = ").append(literal(RECOVERY_TIME.format(target.pointInTime())))
                        .append('\n');
            }
        }
        return text.toString();
    }

    /**
     * {@code cp} from the archive, as PostgreSQL runs it (with {@code /bin/sh}): the folder is quoted for the
     * shell, and its {@code %} doubled so PostgreSQL leaves it alone.
     */
    static String restoreCommand(Path archive) {
        String folder = "'" + archive.toString().replace("'", "'\\''").replace("%", "%%") + "'";
        return "cp " + folder + "/%f \"%p\"";
    }

    /**
     * A string value as {@code postgresql.conf} reads it: in single quotes, each quote inside doubled and each
     * backslash too (the file's strings know C-style escapes).
     */
    static String literal(String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new DriverException("a configuration value cannot span lines");
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private static void replace(Path file, String text) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, text);
        try (FileChannel channel = FileChannel.open(next, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
