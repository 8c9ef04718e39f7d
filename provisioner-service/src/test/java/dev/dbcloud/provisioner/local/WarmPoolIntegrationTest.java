package dev.dbcloud.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.provisioner.driver.DriverSteps;
import dev.dbcloud.provisioner.driver.InstanceSpec;
import dev.dbcloud.provisioner.driver.Placement;
import dev.dbcloud.provisioner.driver.ProvisioningStepDone;
import dev.dbcloud.provisioner.driver.ProvisioningStepDone.Step;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PasswordUtil;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * The local driver's warm pool with real PostgreSQL binaries: a server placed from the pool takes on its instance's
 * passwords without a restart, concurrent provisionings never share one, a restart discards the servers the run
 * before left unclaimed and settles one claimed but cut off, and an empty or disabled pool falls back to initdb.
 */
class WarmPoolIntegrationTest {

    private static final Duration BOUND = Duration.ofSeconds(90);
    /** The pool's servers get these passwords in turn: the first one made gets this one. */
    private static final String POOLED_PASSWORD = "pooled-Secret-4f9a1c-1";
    private static Path binaries;

    @TempDir Path root;
    private final List<LocalServerDriver> drivers = new ArrayList<>();
    private final List<ProvisioningStepDone> steps = new CopyOnWriteArrayList<>();
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger pooledPasswords = new AtomicInteger();
    /** The provisioner's table, as far as the driver reads it: the placements recorded for instances. */
    private final List<Placement> recorded = new CopyOnWriteArrayList<>();
    private int portMin;

    @BeforeAll
    static void extractBinaries(@TempDir Path shared) {
        binaries = PostgresBinaries.binDirectory(properties(shared, null, 0, 40_000));
    }

    @AfterEach
    void stopServers() {
        drivers.forEach(LocalServerDriver::stopAll);
    }

    private static LocalServerProperties properties(Path root, Path binDir, int poolSize, int portMin) {
        return new LocalServerProperties(root, binDir, "localhost", "localhost", portMin, portMin + 30,
                Duration.ofSeconds(60), true, Duration.ofSeconds(60), Duration.ofMinutes(5), poolSize);
    }

    /** A driver as the service makes it, started as the supervisor starts it; every driver of a test shares a range. */
    private LocalServerDriver driver(int poolSize) {
        if (portMin == 0) {
            portMin = ThreadLocalRandom.current().nextInt(40_000, 50_000);
        }
        // DriverSteps is the driver package's to make: Spring calls its constructor. The context stays open, so the
        // registry is never closed.
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.registerBean(MeterRegistry.class, () -> meters);
        context.registerBean(DriverSteps.class);
        context.refresh();
        DriverSteps timed = context.getBean(DriverSteps.class);
        LocalServerProperties properties = properties(root, binaries, poolSize, portMin);
        LocalServerDriver driver = new LocalServerDriver(properties, event -> steps.add((ProvisioningStepDone) event),
                new LocalPorts(properties), timed, () -> List.copyOf(recorded),
                () -> "pooled-Secret-4f9a1c-" + pooledPasswords.incrementAndGet());
        drivers.add(driver);
        driver.recoverAfterCrash();
        return driver;
    }

    /** A new instance placed as the provisioner places one, and recorded as its row records it. */
    private synchronized InstanceSpec spec(LocalServerDriver driver, String admin, String adminPassword,
            String controlPassword) {
        UUID id = UUID.randomUUID();
        Set<Integer> portsTaken = new HashSet<>();
        recorded.forEach(placement -> portsTaken.add(placement.port()));
        Placement placement = driver.placeNew(id, portsTaken).orElseThrow();
        recorded.add(placement);
        return new InstanceSpec(new InstanceRef("pool-tenant", "db-" + id.toString().substring(0, 8)), admin,
                PasswordUtil.encodeScramSha256(adminPassword.toCharArray()), controlPassword, null, placement.port(),
                placement.dataDirectory());
    }

    private long stepsTimed(String step) {
        Timer timer = meters.find("dbcloud.driver.step.duration").tags("step", step, "outcome", "success").timer();
        return timer == null ? 0 : timer.count();
    }

    private static Connection login(int port, String user, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", user, password);
    }

    private static void assertLogsIn(int port, String user, String password) throws SQLException {
        try (Connection connection = login(port, user, password)) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    private static void assertRefused(int port, String user, String password) {
        assertThatThrownBy(() -> login(port, user, password).close()).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01");
    }

    /** The unclaimed servers of the pool: data directories under instances/ that wait for their password. */
    private List<Path> pooledDirectories() throws IOException {
        try (Stream<Path> entries = Files.list(root.resolve("instances"))) {
            return entries.filter(entry -> Files.exists(entry.resolve(LocalServerDriver.PASSWORD_PENDING))).toList();
        }
    }

    /** The process id of the postmaster running in {@code data}. */
    private static long postmaster(Path data) throws IOException {
        return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
    }

    /** Whether a postmaster runs as {@code pid}: a zombie nobody reaped yet has no command line. */
    private static boolean isAlive(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).contains("postgres");
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aServerPlacedFromThePoolTakesOnTheInstancesPasswordsWithoutARestart() throws Exception {
        LocalServerDriver driver = driver(1);
        await().atMost(BOUND).until(() -> driver.pooled() == 1);
        InstanceSpec spec = spec(driver, "alice", "alice-Own-pass1", "control-Own-pass1");
        assertThat(spec.dataDirectory().resolve(LocalServerDriver.PASSWORD_PENDING)).exists();
        assertThat(spec.port()).as("the lowest port of the range").isEqualTo(portMin);
        long server = postmaster(spec.dataDirectory());

        driver.provision(spec);

        assertThat(postmaster(spec.dataDirectory())).as("the same server, never restarted").isEqualTo(server);
        assertThat(stepsTimed("claim")).isEqualTo(1);
        assertThat(stepsTimed("initdb")).isZero();
        assertThat(steps).extracting(ProvisioningStepDone::step)
                .containsExactly(Step.DATA_DIRECTORY_CREATED, Step.SERVER_STARTED, Step.ADMIN_ROLE_READY);
        assertLogsIn(spec.port(), "alice", "alice-Own-pass1");
        assertLogsIn(spec.port(), LocalServerDriver.CONTROL_ROLE, "control-Own-pass1");
        assertRefused(spec.port(), LocalServerDriver.CONTROL_ROLE, POOLED_PASSWORD);
        assertThat(spec.dataDirectory().resolve(LocalServerDriver.PASSWORD_PENDING)).doesNotExist();
        assertThat(filesContaining(root, POOLED_PASSWORD)).isEmpty();
        // The instance archives its WAL to its own archive, as one made by initdb does.
        assertThat(Files.readString(spec.dataDirectory().resolve(ServerConfiguration.FILE)))
                .contains("port = " + spec.port(), root.resolve("backups").resolve(spec.dataDirectory().getFileName())
                        .resolve("wal").toString());
        assertThat(driver.takeBackup(spec).sizeBytes()).isPositive();
        // The one claimed is made again in the background, on another port.
        await().atMost(BOUND).until(() -> driver.pooled() == 1);
        assertThat(driver.placeNew(UUID.randomUUID(), Set.of(spec.port())).orElseThrow().port())
                .isNotEqualTo(spec.port());
    }

    /** kill -9 of a pooled server before its claim: the provisioning starts it again and logs in anew. */
    @Test
    void aPooledServerKilledBeforeItsClaimIsStartedAgainAndTakesOnTheInstancesPasswords() throws Exception {
        LocalServerDriver driver = driver(1);
        await().atMost(BOUND).until(() -> driver.pooled() == 1);
        InstanceSpec spec = spec(driver, "dora", "dora-Own-pass1", "control-Dora-pass1");
        long server = postmaster(spec.dataDirectory());
        assertThat(ProcessHandle.of(server).orElseThrow().destroyForcibly()).isTrue();
        await().atMost(BOUND).until(() -> !isAlive(server));

        driver.provision(spec);

        assertThat(postmaster(spec.dataDirectory())).as("started again").isNotEqualTo(server);
        assertLogsIn(spec.port(), "dora", "dora-Own-pass1");
        assertLogsIn(spec.port(), LocalServerDriver.CONTROL_ROLE, "control-Dora-pass1");
        assertRefused(spec.port(), LocalServerDriver.CONTROL_ROLE, POOLED_PASSWORD);
        assertThat(spec.dataDirectory().resolve(LocalServerDriver.PASSWORD_PENDING)).doesNotExist();
    }

    @Test
    void concurrentProvisioningsNeverShareAPooledServer() throws Exception {
        LocalServerDriver driver = driver(2);
        await().atMost(BOUND).until(() -> driver.pooled() == 2);
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            specs.add(spec(driver, "user" + i, "user-Pass-" + i, "control-Pass-" + i));
        }

        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(specs.size());
        List<Future<?>> provisionings = new ArrayList<>();
        for (InstanceSpec spec : specs) {
            provisionings.add(threads.submit(() -> {
                go.await();
                return driver.provision(spec);
            }));
        }
        go.countDown();
        for (Future<?> provisioning : provisionings) {
            provisioning.get();
        }
        threads.shutdown();

        Set<Long> identities = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            InstanceSpec spec = specs.get(i);
            identities.add(driver.systemIdentifier(spec).orElseThrow());
            assertLogsIn(spec.port(), "user" + i, "user-Pass-" + i);
            assertLogsIn(spec.port(), LocalServerDriver.CONTROL_ROLE, "control-Pass-" + i);
        }
        assertThat(identities).hasSize(specs.size());
        assertThat(stepsTimed("claim")).isEqualTo(2);
        assertThat(stepsTimed("initdb")).isEqualTo(1);
    }

    /**
     * A service killed with servers in its pool: they keep running, and nobody knows their passwords any more. The
     * next run stops them and deletes their directories and archives, with what a fill cut off left, and makes
     * new ones.
     */
    @Test
    void aRestartDiscardsTheServersTheRunBeforeLeftUnclaimed() throws Exception {
        LocalServerDriver before = driver(1);
        await().atMost(BOUND).until(() -> before.pooled() == 1);
        Path unclaimed = pooledDirectories().get(0);
        long server = postmaster(unclaimed);
        Path archive = root.resolve("backups").resolve(unclaimed.getFileName());
        assertThat(archive).isDirectory();
        // What a crash leaves: a fill cut off in initdb, its password file, a provisioning's initdb cut off.
        Path halfMade = Files.createDirectories(root.resolve("pool").resolve(UUID.randomUUID() + ".init").resolve("base"));
        Path passwordFile = Files.writeString(root.resolve("pool").resolve(".pw-1234"), POOLED_PASSWORD);
        Path halfInitialized = Files.createDirectories(root.resolve("instances").resolve(UUID.randomUUID() + ".init"));

        LocalServerDriver after = driver(1);

        assertThat(isAlive(server)).as("the unclaimed server stopped").isFalse();
        assertThat(unclaimed).doesNotExist();
        assertThat(archive).doesNotExist();
        assertThat(halfMade.getParent()).doesNotExist();
        assertThat(passwordFile).doesNotExist();
        assertThat(halfInitialized).doesNotExist();
        await().atMost(BOUND).until(() -> after.pooled() == 1);
        InstanceSpec spec = spec(after, "carol", "carol-Own-pass", "control-Carol-pass");
        after.provision(spec);
        assertThat(stepsTimed("initdb")).isZero();
        assertLogsIn(spec.port(), "carol", "carol-Own-pass");
        assertRefused(spec.port(), LocalServerDriver.CONTROL_ROLE, "pooled-Secret-4f9a1c-2");
    }

    /**
     * A provisioning cut off by a crash after its placement on a pooled server was recorded, before the control role
     * took the instance's password: the next run keeps the server (it is the instance's), cannot log in with a pool
     * password it never knew, so it stops the server, sets the password in single-user mode, and the provisioning
     * carries on there.
     */
    @Test
    void aClaimCutOffBeforeTheControlRoleTookItsPasswordIsSettledByTheNextRun() throws Exception {
        LocalServerDriver before = driver(1);
        await().atMost(BOUND).until(() -> before.pooled() == 1);
        InstanceSpec spec = spec(before, "grace", "grace-Own-pass", "control-Grace-pass");
        long pooledIdentity = before.systemIdentifier(spec).orElseThrow();

        LocalServerDriver after = driver(1);
        assertThat(spec.dataDirectory().resolve(LocalServerDriver.PASSWORD_PENDING)).exists();
        after.provision(spec);

        assertLogsIn(spec.port(), "grace", "grace-Own-pass");
        assertLogsIn(spec.port(), LocalServerDriver.CONTROL_ROLE, "control-Grace-pass");
        assertRefused(spec.port(), LocalServerDriver.CONTROL_ROLE, POOLED_PASSWORD);
        assertThat(spec.dataDirectory().resolve(LocalServerDriver.PASSWORD_PENDING)).doesNotExist();
        assertThat(after.systemIdentifier(spec)).hasValue(pooledIdentity);
    }

    @Test
    void theServiceStoppingStopsThePoolsServers() throws Exception {
        LocalServerDriver driver = driver(2);
        await().atMost(BOUND).until(() -> driver.pooled() == 2);
        List<Long> servers = new ArrayList<>();
        for (Path pooled : pooledDirectories()) {
            servers.add(postmaster(pooled));
        }

        driver.stopAll();

        assertThat(servers).hasSize(2).noneMatch(WarmPoolIntegrationTest::isAlive);
        assertThat(driver.pooled()).isZero();
    }

    /** A SIGTERM while the pool makes a server: the stop cuts it off instead of waiting, and leaves nothing of it. */
    @Test
    void theServiceStoppingCutsOffTheServerBeingMadeAndLeavesNothingOfIt() throws Exception {
        LocalServerDriver driver = driver(1);
        await().atMost(BOUND).until(() -> {
            try (Stream<Path> staged = Files.list(root.resolve("pool"))) {
                return staged.anyMatch(entry -> entry.getFileName().toString().endsWith(".init"));
            } catch (IOException notYet) {
                return false;
            }
        });

        driver.stopAll();

        assertThat(driver.pooled()).isZero();
        try (Stream<Path> staged = Files.list(root.resolve("pool"))) {
            assertThat(staged.filter(entry -> entry.getFileName().toString().endsWith(".init"))).isEmpty();
        }
        assertThat(root.resolve("instances").toFile().list()).as("no server made").isNullOrEmpty();
        assertThat(ProcessHandle.allProcesses().filter(process -> process.info().commandLine()
                .map(line -> line.contains(root.toString())).orElse(false))).as("nothing left running").isEmpty();
    }

    @Test
    void aDisabledPoolProvisionsWithInitdb() throws Exception {
        LocalServerDriver driver = driver(0);
        InstanceSpec spec = spec(driver, "dave", "dave-Own-pass", "control-Dave-pass");

        driver.provision(spec);

        assertThat(stepsTimed("initdb")).isEqualTo(1);
        assertThat(stepsTimed("claim")).isZero();
        assertThat(root.resolve("pool")).doesNotExist();
        assertThat(steps).extracting(ProvisioningStepDone::step)
                .containsExactly(Step.DATA_DIRECTORY_CREATED, Step.SERVER_STARTED, Step.ADMIN_ROLE_READY);
        assertLogsIn(spec.port(), "dave", "dave-Own-pass");
        assertLogsIn(spec.port(), LocalServerDriver.CONTROL_ROLE, "control-Dave-pass");
    }

    @Test
    void anExhaustedPoolFallsBackToInitdbOnAPortThePoolDoesNotHold() throws Exception {
        LocalServerDriver driver = driver(1);
        await().atMost(BOUND).until(() -> driver.pooled() == 1);
        InstanceSpec first = spec(driver, "erin", "erin-Own-pass", "control-Erin-pass");
        InstanceSpec second = spec(driver, "frank", "frank-Own-pass", "control-Frank-pass");
        Placement elsewhere = driver.place(UUID.randomUUID(), Set.of()).orElseThrow();

        driver.provision(first);
        driver.provision(second);

        assertThat(second.dataDirectory().getFileName().toString()).isNotEqualTo(first.dataDirectory().getFileName().toString());
        assertThat(elsewhere.port()).as("a placement leaves the pool's server alone").isNotEqualTo(first.port());
        assertThat(stepsTimed("claim")).isEqualTo(1);
        assertThat(stepsTimed("initdb")).isEqualTo(1);
        assertLogsIn(first.port(), "erin", "erin-Own-pass");
        assertLogsIn(second.port(), "frank", "frank-Own-pass");
        assertLogsIn(second.port(), LocalServerDriver.CONTROL_ROLE, "control-Frank-pass");
    }

    /** Files under the folder whose bytes hold the text. */
    private static List<Path> filesContaining(Path folder, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).filter(file -> {
                try {
                    return indexOf(Files.readAllBytes(file), needle) >= 0;
                } catch (IOException e) {
                    return false;
                }
            }).toList();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
