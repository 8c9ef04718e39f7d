package dev.dbcloud.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool's bookkeeping, with an initializer that writes a marker instead of running initdb (the driver's
 * integration test runs the real one): claims racing for the same entries, a refill, recovery after a crash.
 */
class WarmPoolTest {

    @TempDir Path root;
    private final AtomicInteger made = new AtomicInteger();

    /** Each entry holds a file naming it uniquely, as a real one holds its system identifier. */
    private void initialize(Path staging, String password) {
        try {
            Files.createDirectories(staging);
            Files.writeString(staging.resolve("identity"), Integer.toString(made.incrementAndGet()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private WarmPool pool(int size) {
        return new WarmPool(root.resolve("pool"), size, this::initialize, () -> "pooled", Duration.ofSeconds(10));
    }

    @Test
    void concurrentClaimsNeverHandOutTheSameDirectoryTwice() throws Exception {
        WarmPool pool = pool(16);
        pool.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.available() == 16);
        pool.stop();

        int claimers = 48;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(claimers);
        List<Future<Optional<WarmPool.Claimed>>> claims = new ArrayList<>();
        for (int i = 0; i < claimers; i++) {
            Path target = Files.createDirectories(root.resolve("instances")).resolve("instance-" + i);
            claims.add(threads.submit(() -> {
                go.await();
                return pool.claimInto(target);
            }));
        }
        go.countDown();
        List<String> identities = new ArrayList<>();
        for (Future<Optional<WarmPool.Claimed>> claim : claims) {
            Optional<WarmPool.Claimed> claimed = claim.get();
            if (claimed.isPresent()) {
                identities.add(Files.readString(claimed.get().directory().resolve("identity")));
            }
        }
        threads.shutdown();

        assertThat(identities).hasSize(16).doesNotHaveDuplicates();
        assertThat(pool.available()).isZero();
    }

    @Test
    void aClaimIsRefilledInTheBackgroundUpToTheSize() {
        WarmPool pool = pool(2);
        pool.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.available() == 2);

        assertThat(pool.claimInto(root.resolve("first"))).isPresent();
        pool.refill();

        await().atMost(Duration.ofSeconds(30)).until(() -> made.get() == 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.available() == 2);
        pool.stop();
        assertThat(made).hasValue(3);
    }

    @Test
    void aStoppedPoolMakesNothingAndAnEmptyOneAnswersNoDirectory() {
        WarmPool pool = pool(2);
        pool.refill();

        assertThat(pool.claimInto(root.resolve("target"))).isEmpty();
        assertThat(made).hasValue(0);
        assertThat(root.resolve("target")).doesNotExist();

        WarmPool disabled = pool(0);
        disabled.start();
        disabled.refill();
        assertThat(disabled.claimInto(root.resolve("target"))).isEmpty();
        assertThat(made).hasValue(0);
    }

    @Test
    void recoveryRemovesHalfMadeEntriesAndKeepsCompleteOnes() throws IOException {
        WarmPool before = pool(1);
        before.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> before.available() == 1);
        before.stop();
        Path folder = root.resolve("pool");
        Path halfMade = Files.createDirectories(folder.resolve("6f1c0b9e-half.init").resolve("base"));
        Path passwordFile = Files.writeString(folder.resolve(".pw-42"), "pooled");

        WarmPool after = pool(1);
        after.recover();

        assertThat(halfMade.getParent()).doesNotExist();
        assertThat(passwordFile).doesNotExist();
        assertThat(after.available()).isEqualTo(1);
        // Made by the run before: its password was not kept, and the claimer must set one without it.
        assertThat(after.claimInto(root.resolve("target"))).hasValueSatisfying(claimed -> {
            assertThat(claimed.directory()).isEqualTo(root.resolve("target"));
            assertThat(claimed.password()).isNull();
        });
        assertThat(root.resolve("target").resolve("identity")).hasContent("1");
    }

    @Test
    void aClaimHandsOutThePasswordItsEntryWasMadeWithOnce() {
        AtomicInteger passwords = new AtomicInteger();
        WarmPool pool = new WarmPool(root.resolve("pool"), 2, this::initialize,
                () -> "pooled-" + passwords.incrementAndGet(), Duration.ofSeconds(10));
        pool.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.available() == 2);
        pool.stop();

        List<String> handedOut = new ArrayList<>();
        for (String target : List.of("first", "second")) {
            WarmPool.Claimed claimed = pool.claimInto(root.resolve(target)).orElseThrow();
            handedOut.add(claimed.password());
            assertThat(claimed.toString()).doesNotContain(claimed.password());
        }
        assertThat(handedOut).containsExactlyInAnyOrder("pooled-1", "pooled-2");
    }
}
