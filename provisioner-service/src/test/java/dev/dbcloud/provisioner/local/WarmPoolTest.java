package dev.dbcloud.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.provisioner.driver.Placement;
import dev.dbcloud.provisioner.driver.PortTakenException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The pool's bookkeeping, with servers that are only records (the driver's integration test makes real ones):
 * placements on the lowest port free, entries handed out once however many take them, ports avoided, a refill, a
 * failed server discarded, and a drain at stop.
 */
class WarmPoolTest {

    private static final Path FOLDER = Path.of("/nowhere/instances");
    private static final Duration BOUND = Duration.ofSeconds(10);

    /** Servers that exist only here: each gets the lowest port none avoids, from 5000. */
    private static final class FakeServers implements WarmPool.Servers {
        final Set<Integer> recorded = ConcurrentHashMap.newKeySet();
        final List<Path> made = new CopyOnWriteArrayList<>();
        final List<Path> discarded = new CopyOnWriteArrayList<>();
        final Set<Path> closed = ConcurrentHashMap.newKeySet();
        volatile boolean failing;
        /** While set, initialize waits for this to count down or for an interrupt. */
        volatile CountDownLatch slow;
        final CountDownLatch initializing = new CountDownLatch(1);
        volatile boolean interrupted;
        /** Ports another program binds between the choice and the start. */
        final Set<Integer> takenByOthers = ConcurrentHashMap.newKeySet();

        @Override
        public int freePort(Set<Integer> avoid) {
            int port = 5000;
            while (avoid.contains(port)) {
                port++;
            }
            return port;
        }

        @Override
        public Set<Integer> recordedPorts() {
            return new HashSet<>(recorded);
        }

        @Override
        public void initialize(Path directory, String password) {
            initializing.countDown();
            if (slow != null) {
                try {
                    slow.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                }
            }
            if (failing) {
                throw new IllegalStateException("initdb failed");
            }
        }

        @Override
        public Connection start(Path directory, int port, String password) {
            if (takenByOthers.contains(port)) {
                throw new PortTakenException(port);
            }
            made.add(directory);
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, arguments) -> {
                        if (method.getName().equals("close")) {
                            closed.add(directory);
                        }
                        return null;
                    });
        }

        @Override
        public void discard(Path directory) {
            discarded.add(directory);
        }
    }

    private final FakeServers servers = new FakeServers();

    private WarmPool pool(int size) {
        return new WarmPool(FOLDER, size, servers, () -> "pooled", Duration.ofSeconds(10));
    }

    private WarmPool full(int size) {
        WarmPool pool = pool(size);
        pool.start();
        await().atMost(BOUND).until(() -> pool.available() == size);
        return pool;
    }

    @Test
    void anOfferIsTheEntryOnTheLowestPortThatNoInstanceHolds() {
        WarmPool pool = full(3);

        assertThat(pool.offer(Set.of())).map(Placement::port).hasValue(5000);
        assertThat(pool.offer(Set.of(5000))).map(Placement::port).hasValue(5001);
        assertThat(pool.offer(Set.of(5000, 5001, 5002))).isEmpty();
        assertThat(pool.offer(Set.of()).orElseThrow().dataDirectory().getParent()).isEqualTo(FOLDER);
        assertThat(pool.ports()).containsExactlyInAnyOrder(5000, 5001, 5002);
        pool.stop();
    }

    @Test
    void concurrentTakesOfAnEntryHandItOutOnce() throws Exception {
        WarmPool pool = full(2);
        Path offered = pool.offer(Set.of()).orElseThrow().dataDirectory();
        pool.stop();

        int takers = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(takers);
        List<Future<Optional<WarmPool.Entry>>> takes = new ArrayList<>();
        for (int i = 0; i < takers; i++) {
            takes.add(threads.submit(() -> {
                go.await();
                return pool.take(offered);
            }));
        }
        go.countDown();
        List<WarmPool.Entry> taken = new ArrayList<>();
        for (Future<Optional<WarmPool.Entry>> take : takes) {
            take.get().ifPresent(taken::add);
        }
        threads.shutdown();

        assertThat(taken).hasSize(1);
        assertThat(taken.get(0).directory()).isEqualTo(offered);
        assertThat(taken.get(0).password()).isEqualTo("pooled");
        assertThat(pool.available()).isEqualTo(1);
        assertThat(pool.offer(Set.of())).map(Placement::dataDirectory).isNotEqualTo(Optional.of(offered));
    }

    @Test
    void aTakenEntryIsMadeAgainOnAPortNeitherAnInstanceNorAnEntryHolds() {
        servers.recorded.add(5001);
        WarmPool pool = full(2);
        assertThat(pool.ports()).containsExactlyInAnyOrder(5000, 5002);

        Path first = pool.offer(Set.of()).orElseThrow().dataDirectory();
        pool.take(first);

        await().atMost(BOUND).until(() -> pool.available() == 2);
        assertThat(servers.made).hasSize(3);
        assertThat(pool.ports()).containsExactlyInAnyOrder(5000, 5002);
        assertThat(pool.offer(Set.of()).orElseThrow().dataDirectory()).isNotEqualTo(first);
        pool.stop();
    }

    @Test
    void aServerWhosePortAnotherProgramBindsFirstStartsOnTheNextOne() {
        servers.takenByOthers.addAll(Set.of(5000, 5001));

        WarmPool pool = full(1);

        assertThat(pool.ports()).containsExactly(5002);
        assertThat(servers.discarded).isEmpty();
        pool.stop();
    }

    @Test
    void aServerThatFindsNoFreePortIsDiscarded() {
        servers.takenByOthers.addAll(Set.of(5000, 5001, 5002, 5003, 5004, 5005));
        WarmPool pool = pool(1);
        pool.start();

        await().atMost(BOUND).until(() -> servers.discarded.size() == 1);
        assertThat(pool.available()).isZero();
        pool.stop();
    }

    @Test
    void aStopCutsOffTheServerBeingMadeAndDiscardsItRatherThanWaitForIt() throws Exception {
        servers.slow = new CountDownLatch(1);
        WarmPool pool = new WarmPool(FOLDER, 1, servers, () -> "pooled", Duration.ofMinutes(5));
        pool.start();
        assertThat(servers.initializing.await(10, TimeUnit.SECONDS)).isTrue();

        pool.stop();

        assertThat(servers.interrupted).as("the server being made was cut off").isTrue();
        assertThat(servers.discarded).hasSize(1);
        assertThat(servers.made).isEmpty();
        assertThat(pool.available()).isZero();
    }

    @Test
    void aStoppedPoolMakesNothingAndAnEmptyOneOffersNothing() {
        WarmPool pool = pool(2);

        assertThat(pool.offer(Set.of())).isEmpty();
        assertThat(pool.take(FOLDER.resolve("unknown"))).isEmpty();
        pool.refill();
        assertThat(pool.available()).isZero();
        assertThat(servers.made).isEmpty();
    }

    @Test
    void aServerThatCouldNotBeMadeIsDiscardedAndTheNextClaimAsksAgain() {
        servers.failing = true;
        WarmPool pool = pool(1);
        pool.start();
        await().atMost(BOUND).until(() -> servers.discarded.size() == 1);
        assertThat(pool.available()).isZero();
        assertThat(pool.ports()).isEmpty();

        servers.failing = false;
        pool.refill();
        await().atMost(BOUND).until(() -> pool.available() == 1);
        pool.stop();
    }

    @Test
    void aDrainStopsThePoolAndHandsOverItsServersWithTheirSessionsClosed() {
        WarmPool pool = full(2);

        List<Path> drained = pool.drain();

        assertThat(drained).containsExactlyInAnyOrderElementsOf(servers.made);
        assertThat(servers.closed).containsExactlyInAnyOrderElementsOf(servers.made);
        assertThat(pool.available()).isZero();
        pool.refill();
        assertThat(servers.made).hasSize(2);
    }
}
