package dev.dbcloud.provisioner.local;

import dev.dbcloud.provisioner.driver.Backup;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;

/**
 * Where a local instance's backups live, under {@code <root>/backups/<instance id>} (the id its data directory is
 * named by), readable by the service's user only:
 *
 * <pre>
 * wal/                      WAL segments, as basic_archive copies them
 * base/&lt;started&gt;/data/     a base backup: the data directory as copied, with its backup_label
 * base/&lt;started&gt;/backup.properties   written last: a base backup without it is not one
 * base/.partial-&lt;started&gt;/  a base backup being taken (removed when it is found after a crash)
 * </pre>
 */
final class BackupStore {

    static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
    private static final String MANIFEST = "backup.properties";
    private static final String PARTIAL = ".partial-";
    private static final Pattern START_WAL = Pattern.compile("START WAL LOCATION: \\S+ \\(file ([0-9A-F]{24})\\)");
    private static final Pattern SEGMENT = Pattern.compile("([0-9A-F]{8})([0-9A-F]{16})(\\..*)?");
    /** What a copy of a running data directory leaves out, as PostgreSQL's documentation of the backup API says. */
    private static final Set<String> SKIPPED_FILES = Set.of("postmaster.pid", "postmaster.opts", "backup_label",
            "tablespace_map", "recovery.signal", "standby.signal", "server.log", "pg_internal.init");
    /** Directories whose contents a backup leaves out; they are created empty. */
    private static final Set<String> EMPTIED_DIRECTORIES = Set.of("pg_wal", "pg_replslot", "pg_dynshmem",
            "pg_notify", "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans");

    /** A base backup on disk, with where its WAL begins. */
    record Stored(Path directory, Backup backup, String startWal) {

        Path data() {
            return directory.resolve("data");
        }
    }

    private final Path home;

    private BackupStore(Path home) {
        this.home = home;
    }

    /** The backups of the instance whose data directory this is. */
    static BackupStore of(Path root, Path dataDirectory) {
        return new BackupStore(root.resolve("backups").resolve(dataDirectory.getFileName().toString()));
    }

    Path archive() {
        return home.resolve("wal");
    }

    /** Creates the folders, private to the service's user, the backups folder above them too. */
    void create() {
        try {
            for (Path folder : List.of(home.getParent(), home, archive(), home.resolve("base"))) {
                if (!Files.isDirectory(folder)) {
                    Files.createDirectories(folder);
                }
                Files.setPosixFilePermissions(folder, PRIVATE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the backup folders " + home, e);
        }
    }

    void delete() throws IOException {
        if (Files.exists(home)) {
            PathUtils.deleteDirectory(home);
        }
    }

    /** The complete base backups, oldest first. */
    List<Stored> list() {
        Path base = home.resolve("base");
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        List<Stored> backups = new ArrayList<>();
        try (Stream<Path> entries = Files.list(base)) {
            for (Path entry : entries.toList()) {
                Path manifest = entry.resolve(MANIFEST);
                if (entry.getFileName().toString().startsWith(PARTIAL) || !Files.isRegularFile(manifest)) {
                    continue;
                }
                Properties properties = new Properties();
                try (Reader in = Files.newBufferedReader(manifest)) {
                    properties.load(in);
                }
                backups.add(new Stored(entry, new Backup(Instant.parse(properties.getProperty("startedAt")),
                        Instant.parse(properties.getProperty("finishedAt")),
                        Long.parseLong(properties.getProperty("sizeBytes"))), properties.getProperty("startWal")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the base backups in " + base, e);
        }
        backups.sort(Comparator.comparing((Stored stored) -> stored.backup().finishedAt()));
        return backups;
    }

    /** Removes base backups a crash left half taken. */
    void clearPartial() throws IOException {
        Path base = home.resolve("base");
        if (!Files.isDirectory(base)) {
            return;
        }
        try (Stream<Path> entries = Files.list(base)) {
            for (Path entry : entries.toList()) {
                if (entry.getFileName().toString().startsWith(PARTIAL) || !Files.exists(entry.resolve(MANIFEST))) {
                    PathUtils.deleteDirectory(entry);
                }
            }
        }
    }

    /** A folder for a base backup about to be taken; {@link #commit} makes it one. */
    Path begin(Instant startedAt) throws IOException {
        create();
        clearPartial();
        Path partial = home.resolve("base").resolve(PARTIAL + startedAt.toEpochMilli());
        Files.createDirectories(partial, PosixFilePermissions.asFileAttribute(PRIVATE));
        return partial;
    }

    /**
     * Completes a base backup: writes its {@code backup_label}, fsyncs every file, writes the manifest last and
     * renames the folder into place.
     */
    Stored commit(Path partial, Instant startedAt, Instant finishedAt, String labelFile, String tablespaceMap)
            throws IOException {
        Path data = partial.resolve("data");
        Files.writeString(data.resolve("backup_label"), labelFile);
        if (tablespaceMap != null && !tablespaceMap.isEmpty()) {
            Files.writeString(data.resolve("tablespace_map"), tablespaceMap);
        }
        Matcher startWal = START_WAL.matcher(labelFile);
        if (!startWal.find()) {
            throw new IOException("the backup label names no start WAL file");
        }
        long size = PathUtils.sizeOfDirectory(data);
        syncTree(data);
        Properties manifest = new Properties();
        manifest.setProperty("startedAt", startedAt.toString());
        manifest.setProperty("finishedAt", finishedAt.toString());
        manifest.setProperty("sizeBytes", Long.toString(size));
        manifest.setProperty("startWal", startWal.group(1));
        Path manifestFile = partial.resolve(MANIFEST);
        try (Writer out = Files.newBufferedWriter(manifestFile)) {
            manifest.store(out, "A base backup taken by dbcloud");
        }
        sync(manifestFile);
        sync(partial);
        Path complete = partial.resolveSibling(Long.toString(startedAt.toEpochMilli()));
        Files.move(partial, complete, StandardCopyOption.ATOMIC_MOVE);
        sync(complete.getParent());
        return new Stored(complete, new Backup(startedAt, finishedAt, size), startWal.group(1));
    }

    /**
     * Deletes the base backups that ended before {@code keepFrom}, but the newest of them (a restore of a moment
     * just after {@code keepFrom} starts from it), and the WAL segments older than the oldest backup kept; answers
     * whether it deleted anything. History files stay: they are small, and a restore reads them.
     */
    boolean prune(Instant keepFrom) throws IOException {
        List<Stored> backups = list();
        int firstKept = 0;
        for (int i = 0; i < backups.size(); i++) {
            if (backups.get(i).backup().finishedAt().isBefore(keepFrom)) {
                firstKept = i;
            }
        }
        boolean deleted = false;
        for (Stored old : backups.subList(0, firstKept)) {
            // Renamed first, so a crash halfway through the delete leaves a partial folder, never a listed backup.
            Path doomed = old.directory().resolveSibling(PARTIAL + "pruned-" + old.directory().getFileName());
            Files.move(old.directory(), doomed, StandardCopyOption.ATOMIC_MOVE);
            sync(doomed.getParent());
            PathUtils.deleteDirectory(doomed);
            deleted = true;
        }
        if (backups.isEmpty() || !Files.isDirectory(archive())) {
            return deleted;
        }
        String keepSegment = backups.get(firstKept).startWal().substring(8);
        try (Stream<Path> files = Files.list(archive())) {
            for (Path file : files.toList()) {
                Matcher segment = SEGMENT.matcher(file.getFileName().toString());
                if (segment.matches() && segment.group(2).compareTo(keepSegment) < 0) {
                    Files.deleteIfExists(file);
                    deleted = true;
                }
            }
        }
        return deleted;
    }

    /**
     * Copies a data directory: for a base backup ({@code running}), files that vanish meanwhile (a dropped table)
     * are skipped, as are the files and directory contents a running server keeps only for itself; for a restore,
     * everything. Directories are private to the service's user, as PostgreSQL requires of a data directory.
     */
    static void copyData(Path from, Path to, boolean running) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(dir).toString());
                Files.createDirectories(target);
                Files.setPosixFilePermissions(target, PRIVATE);
                boolean emptied = running && dir.getParent() != null && dir.getParent().equals(from)
                        && EMPTIED_DIRECTORIES.contains(dir.getFileName().toString());
                return emptied || running && dir.getFileName().toString().startsWith("pgsql_tmp")
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (!attrs.isRegularFile() || running && (SKIPPED_FILES.contains(name)
                        || name.startsWith("pgsql_tmp") || name.endsWith(".next"))) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException vanished) {
                    // Dropped while the copy ran; the WAL replayed after the backup drops it too.
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    /** Fsyncs every file and directory under {@code root}, so a power loss after a rename keeps what it named. */
    static void syncTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                sync(path);
            }
        }
    }

    private static void sync(Path path) throws IOException {
        boolean directory = Files.isDirectory(path);
        try (FileChannel channel = FileChannel.open(path,
                directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }
}
