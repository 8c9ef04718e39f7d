package dev.dbcloud.provisioner.local;

import dev.dbcloud.provisioner.driver.DriverException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data directories initialized ahead of demand, under {@code <root>/pool}, so that a provisioning costs a start and
 * a role rather than an {@code initdb}. Each entry is made in {@code <id>.init} and renamed to {@code <id>} once
 * complete; a claim renames a complete entry to the claimer's path. A rename is atomic, so an entry is handed out
 * at most once however many claims race for it, and a crash leaves an entry either in the pool or claimed, never
 * both; what a crash leaves half made ({@code .init}, the temporary password files initdb reads) {@link #recover()}
 * deletes.
 *
 * <p>One background thread keeps {@code size} entries ready, from {@link #start()} to {@link #stop()}: never while
 * the service shuts down. An empty pool answers no entry, and the caller runs initdb itself.
 *
 * <p>The control password each entry was initialized with is kept in memory until the entry is claimed, so that the
 * claimer can log in with it once the server runs and give the role its own password then, with no single-user
 * step; an entry made by an earlier run of the service is handed out without it.
 */
final class WarmPool {

    /** A claimed entry, and the control password it was made with: null when this run did not make it. */
    record Claimed(Path directory, String password) {
        @Override
        public String toString() {
            return "Claimed[" + directory + "]";
        }
    }

    /** Makes a complete data directory at {@code staging}, its control role's password being {@code password}. */
    @FunctionalInterface
    interface Initdb {
        void initialize(Path staging, String password);
    }

    static final String STAGING = ".init";
    private static final Logger log = LoggerFactory.getLogger(WarmPool.class);

    private final Path folder;
    private final int size;
    private final Initdb initdb;
    private final Supplier<String> passwords;
    private final Duration stopWait;
    private final Object lifecycle = new Object();
    /** Null while stopped; a fill goes on only while the executor it runs on is this one. */
    private volatile ExecutorService filler;
    /** A fill is queued and has not begun yet: further requests need none of their own. */
    private final AtomicBoolean fillQueued = new AtomicBoolean();
    /** The control passwords of the entries this run made, by entry name, until claimed. */
    private final Map<String, String> passwordsOf = new ConcurrentHashMap<>();

    /**
     * @param passwords the random control password each entry gets from initdb; it is kept until the entry is
     *        claimed, then handed to the claimer, who replaces it
     * @param stopWait how long {@link #stop()} waits for an initdb under way
     */
    WarmPool(Path folder, int size, Initdb initdb, Supplier<String> passwords, Duration stopWait) {
        if (size < 0) {
            throw new IllegalArgumentException("the pool size cannot be negative");
        }
        this.folder = folder;
        this.size = size;
        this.initdb = initdb;
        this.passwords = passwords;
        this.stopWait = stopWait;
    }

    int size() {
        return size;
    }

    /**
     * Deletes what a killed service left half made; complete entries stay, to be claimed. Stops the pool first:
     * {@link #start()} it again after.
     */
    void recover() {
        // No initdb of this pool may be under way while its staging folders go.
        stop();
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".") || name.endsWith(STAGING)) {
                    log.warn("Removing {}, left half made in the warm pool", entry);
                    PathUtils.delete(entry);
                }
            }
        } catch (IOException e) {
            throw new DriverException("cannot clean up the warm pool after a crash: " + e.getMessage(), e);
        }
    }

    /** Begins keeping the pool full, on a thread of its own; a pool of size 0 does nothing. */
    void start() {
        if (size == 0) {
            return;
        }
        synchronized (lifecycle) {
            if (filler != null) {
                return;
            }
            filler = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "warm-pool");
                thread.setDaemon(true);
                return thread;
            });
        }
        refill();
    }

    /** Makes no more entries, and waits (bounded) for one under way; claims still take what is there. */
    void stop() {
        ExecutorService stopping;
        synchronized (lifecycle) {
            stopping = filler;
            filler = null;
        }
        if (stopping == null) {
            return;
        }
        stopping.shutdown();
        try {
            if (!stopping.awaitTermination(stopWait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("The warm pool's initdb did not finish within {} ms", stopWait.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many complete entries wait to be claimed. */
    int available() {
        return complete().size();
    }

    /**
     * Moves a complete entry to {@code target} (which must not exist, on the same file system), atomically; empty
     * when none is left, and then the caller initializes a directory itself. Starts a refill either way.
     */
    Optional<Claimed> claimInto(Path target) {
        try {
            for (Path entry : complete()) {
                try {
                    Files.move(entry, target, StandardCopyOption.ATOMIC_MOVE);
                    log.debug("Claimed {} from the warm pool", entry.getFileName());
                    return Optional.of(new Claimed(target, passwordsOf.remove(entry.getFileName().toString())));
                } catch (NoSuchFileException raced) {
                    // A concurrent claim renamed it first: it is theirs.
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new DriverException("cannot claim a directory of the warm pool: " + e.getMessage(), e);
        } finally {
            refill();
        }
    }

    private List<Path> complete() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(entry -> {
                String name = entry.getFileName().toString();
                return !name.startsWith(".") && !name.endsWith(STAGING) && Files.isDirectory(entry);
            }).sorted().toList();
        } catch (NoSuchFileException gone) {
            return List.of();
        } catch (IOException e) {
            throw new DriverException("cannot list the warm pool: " + e.getMessage(), e);
        }
    }

    /** Queues a fill unless one is queued already or the pool is stopped. */
    void refill() {
        synchronized (lifecycle) {
            ExecutorService current = filler;
            if (current != null && fillQueued.compareAndSet(false, true)) {
                current.execute(() -> fill(current));
            }
        }
    }

    private void fill(ExecutorService mine) {
        fillQueued.set(false);
        try {
            Files.createDirectories(folder);
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            log.warn("Cannot create the warm pool's folder: {}", e.getMessage());
            return;
        }
        while (filler == mine && available() < size) {
            String id = UUID.randomUUID().toString();
            Path staging = folder.resolve(id + STAGING);
            try {
                long start = System.nanoTime();
                String password = passwords.get();
                initdb.initialize(staging, password);
                // Before the entry can be claimed: its claimer finds the password here.
                passwordsOf.put(id, password);
                Files.move(staging, folder.resolve(id), StandardCopyOption.ATOMIC_MOVE);
                log.debug("Added {} to the warm pool in {} ms", id, (System.nanoTime() - start) / 1_000_000);
            } catch (IOException | RuntimeException e) {
                // The next claim asks again; no retry loop that would spin on a lasting fault.
                passwordsOf.remove(id);
                log.warn("Could not add a data directory to the warm pool: {}", e.getMessage());
                try {
                    if (Files.exists(staging)) {
                        PathUtils.deleteDirectory(staging);
                    }
                } catch (IOException cleanup) {
                    log.warn("Could not delete {}", staging);
                }
                return;
            }
        }
    }
}
