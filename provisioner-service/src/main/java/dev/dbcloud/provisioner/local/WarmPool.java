package dev.dbcloud.provisioner.local;

import dev.dbcloud.provisioner.driver.Placement;
import dev.dbcloud.provisioner.driver.PortTakenException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Servers made and started ahead of demand, so that a provisioning costs a role and nothing else. Each entry runs
 * in what will be its instance's data directory, on what will be its instance's port, and this pool holds a session
 * to it logged in as the control role with a random password of the pool's.
 *
 * <p>An entry is handed out as a placement ({@link #offer}): the provisioner records the new instance with that
 * port and directory, and the row's unique port is what makes the claim; a second claimer of the same entry gets a
 * duplicate key and places again, with the port now among those in use. The claimer's provisioning then
 * {@link #take}s the entry (once: it leaves the pool) to give the control role the instance's password over the
 * session and create the admin role.
 *
 * <p>Only this run knows an entry's password, so entries do not outlive it: {@link #drain()} hands them over to be
 * stopped when the service stops, and the next run discards what an earlier one left unclaimed (the driver's
 * recovery). One background thread keeps {@code size} entries ready, from {@link #start()} to {@link #stop()}.
 */
final class WarmPool {

    /** A server ready to be claimed; {@code password} is the pool's, for its control role, until the claim. */
    record Entry(Path directory, int port, String password, Connection session) {

        Placement placement() {
            return new Placement(port, directory);
        }

        void closeSession() {
            try {
                session.close();
            } catch (SQLException e) {
                // It goes with its server.
            }
        }

        @Override
        public String toString() {
            return "Entry[" + directory + ", port " + port + "]";
        }
    }

    /** What makes and removes the pool's servers: the driver. */
    interface Servers {

        /** The lowest free port of the range, none of {@code avoid}; -1 when there is none. */
        int freePort(Set<Integer> avoid);

        /** The ports of the instances the provisioner has recorded, which no entry may take. */
        Set<Integer> recordedPorts();

        /** Initializes the data directory of a server to be, its control role's password {@code password}. */
        void initialize(Path directory, String password);

        /**
         * Starts the server initialized for {@code directory} on {@code port}, in {@code directory}; answers a session
         * to it as the control role.
         *
         * @throws PortTakenException when another program took the port first: called again with another port, it
         *         goes on with the same data
         */
        Connection start(Path directory, int port, String password);

        /** Stops the server of {@code directory} if it runs, and deletes all that was made for it. */
        void discard(Path directory);
    }

    private static final Logger log = LoggerFactory.getLogger(WarmPool.class);
    /** How many ports a new server tries when other programs bind the ones picked first. */
    private static final int PORT_ATTEMPTS = 5;

    private final Path folder;
    private final int size;
    private final Servers servers;
    private final Supplier<String> passwords;
    private final Duration stopWait;
    private final Object lifecycle = new Object();
    /** Null while stopped; a fill goes on only while the executor it runs on is this one. */
    private volatile ExecutorService filler;
    /** A fill is queued and has not begun yet: further requests need none of their own. */
    private final AtomicBoolean fillQueued = new AtomicBoolean();
    /** The entries ready, by directory, until taken. */
    private final Map<Path, Entry> ready = new ConcurrentHashMap<>();
    /** The port of the entry being made, if one is: no placement may take it meanwhile. */
    private volatile int making = -1;

    /**
     * @param folder where entries' directories are made ({@code <root>/instances}: they become instances there)
     * @param passwords the random control password each entry gets; the claimer replaces it
     * @param stopWait how long {@link #stop()} waits for an entry being made
     */
    WarmPool(Path folder, int size, Servers servers, Supplier<String> passwords, Duration stopWait) {
        if (size < 0) {
            throw new IllegalArgumentException("the pool size cannot be negative");
        }
        this.folder = folder;
        this.size = size;
        this.servers = servers;
        this.passwords = passwords;
        this.stopWait = stopWait;
    }

    /** How many entries are ready to be placed. */
    int available() {
        return ready.size();
    }

    /** The ports the pool's servers hold or are about to: a placement of another instance must avoid them. */
    Set<Integer> ports() {
        Set<Integer> ports = new HashSet<>();
        ready.values().forEach(entry -> ports.add(entry.port()));
        int inMaking = making;
        if (inMaking >= 0) {
            ports.add(inMaking);
        }
        return ports;
    }

    /**
     * The ready entry on the lowest port that no instance holds, as a placement; empty when there is none. The entry
     * stays in the pool until {@link #take taken}: whoever records the placement first owns it.
     */
    Optional<Placement> offer(Set<Integer> portsInUse) {
        return ready.values().stream().filter(entry -> !portsInUse.contains(entry.port()))
                .min(Comparator.comparingInt(Entry::port)).map(Entry::placement);
    }

    /** The entry in {@code directory}, out of the pool: answered once, to the provisioning that recorded it. */
    Optional<Entry> take(Path directory) {
        Entry entry = ready.remove(directory);
        if (entry != null) {
            refill();
        }
        return Optional.ofNullable(entry);
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

    /**
     * Makes no more entries: the one being made, if any, is cut off (its thread interrupted, which ends the command
     * it runs) and discarded, and this waits (bounded) for that. What is ready stays ready.
     */
    void stop() {
        ExecutorService stopping;
        synchronized (lifecycle) {
            stopping = filler;
            filler = null;
        }
        if (stopping == null) {
            return;
        }
        stopping.shutdownNow();
        try {
            if (!stopping.awaitTermination(stopWait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("The warm pool's server being made was not cut off within {} ms", stopWait.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the pool and empties it: answers the entries that were ready, their sessions closed, to be stopped. */
    List<Path> drain() {
        stop();
        List<Path> drained = List.copyOf(ready.keySet());
        drained.forEach(directory -> {
            Entry entry = ready.remove(directory);
            if (entry != null) {
                entry.closeSession();
            }
        });
        return drained;
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
        while (filler == mine && ready.size() < size) {
            Path directory = folder.resolve(UUID.randomUUID().toString());
            try {
                long start = System.nanoTime();
                String password = passwords.get();
                servers.initialize(directory, password);
                Entry entry = startOnAFreePort(directory, password);
                ready.put(directory, entry);
                log.debug("Added a server on port {} to the warm pool in {} ms", entry.port(),
                        (System.nanoTime() - start) / 1_000_000);
            } catch (RuntimeException e) {
                // Cut off by stop(), or failed: the next claim asks again (no retry loop that would spin on a lasting
                // fault). What was made goes, even when stopping: the interrupt is held back meanwhile.
                boolean interrupted = Thread.interrupted();
                if (!interrupted) {
                    log.warn("Could not add a server to the warm pool: {}", e.getMessage());
                }
                try {
                    servers.discard(directory);
                } catch (RuntimeException cleanup) {
                    log.warn("Could not remove {}: {}", directory, cleanup.getMessage());
                } finally {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
                return;
            }
        }
    }

    /**
     * Starts the initialized server on the lowest free port, chosen only now (initdb takes seconds, in which another
     * program may bind a port found free before it); on the next one when another program binds it first.
     */
    private Entry startOnAFreePort(Path directory, String password) {
        Set<Integer> taken = new HashSet<>();
        for (int attempt = 1; ; attempt++) {
            Set<Integer> avoid = servers.recordedPorts();
            avoid.addAll(ports());
            avoid.addAll(taken);
            int port = servers.freePort(avoid);
            if (port < 0) {
                throw new IllegalStateException("no free port is left in the range");
            }
            making = port;
            try {
                return new Entry(directory, port, password, servers.start(directory, port, password));
            } catch (PortTakenException e) {
                if (attempt == PORT_ATTEMPTS) {
                    throw e;
                }
                taken.add(port);
            } finally {
                making = -1;
            }
        }
    }
}
