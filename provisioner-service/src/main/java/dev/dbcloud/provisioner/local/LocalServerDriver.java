package dev.dbcloud.provisioner.local;

import dev.dbcloud.common.rules.InstanceRules;
import dev.dbcloud.common.secrets.ControlPasswordCipher;
import dev.dbcloud.provisioner.driver.Backup;
import dev.dbcloud.provisioner.driver.DriverException;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.driver.DriverSteps;
import dev.dbcloud.provisioner.driver.Endpoint;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceSpec;
import dev.dbcloud.provisioner.driver.Placement;
import dev.dbcloud.provisioner.driver.RecordedPlacements;
import dev.dbcloud.provisioner.driver.PortTakenException;
import dev.dbcloud.provisioner.driver.RecoveryTarget;
import dev.dbcloud.provisioner.driver.RestoreRefusedException;
import dev.dbcloud.provisioner.driver.RestoreRefusedException.Reason;
import dev.dbcloud.provisioner.driver.Restored;
import dev.dbcloud.provisioner.driver.ShuttingDownException;
import dev.dbcloud.provisioner.driver.ProvisioningStepDone.Step;
import dev.dbcloud.provisioner.driver.ProvisioningStepDone;
import dev.dbcloud.sql.ServerLogin;
import dev.dbcloud.sql.SqlIdentifiers;
import dev.dbcloud.sql.SqlStates;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import org.postgresql.PGConnection;
import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The {@code local} driver: a dedicated PostgreSQL server process per instance, with its own data directory,
 * port, and a {@code pg_hba.conf} that accepts only scram-sha-256 over TCP. The bootstrap superuser is the
 * control role {@code dbosadmin}; the user's admin role gets LOGIN, CREATEDB and CREATEROLE, not SUPERUSER.
 *
 * <p>Every server archives its WAL from its first start ({@link ServerConfiguration}), and its base backups are
 * plain copies of its data directory taken between {@code pg_backup_start} and {@code pg_backup_stop}, kept in a
 * {@link BackupStore}. A restore copies a base backup into a new data directory and lets PostgreSQL replay the
 * source's archived WAL up to the recovery target, then promote.
 *
 * <p>A {@link WarmPool} keeps servers made and started ahead of demand, each in a data directory under
 * {@code <root>/instances} on a port of the range: a provisioning is placed on one ({@link #placeNew}) and then only
 * gives its control role the instance's password, over the session the pool holds, and creates the admin role; it
 * runs initdb itself only when the pool is empty or disabled. Each pooled directory holds a
 * {@value #PASSWORD_PENDING} file until its control role has the instance's password. A start that finds one it has
 * no pool password for (a claim cut off by a crash) stops the server if it runs and sets the password in single-user
 * mode first; the recovery of a new run discards every such directory that no instance's record names.
 *
 * <p>PostgreSQL refuses to run as root; when this service does, every binary starts in a new user namespace
 * ({@code unshare -U}), as zonky's launcher does.
 */
@Component
class LocalServerDriver implements InstanceDriver {

    static final String CONTROL_ROLE = "dbosadmin";
    /** In a data directory whose control role may still have the warm pool's password, not the instance's. */
    static final String PASSWORD_PENDING = "dbcloud.control-password-pending";
    /** Servers listen on {@code localhost} at least; the control plane reaches them there, on IPv4. */
    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a dead postmaster may stay a zombie before a start is tried all the same. */
    private static final Duration REAPED_WITHIN = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(LocalServerDriver.class);
    private static final String NICE = "/usr/bin/nice";
    private static final String PG_HBA = """
            # Managed by dbcloud: password logins over TCP only, SCRAM-SHA-256 only.
            host    all     all     0.0.0.0/0       scram-sha-256
            host    all     all     ::/0            scram-sha-256
            """;

    private final LocalServerProperties properties;
    private volatile Path binaries;
    /** Data directories of the servers this driver started or found running; stopped by {@link #stopAll()}. */
    private final Set<Path> supervised = ConcurrentHashMap.newKeySet();
    private final Map<Path, Object> starting = new ConcurrentHashMap<>();
    /** The pool's control password of each data directory claimed by this run whose role has not taken its own. */
    private final Map<Path, String> poolPasswords = new ConcurrentHashMap<>();
    /** Per instance: its backups are taken, pruned, restored from or deleted one at a time. */
    private final Map<String, Object> backupLocks = new ConcurrentHashMap<>();
    /** Set once {@link #stopAll()} began: a restore whose server it stops is cut off, not failed. */
    private volatile boolean stopping;

    private final ApplicationEventPublisher steps;
    private final LocalPorts ports;
    private final DriverSteps timed;
    private final RecordedPlacements recorded;
    private final WarmPool pool;

    @Autowired
    LocalServerDriver(LocalServerProperties properties, ApplicationEventPublisher steps, LocalPorts ports,
            DriverSteps timed, RecordedPlacements recorded) {
        this(properties, steps, ports, timed, recorded, ControlPasswordCipher::randomPassword);
    }

    /** @param poolPasswords the control passwords the pool's servers are made with, until claimed */
    LocalServerDriver(LocalServerProperties properties, ApplicationEventPublisher steps, LocalPorts ports,
            DriverSteps timed, RecordedPlacements recorded, Supplier<String> poolPasswords) {
        this.properties = properties;
        this.steps = steps;
        this.ports = ports;
        this.timed = timed;
        this.recorded = recorded;
        this.pool = new WarmPool(properties.root().resolve("instances"), properties.poolSize(), new PoolServers(),
                poolPasswords, properties.startTimeout());
    }

    @Override
    public DriverKind kind() {
        return DriverKind.LOCAL;
    }

    /**
     * The lowest free port of the range that neither an instance nor the warm pool holds, and a data directory under
     * the root named by the instance's id.
     */
    @Override
    public Optional<Placement> place(UUID instanceId, Set<Integer> portsInUse) {
        Set<Integer> avoid = new HashSet<>(portsInUse);
        avoid.addAll(pool.ports());
        int port = ports.allocate(avoid);
        return port < 0 ? Optional.empty()
                : Optional.of(new Placement(port, properties.root().resolve("instances").resolve(instanceId.toString())));
    }

    /** A server of the warm pool when one is ready, its port and data directory becoming the instance's. */
    @Override
    public Optional<Placement> placeNew(UUID instanceId, Set<Integer> portsInUse) {
        Optional<Placement> pooled = pool.offer(portsInUse);
        return pooled.isPresent() ? pooled : place(instanceId, portsInUse);
    }

    @Override
    public Endpoint provision(InstanceSpec spec) {
        if (!InstanceRules.username("adminUsername", spec.adminUsername()).isEmpty()) {
            throw new DriverException("invalid admin username");
        }
        Optional<WarmPool.Entry> pooled = pool.take(spec.dataDirectory());
        try {
            if (pooled.isPresent()) {
                // Its server runs already: what is left is the control role's password and the admin role.
                timed.time(DriverKind.LOCAL, "claim", () -> poolPasswords.put(spec.dataDirectory(), pooled.get().password()));
                done(spec, Step.DATA_DIRECTORY_CREATED);
            } else if (timed.time(DriverKind.LOCAL, "initdb", () -> initialize(spec))) {
                done(spec, Step.DATA_DIRECTORY_CREATED);
            }
            ensureRunning(spec);
            done(spec, Step.SERVER_STARTED);
            timed.time(DriverKind.LOCAL, "role", () -> createAdminRole(spec, pooled.map(WarmPool.Entry::session)));
            done(spec, Step.ADMIN_ROLE_READY);
            return new Endpoint(properties.hostName(), spec.port());
        } finally {
            pooled.ifPresent(WarmPool.Entry::closeSession);
            // After this provisioning's own work, so the pool's next server does not compete with it for the CPU.
            pool.refill();
        }
    }

    /** How many servers the warm pool holds ready now. */
    int pooled() {
        return pool.available();
    }

    private void done(InstanceSpec spec, Step step) {
        log.debug("Provisioning {}: {}", spec.instance(), step);
        steps.publishEvent(new ProvisioningStepDone(spec.instance(), step));
    }

    /** Ready when its PostgreSQL binaries are in place and its root takes new files; reports the root's free space. */
    @Override
    public Map<String, Object> readiness() {
        // The first look extracts the binaries under the root, creating it.
        if (!Files.isExecutable(Path.of(bin("pg_ctl")))) {
            throw new DriverException("the PostgreSQL binaries are missing");
        }
        Path root = properties.root();
        if (!Files.isDirectory(root) || !Files.isWritable(root)) {
            throw new DriverException("the local driver's root directory is not writable");
        }
        try {
            return Map.of("freeBytes", Files.getFileStore(root).getUsableSpace(), "pooledServers", pool.available());
        } catch (IOException e) {
            throw new DriverException("cannot read the free space of the local driver's root: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes what a killed provisioner leaves under its root: the temporary password files initdb reads (they hold
     * a control password in plaintext), half-initialized data directories, half-extracted binaries, and the warm
     * pool's servers that no instance's record names (only the run that made one knew its password: their servers
     * are stopped, their directories and archives deleted); then starts keeping the warm pool full. Nothing else uses
     * them at start, before the first command.
     */
    @Override
    public void recoverAfterCrash() {
        // The supervisor starts (again): servers are this driver's to run until the next stopAll.
        stopping = false;
        stopSideBySide(pool.drain());
        Path instances = properties.root().resolve("instances");
        Path binaries = properties.root().resolve("binaries");
        try {
            discardUnclaimed(instances);
            // What the warm pool was making when the service stopped (and, from earlier versions, its directories).
            Path poolStaging = properties.root().resolve("pool");
            if (Files.isDirectory(poolStaging)) {
                log.info("Removing {}, what the warm pool was making", poolStaging);
                PathUtils.deleteDirectory(poolStaging);
            }
            for (Path folder : List.of(instances, binaries)) {
                if (!Files.isDirectory(folder)) {
                    continue;
                }
                try (Stream<Path> entries = Files.list(folder)) {
                    for (Path entry : entries.toList()) {
                        String name = entry.getFileName().toString();
                        if (name.startsWith(".pw-") || name.startsWith(".extract-") || name.endsWith(".init")) {
                            log.warn("Removing {}, left by a provisioner that did not finish", entry);
                            PathUtils.delete(entry);
                        }
                    }
                }
            }
            Path backups = properties.root().resolve("backups");
            if (Files.isDirectory(backups)) {
                try (Stream<Path> entries = Files.list(backups)) {
                    for (Path home : entries.toList()) {
                        // Under the instance's lock: a backup of it may be under way (the service was not down).
                        synchronized (backupLock(home)) {
                            BackupStore.of(properties.root(), home).clearPartial();
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new DriverException("cannot clean up after a crash: " + e.getMessage(), e);
        }
        pool.start();
    }

    /** Starts are serialized per data directory: the health watch and a command may both find a server down. */
    @Override
    public void ensureRunning(InstanceSpec spec) {
        supervised.add(spec.dataDirectory());
        synchronized (starting.computeIfAbsent(spec.dataDirectory(), data -> new Object())) {
            settlePendingPassword(spec);
            if (isRunning(spec.dataDirectory())) {
                return;
            }
            if (!LocalPorts.isBindable(spec.port())) {
                throw new PortTakenException(spec.port());
            }
            int before = ServerConfiguration.port(spec.dataDirectory());
            configure(spec.dataDirectory(), spec.port(), null);
            if (before >= 0 && before != spec.port()) {
                log.info("Moved the server in {} to port {}", spec.dataDirectory(), spec.port());
            }
            start(spec.dataDirectory(), spec.port());
        }
        log.info("Started PostgreSQL for {} on port {}", spec.instance(), spec.port());
    }

    /** Starts the configured server in {@code data}, answering as soon as it takes connections. */
    private void start(Path data, int port) {
        Path serverLog = data.resolve("server.log");
        long logBefore = sizeOf(serverLog);
        String stale = serverIdentity(data);
        // pg_ctl looks whether the server is ready every 100 ms: answer as soon as its postmaster.pid says so.
        Result started = timed.time(DriverKind.LOCAL, "start", () -> exec(List.of(bin("pg_ctl"), "-D",
                data.toString(), "-l", serverLog.toString(),
                "-w", "-t", Long.toString(properties.startTimeout().toSeconds()), "start"), null,
                () -> isReady(data, stale)));
        if (started.exitCode() != 0) {
            // Another program may have bound the port between the check above and the server's bind: one that
            // still holds it, or a client's connection that happened to get it as its local port and is gone.
            if (!isRunning(data) && (!LocalPorts.isBindable(port) || couldNotBind(serverLog, logBefore))) {
                throw new PortTakenException(port);
            }
            throw new DriverException("could not start the server: " + started.output().strip());
        }
    }

    /**
     * A claimed pooled directory whose control role may have the pool's password, which this run does not know (the
     * claim was cut off by a crash): gives it the instance's in single-user mode, the server stopped. Idempotent.
     */
    private void settlePendingPassword(InstanceSpec spec) {
        Path data = spec.dataDirectory();
        Path pending = data.resolve(PASSWORD_PENDING);
        if (!Files.exists(pending) || poolPasswords.containsKey(data)) {
            return;
        }
        log.warn("{}'s control role may still have the warm pool's password; giving it its own", spec.instance());
        stop(data);
        setControlPassword(data, spec.controlPassword());
        try {
            Files.delete(pending);
        } catch (IOException e) {
            throw new DriverException("cannot record that the control role has its password: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop(InstanceSpec spec) {
        stop(spec.dataDirectory());
        supervised.remove(spec.dataDirectory());
    }

    @Override
    public void destroy(InstanceSpec spec) {
        Path data = spec.dataDirectory();
        supervised.remove(data);
        poolPasswords.remove(data);
        pool.take(data).ifPresent(WarmPool.Entry::closeSession);
        delete(data);
        log.info("Destroyed the server, data and backups of {}", spec.instance());
    }

    /** Stops the server in {@code data} if it runs, then deletes the directory and its backups and archive. */
    private void delete(Path data) {
        stop(data);
        synchronized (backupLock(data)) {
            try {
                deleteIfExists(staging(data));
                deleteIfExists(data);
                store(data).delete();
            } catch (IOException e) {
                throw new DriverException("cannot delete the data directory or backups: " + e.getMessage(), e);
            }
        }
    }

    /** The first field of {@code global/pg_control}, in the machine's byte order: the data directory's identity. */
    @Override
    public OptionalLong systemIdentifier(InstanceSpec spec) {
        Path control = spec.dataDirectory().resolve("global").resolve("pg_control");
        try (InputStream in = Files.newInputStream(control)) {
            byte[] head = in.readNBytes(Long.BYTES);
            if (head.length < Long.BYTES) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(
                    ByteBuffer.wrap(head).order(ByteOrder.nativeOrder()).getLong());
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public ServerLogin controlLogin(InstanceSpec spec) {
        return new ServerLogin(LOOPBACK, spec.port(), CONTROL_ROLE, spec.controlPassword(), CONNECT_TIMEOUT,
                properties.startTimeout(), APPLICATION);
    }

    @Override
    public boolean keepsBackups() {
        return true;
    }

    @Override
    public List<Backup> backups(InstanceSpec spec) {
        return store(spec.dataDirectory()).list().stream().map(BackupStore.Stored::backup).toList();
    }

    /**
     * Copies the data directory between {@code pg_backup_start} (with an immediate checkpoint) and
     * {@code pg_backup_stop}, which waits until the WAL the copy needs is archived; the copy becomes a backup only
     * once it is complete and fsynced.
     */
    @Override
    public Backup takeBackup(InstanceSpec spec) {
        return timed.time(DriverKind.LOCAL, "backup", () -> backUp(spec));
    }

    private Backup backUp(InstanceSpec spec) {
        Path data = spec.dataDirectory();
        synchronized (backupLock(data)) {
            if (!isRunning(data)) {
                throw new DriverException("the server does not run");
            }
            BackupStore store = store(data);
            Path partial = null;
            // pg_backup_stop waits until the WAL the copy needs is archived: as long as a lagging archiver takes.
            try (Connection connection = controlLogin(spec).withTimeouts(properties.restoreTimeout()).connect("postgres");
                    Statement statement = connection.createStatement()) {
                if (hasTablespaces(data)) {
                    throw new DriverException("the server has tablespaces, which base backups do not copy");
                }
                if (!"on".equals(show(statement, "archive_mode"))) {
                    throw new DriverException("the server does not archive its WAL yet; it does from its next start");
                }
                Instant started = Instant.now();
                partial = store.begin(started);
                statement.execute("SELECT pg_backup_start('dbcloud " + started + "', true)");
                BackupStore.copyData(data, partial.resolve("data"), true);
                String label;
                String tablespaceMap;
                try (ResultSet stop = statement.executeQuery("SELECT labelfile, spcmapfile FROM pg_backup_stop(true)")) {
                    stop.next();
                    label = stop.getString(1);
                    tablespaceMap = stop.getString(2);
                }
                BackupStore.Stored stored = store.commit(partial, started, Instant.now(), label, tablespaceMap);
                partial = null;
                log.info("Took a base backup of {}: {} bytes in {} ms", spec.instance(), stored.backup().sizeBytes(),
                        Duration.between(started, stored.backup().finishedAt()).toMillis());
                return stored.backup();
            } catch (SQLException e) {
                throw new DriverException("could not take a base backup (SQLSTATE " + e.getSQLState() + ")", e);
            } catch (IOException e) {
                throw new DriverException("could not take a base backup: " + e.getMessage(), e);
            } finally {
                if (partial != null) {
                    // The session's end aborted the backup on the server; its half copy goes too.
                    try {
                        deleteIfExists(partial);
                    } catch (IOException e) {
                        log.warn("Could not delete the half-taken backup {}", partial);
                    }
                }
            }
        }
    }

    @Override
    public boolean pruneBackups(InstanceSpec spec, Instant keepFrom) {
        synchronized (backupLock(spec.dataDirectory())) {
            try {
                return store(spec.dataDirectory()).prune(keepFrom);
            } catch (IOException e) {
                throw new DriverException("could not prune the backups: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Restores in steps that each leave something a second call recognizes: the base backup is copied into a
     * staging folder that is renamed to the new data directory only when complete (with {@code recovery.signal}
     * and the recovery settings in it); a server with {@code recovery.signal} replays, and one without it was
     * promoted. The source's backups are locked meanwhile, so neither pruning nor a destroy deletes what the
     * replay reads.
     */
    @Override
    public Restored restore(InstanceSpec source, InstanceSpec target, RecoveryTarget recoveryTarget) {
        return timed.time(DriverKind.LOCAL, "restore", () -> restoreInto(source, target, recoveryTarget));
    }

    private Restored restoreInto(InstanceSpec source, InstanceSpec target, RecoveryTarget recoveryTarget) {
        Path data = target.dataDirectory();
        BackupStore from = store(source.dataDirectory());
        synchronized (backupLock(source.dataDirectory())) {
            supervised.add(data);
            Instant backupEnd = null;
            boolean replaying = Files.exists(data.resolve("recovery.signal"));
            boolean archiveComplete = !replaying && Files.isRegularFile(data.resolve("PG_VERSION"))
                    || archiveComplete(source);
            if (!Files.isRegularFile(data.resolve("PG_VERSION"))) {
                BackupStore.Stored base = chooseBackup(from.list(), recoveryTarget);
                backupEnd = base.backup().finishedAt();
                placeBackup(base, target, from);
                done(target, Step.BACKUP_RESTORED);
            }
            if (Files.exists(data.resolve("recovery.signal"))) {
                replay(target, from, recoveryTarget, archiveComplete);
            }
            configure(data, target.port(), null);
            ensureRunning(target);
            return finish(source, target, recoveryTarget, backupEnd);
        }
    }

    /** The newest base backup that ended before the moment to restore (any, for the latest state). */
    private static BackupStore.Stored chooseBackup(List<BackupStore.Stored> backups, RecoveryTarget target) {
        if (backups.isEmpty()) {
            throw new RestoreRefusedException(Reason.NO_BACKUPS, "the instance has no base backup yet");
        }
        if (target.pointInTime() == null) {
            return backups.get(backups.size() - 1);
        }
        BackupStore.Stored chosen = null;
        for (BackupStore.Stored stored : backups) {
            if (!stored.backup().finishedAt().isAfter(target.pointInTime())) {
                chosen = stored;
            }
        }
        if (chosen == null) {
            throw new RestoreRefusedException(Reason.OUTSIDE_WINDOW, "the earliest moment the backups restore is "
                    + backups.get(0).backup().finishedAt() + ", after " + target.pointInTime());
        }
        return chosen;
    }

    /**
     * Whether the source's archive holds everything it ever committed. A running source is made to: a transaction
     * that commits (so a replay up to any moment before now finds a commit after it, and stops there), then a
     * switch to a new WAL segment, then a wait until the archiver copied it. A source stopped cleanly (no
     * {@code postmaster.pid} left) archived its last segment as it stopped. One that crashed, or does not answer,
     * may hold commits its archive lacks.
     */
    private boolean archiveComplete(InstanceSpec source) {
        if (!isRunning(source.dataDirectory())) {
            return !Files.exists(source.dataDirectory().resolve("postmaster.pid"));
        }
        try (Connection connection = controlLogin(source).connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_current_xact_id()");
            String segment;
            try (ResultSet switched = statement.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
                switched.next();
                segment = switched.getString(1);
            }
            long deadline = System.nanoTime() + properties.startTimeout().toNanos();
            while (true) {
                try (ResultSet archived = statement.executeQuery("SELECT last_archived_wal FROM pg_stat_archiver")) {
                    archived.next();
                    String last = archived.getString(1);
                    if (last != null && last.length() >= 24 && last.substring(8, 24).compareTo(segment.substring(8)) >= 0) {
                        return true;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new DriverException("the source's WAL archive is behind: segment " + segment
                            + " was not archived within " + properties.startTimeout().toSeconds() + " s");
                }
                pause(Duration.ofMillis(100));
            }
        } catch (SQLException e) {
            if (!SqlStates.isUnreachable(e)) {
                throw new DriverException("could not switch the source's WAL (SQLSTATE " + e.getSQLState() + ")", e);
            }
            log.info("The source of a restore does not answer; restoring from what it archived");
            return false;
        }
    }

    /** Copies the base backup into the new data directory, set up to replay the source's archive. */
    private void placeBackup(BackupStore.Stored base, InstanceSpec target, BackupStore from) {
        Path data = target.dataDirectory();
        Path staging = staging(data);
        try {
            deleteIfExists(staging);
            Files.createDirectories(data.getParent());
            BackupStore.copyData(base.data(), staging, false);
            store(data).create();
            ServerConfiguration.write(staging, target.port(), properties.listenAddresses(), store(data).archive(),
                    properties.archiveTimeout(), new ServerConfiguration.Recovery(from.archive(), RecoveryTarget.latest()));
            Files.createFile(staging.resolve("recovery.signal"));
            BackupStore.syncTree(staging);
            Files.move(staging, data);
        } catch (IOException e) {
            log.warn("Could not copy the base backup for {}: {}", target.instance(), e.toString());
            throw new DriverException("could not copy the base backup", e);
        }
    }

    /**
     * Starts the server on its recovery settings and waits until it is promoted. A replay to a moment after the
     * last commit the archive holds ends before it reaches it (PostgreSQL then stops); the state at that moment is
     * the latest one, so the replay goes on to the end of the archive instead.
     */
    private void replay(InstanceSpec target, BackupStore from, RecoveryTarget recoveryTarget, boolean archiveComplete) {
        Path data = target.dataDirectory();
        RecoveryTarget stopAt = recoveryTarget;
        long deadline = System.nanoTime() + properties.restoreTimeout().toNanos();
        while (true) {
            configure(data, target.port(), new ServerConfiguration.Recovery(from.archive(), stopAt));
            long logStart = logSize(data);
            if (!isRunning(data)) {
                if (!LocalPorts.isBindable(target.port())) {
                    throw new PortTakenException(target.port());
                }
                // With hot_standby off, pg_ctl's wait ends once the replay began; a server that stops at once is
                // told below, from its log.
                exec(List.of(bin("pg_ctl"), "-D", data.toString(), "-l", data.resolve("server.log").toString(),
                        "-w", "-t", Long.toString(properties.startTimeout().toSeconds()), "start"));
            }
            done(target, Step.RECOVERY_STARTED);
            String ended = awaitPromotion(target, logStart, deadline);
            if (ended == null) {
                return;
            }
            if (ended.contains("recovery ended before configured recovery target was reached")) {
                if (stopAt.restorePoint() != null) {
                    throw new RestoreRefusedException(Reason.RESTORE_POINT_NOT_FOUND,
                            "the archived WAL holds no restore point " + stopAt.restorePoint());
                }
                if (!stopAt.isLatest() && archiveComplete) {
                    log.info("Nothing was committed after {} in the archive of {}'s source; replaying all of it",
                            stopAt.pointInTime(), target.instance());
                    stopAt = RecoveryTarget.latest();
                    continue;
                }
                if (!stopAt.isLatest()) {
                    // The source crashed or does not answer: commits before the moment may not be archived yet.
                    throw new RestoreRefusedException(Reason.OUTSIDE_WINDOW, "the source's WAL archive does not "
                            + "reach " + stopAt.pointInTime() + " yet (its server is down); restore again once it runs");
                }
            }
            if (ended.contains("before consistent recovery point")) {
                throw new RestoreRefusedException(Reason.OUTSIDE_WINDOW,
                        "the moment lies before the end of the base backup");
            }
            log.warn("The restored server of {} stopped during its replay: {}", target.instance(), ended);
            throw new DriverException("the restored server stopped during its replay");
        }
    }

    /**
     * Waits until the replaying server is promoted (null), or stops (the log's last FATAL line, or what it
     * said last).
     */
    private String awaitPromotion(InstanceSpec target, long logStart, long deadline) {
        Path data = target.dataDirectory();
        ServerLogin login = controlLogin(target).withTimeouts(Duration.ofSeconds(5));
        while (true) {
            if (!Files.exists(data.resolve("recovery.signal")) && isRunning(data)) {
                try (Connection connection = login.connect("postgres");
                        Statement statement = connection.createStatement();
                        ResultSet rows = statement.executeQuery("SELECT pg_is_in_recovery()")) {
                    rows.next();
                    if (!rows.getBoolean(1)) {
                        return null;
                    }
                } catch (SQLException e) {
                    // Promoted, but not yet accepting connections, or logging in with a password set before.
                    if ("28P01".equals(e.getSQLState())) {
                        return null;
                    }
                }
            }
            if (stopping) {
                throw new ShuttingDownException();
            }
            if (!isRunning(data)) {
                String said = logSince(data, logStart);
                return said.lines().filter(line -> line.contains("FATAL:")).reduce((a, b) -> b)
                        .orElse(said.isBlank() ? "no message" : said.strip().lines().reduce((a, b) -> b).orElseThrow());
            }
            if (System.nanoTime() > deadline) {
                stop(data);
                throw new DriverException("the replay did not finish within " + properties.restoreTimeout());
            }
            pause(Duration.ofMillis(200));
        }
    }

    /**
     * Logs in to the promoted server, whose control role has the source's password (the catalog is the source's),
     * and gives that role the new instance's own; reads what the restore reached.
     */
    private Restored finish(InstanceSpec source, InstanceSpec target, RecoveryTarget recoveryTarget, Instant backupEnd) {
        ServerLogin asSource = controlLogin(target).as(CONTROL_ROLE, source.controlPassword());
        try (Connection connection = connectEither(asSource, controlLogin(target));
                Statement statement = connection.createStatement()) {
            statement.execute("ALTER ROLE " + CONTROL_ROLE + " PASSWORD '" + connection.unwrap(PGConnection.class)
                    .escapeLiteral(PasswordUtil.encodeScramSha256(target.controlPassword().toCharArray())) + "'");
            Instant restoredTo = recoveryTarget.pointInTime();
            if (restoredTo == null) {
                try (ResultSet replayed = statement.executeQuery("SELECT pg_last_xact_replay_timestamp()")) {
                    replayed.next();
                    OffsetDateTime last = replayed.getObject(1, OffsetDateTime.class);
                    restoredTo = last != null ? last.toInstant() : backupEnd != null ? backupEnd : Instant.now();
                }
            }
            List<String> databases = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT datname FROM pg_database "
                    + "WHERE NOT datistemplate AND datname <> 'postgres' ORDER BY datname")) {
                while (rows.next()) {
                    databases.add(rows.getString(1));
                }
            }
            return new Restored(new Endpoint(properties.hostName(), target.port()), restoredTo, databases);
        } catch (SQLException e) {
            throw new DriverException("could not log in to the restored server (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }

    private static Connection connectEither(ServerLogin first, ServerLogin second) throws SQLException {
        try {
            return first.connect("postgres");
        } catch (SQLException e) {
            if (!"28P01".equals(e.getSQLState())) {
                throw e;
            }
            return second.connect("postgres");
        }
    }

    /** Only the control role may create tablespaces; none does, but a copy that left one out would be no backup. */
    private static boolean hasTablespaces(Path data) throws IOException {
        Path links = data.resolve("pg_tblspc");
        if (!Files.isDirectory(links)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(links)) {
            return entries.findAny().isPresent();
        }
    }

    private static String show(Statement statement, String setting) throws SQLException {
        try (ResultSet rows = statement.executeQuery("SHOW " + setting)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    /** Writes the server's settings, with its archive's folders in place. */
    private void configure(Path data, int port, ServerConfiguration.Recovery recovery) {
        BackupStore store = store(data);
        store.create();
        ServerConfiguration.write(data, port, properties.listenAddresses(), store.archive(),
                properties.archiveTimeout(), recovery);
    }

    private BackupStore store(Path data) {
        return BackupStore.of(properties.root(), data);
    }

    private Object backupLock(Path data) {
        return backupLocks.computeIfAbsent(data.getFileName().toString(), name -> new Object());
    }

    private static long logSize(Path data) {
        try {
            return Files.size(data.resolve("server.log"));
        } catch (IOException e) {
            return 0;
        }
    }

    private static String logSince(Path data, long offset) {
        try {
            byte[] log = Files.readAllBytes(data.resolve("server.log"));
            int from = (int) Math.min(offset, log.length);
            return new String(log, from, log.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException("interrupted");
        }
    }

    /**
     * Stops the servers side by side, so a stop of the service with many instances takes as long as the slowest;
     * unless they are to outlive the service ({@code stop-servers-on-shutdown} false).
     */
    @Override
    public void stopAll() {
        stopping = true;
        // The pool's servers stop whatever the setting: nobody could claim them after this run.
        List<Path> pooled = pool.drain();
        List<Path> servers = new ArrayList<>(pooled);
        if (properties.stopServersOnShutdown()) {
            servers.addAll(supervised);
        }
        stopSideBySide(servers);
        supervised.clear();
    }

    private void stopSideBySide(List<Path> servers) {
        if (servers.isEmpty()) {
            return;
        }
        ExecutorService stops = Executors.newFixedThreadPool(
                Math.min(servers.size(), 16));
        try {
            for (Path data : servers) {
                stops.execute(() -> {
                    try {
                        stop(data);
                    } catch (RuntimeException e) {
                        log.warn("Could not stop the server in {}: {}", data, e.getMessage());
                    }
                });
            }
        } finally {
            stops.shutdown();
            try {
                stops.awaitTermination(properties.startTimeout().toSeconds() + 10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void stop(Path data) {
        if (Files.isDirectory(data) && isRunning(data)) {
            run(List.of(bin("pg_ctl"), "-D", data.toString(), "-m", "fast", "-w", "stop"), "stop the server");
            log.info("Stopped the PostgreSQL server in {}", data);
        }
    }

    /**
     * Replaces the control role's password by the instance's, as a SCRAM verifier, in single-user mode, with no server
     * running: for a pooled directory whose password nobody kept. The verifier goes on standard input, never on a
     * command line.
     */
    private void setControlPassword(Path data, String password) {
        String verifier = PasswordUtil.encodeScramSha256(password.toCharArray());
        Result result = exec(List.of(bin("postgres"), "--single", "-D", data.toString(), "-c", "exit_on_error=on",
                "postgres"), "ALTER ROLE " + CONTROL_ROLE + " PASSWORD '" + verifier.replace("'", "''") + "'\n");
        String said = result.output().replace(verifier, "(verifier)");
        if (result.exitCode() != 0 || said.contains("ERROR:") || said.contains("FATAL:")) {
            throw new DriverException("could not give the control role its password: " + said.strip());
        }
    }

    /**
     * Creates the data directory once: initdb into a staging folder, configure it, then rename it into place.
     * Answers whether it did (false: the directory was there).
     */
    private boolean initialize(InstanceSpec spec) {
        Path data = spec.dataDirectory();
        if (Files.isRegularFile(data.resolve("PG_VERSION"))) {
            return false;
        }
        Path staging = staging(data);
        try {
            deleteIfExists(staging);
            Files.createDirectories(data.getParent());
            initdb(staging, spec.controlPassword(), List.of());
            Files.move(staging, data);
            return true;
        } catch (IOException e) {
            throw new DriverException("cannot create the data directory: " + e.getMessage(), e);
        }
    }

    /**
     * The warm pool's servers: made at the lowest CPU priority (the provisionings under way come first), each in
     * its data directory on its port, archiving its WAL to what will be its instance's archive from the first start.
     */
    private final class PoolServers implements WarmPool.Servers {

        @Override
        public int freePort(Set<Integer> avoid) {
            return ports.allocate(avoid);
        }

        @Override
        public Set<Integer> recordedPorts() {
            Set<Integer> taken = new HashSet<>();
            recorded.live().forEach(placement -> taken.add(placement.port()));
            return taken;
        }

        @Override
        public void initialize(Path data, String password) {
            Path staging = poolStaging(data);
            try {
                Files.createDirectories(staging.getParent());
                Files.setPosixFilePermissions(staging.getParent(), PosixFilePermissions.fromString("rwx------"));
            } catch (IOException e) {
                throw new DriverException("cannot create the warm pool's folder: " + e.getMessage(), e);
            }
            initdb(staging, password, Files.isExecutable(Path.of(NICE)) ? List.of(NICE, "-n", "19") : List.of());
        }

        @Override
        public Connection start(Path data, int port, String password) {
            Path staging = poolStaging(data);
            boolean staged = Files.isDirectory(staging);
            BackupStore store = store(data);
            ServerConfiguration.write(staged ? staging : data, port, properties.listenAddresses(), store.archive(),
                    properties.archiveTimeout(), null);
            if (staged) {
                // Whole and durable before it enters instances/, where a restart finds it by its marker.
                try (FileChannel hba = FileChannel.open(staging.resolve("pg_hba.conf"), StandardOpenOption.WRITE);
                        FileChannel pending = FileChannel.open(staging.resolve(PASSWORD_PENDING),
                                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    hba.force(true);
                    pending.force(true);
                    Files.createDirectories(data.getParent());
                    Files.move(staging, data, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new DriverException("cannot put the data directory in place: " + e.getMessage(), e);
                }
            }
            store.create();
            LocalServerDriver.this.start(data, port);
            try {
                return new ServerLogin(LOOPBACK, port, CONTROL_ROLE, password, CONNECT_TIMEOUT,
                        properties.startTimeout(), APPLICATION).connect("postgres");
            } catch (SQLException e) {
                throw new DriverException("cannot log in to the new server (SQLSTATE " + e.getSQLState() + ")", e);
            }
        }

        @Override
        public void discard(Path data) {
            try {
                deleteIfExists(poolStaging(data));
            } catch (IOException e) {
                log.warn("Could not delete {}: {}", poolStaging(data), e.getMessage());
            }
            delete(data);
        }

        /** Made apart, under {@code <root>/pool}, so that instances/ holds only whole data directories. */
        private Path poolStaging(Path data) {
            return properties.root().resolve("pool").resolve(data.getFileName() + ".init");
        }
    }

    /**
     * Discards the warm pool's servers that an earlier run made and no instance's record names: nobody knows their
     * control password any more. A claimed one stays: its provisioning goes on when its command comes again.
     */
    private void discardUnclaimed(Path instances) throws IOException {
        if (!Files.isDirectory(instances)) {
            return;
        }
        Set<Path> claimed = new HashSet<>();
        recorded.live().stream().map(Placement::dataDirectory).filter(Objects::nonNull)
                .forEach(data -> claimed.add(data.toAbsolutePath().normalize()));
        try (Stream<Path> entries = Files.list(instances)) {
            for (Path entry : entries.toList()) {
                if (Files.isDirectory(entry) && Files.exists(entry.resolve(PASSWORD_PENDING))
                        && !claimed.contains(entry.toAbsolutePath().normalize())) {
                    log.info("Discarding {}, a server of an earlier run's warm pool that nobody claimed", entry);
                    delete(entry);
                }
            }
        }
    }

    /**
     * Runs initdb into {@code staging}, the control role's password read from a temporary file (mode 0600, beside
     * the staging folder, deleted at once), and allows password logins over TCP only.
     */
    private void initdb(Path staging, String password, List<String> prefix) {
        Path passwordFile = null;
        try {
            passwordFile = Files.createTempFile(staging.getParent(), ".pw-", "",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passwordFile, password, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(prefix);
            command.addAll(List.of(bin("initdb"), "-D", staging.toString(), "-U", CONTROL_ROLE,
                    "--pwfile=" + passwordFile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C"));
            run(command, "initialize the data directory");
            Files.writeString(staging.resolve("pg_hba.conf"), PG_HBA);
        } catch (IOException e) {
            throw new DriverException("cannot create the data directory: " + e.getMessage(), e);
        } finally {
            if (passwordFile != null) {
                try {
                    Files.deleteIfExists(passwordFile);
                } catch (IOException e) {
                    log.warn("Could not delete a temporary password file {}", passwordFile);
                }
            }
        }
    }

    private static Path staging(Path data) {
        return data.resolveSibling(data.getFileName() + ".init");
    }

    private static void deleteIfExists(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            PathUtils.deleteDirectory(path);
        } else {
            Files.deleteIfExists(path);
        }
    }

    /**
     * Creates (or updates) the user's admin role; on a pooled server claimed by this run, over the session the pool
     * held (or a new one logged in with the pool's password, should that session be gone), giving the control role
     * the instance's password first, then forgets that the password was pending.
     */
    private void createAdminRole(InstanceSpec spec, Optional<Connection> pooledSession) {
        Path pending = spec.dataDirectory().resolve(PASSWORD_PENDING);
        String poolPassword = Files.exists(pending) ? poolPasswords.get(spec.dataDirectory()) : null;
        Optional<Connection> held = poolPassword == null ? Optional.empty()
                : pooledSession.filter(LocalServerDriver::isValid);
        try (Connection connection = held.isPresent() ? held.get()
                : poolPassword == null ? controlLogin(spec).connect("postgres") : poolLogin(spec, poolPassword)) {
            PGConnection pg = connection.unwrap(PGConnection.class);
            if (poolPassword != null) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("ALTER ROLE " + CONTROL_ROLE + " PASSWORD '"
                            + pg.escapeLiteral(PasswordUtil.encodeScramSha256(spec.controlPassword().toCharArray()))
                            + "'");
                }
            }
            String role = SqlIdentifiers.quote(spec.adminUsername());
            String verifier = pg.escapeLiteral(spec.passwordVerifier());
            boolean exists;
            try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
                query.setString(1, spec.adminUsername());
                try (ResultSet rows = query.executeQuery()) {
                    exists = rows.next();
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + role
                        + " WITH LOGIN CREATEDB CREATEROLE NOSUPERUSER PASSWORD '" + verifier + "'");
            }
        } catch (SQLException e) {
            throw new DriverException("cannot create the admin role (SQLSTATE " + e.getSQLState() + ")", e);
        }
        if (poolPassword != null) {
            try {
                Files.deleteIfExists(pending);
            } catch (IOException e) {
                throw new DriverException("cannot record that the control role has its password: " + e.getMessage(), e);
            }
            poolPasswords.remove(spec.dataDirectory());
        }
    }

    private static boolean isValid(Connection session) {
        try {
            return session.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * A control connection with the pool's password; with the instance's when the role has it already (a retry
     * after this run gave it, but failed before it forgot the pool's).
     */
    private Connection poolLogin(InstanceSpec spec, String poolPassword) throws SQLException {
        try {
            return new ServerLogin(LOOPBACK, spec.port(), CONTROL_ROLE, poolPassword, CONNECT_TIMEOUT,
                    properties.startTimeout(), APPLICATION).connect("postgres");
        } catch (SQLException e) {
            if (!SqlStates.INVALID_PASSWORD.equals(e.getSQLState())) {
                throw e;
            }
            return controlLogin(spec).connect("postgres");
        }
    }

    /** Whether the server's log, from {@code offset} on, says it could not listen: its port was taken. */
    static boolean couldNotBind(Path serverLog, long offset) {
        try (SeekableByteChannel log = Files.newByteChannel(serverLog)) {
            log.position(Math.min(offset, log.size()));
            String written = new String(Channels.newInputStream(log).readAllBytes(), StandardCharsets.UTF_8);
            return written.contains("Address already in use");
        } catch (IOException e) {
            return false;
        }
    }

    static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private boolean isRunning(Path data) {
        // Without postmaster.pid no server runs there (pg_ctl status says so too), and a new one costs no process.
        if (!Files.isRegularFile(data.resolve("PG_VERSION")) || !Files.exists(data.resolve("postmaster.pid"))) {
            return false;
        }
        return exec(List.of(bin("pg_ctl"), "-D", data.toString(), "status")).exitCode() == 0 && !postmasterDied(data);
    }

    /**
     * Whether the postmaster {@code postmaster.pid} names has died (killed, crashed) and is a zombie that init has
     * not reaped yet: pg_ctl, and a new postmaster checking the lock file, still find its process id and take it for
     * a running server. Waits up to {@link #REAPED_WITHIN} for it to be reaped, so that a start can follow.
     */
    private static boolean postmasterDied(Path data) {
        Path stat;
        try {
            stat = Path.of("/proc", Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip(), "stat");
        } catch (IOException | RuntimeException e) {
            return false;
        }
        if (!isZombie(stat)) {
            return false;
        }
        long deadline = System.nanoTime() + REAPED_WITHIN.toNanos();
        while (isZombie(stat) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        log.warn("The server in {} had died (its postmaster, {}, a zombie until init reaped it)", data,
                stat.getParent().getFileName());
        return true;
    }

    /** {@code /proc/<pid>/stat}'s state, after the command name in parentheses: Z for a zombie. */
    private static boolean isZombie(Path stat) {
        try {
            String line = Files.readString(stat);
            int end = line.lastIndexOf(')');
            return end > 0 && line.length() > end + 2 && line.charAt(end + 2) == 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    private String bin(String name) {
        if (binaries == null) {
            synchronized (this) {
                if (binaries == null) {
                    binaries = PostgresBinaries.binDirectory(properties);
                }
            }
        }
        return binaries.resolve(name).toString();
    }

    private void run(List<String> command, String what) {
        Result result = exec(command);
        if (result.exitCode() != 0) {
            throw new DriverException("could not " + what + ": " + result.output().strip());
        }
    }

    private Result exec(List<String> command) {
        return exec(command, null);
    }

    private Result exec(List<String> command, String input) {
        return exec(command, input, null);
    }

    /**
     * The server of {@code postmaster.pid}: its first and third lines (process id and start time); null without one.
     */
    private static String serverIdentity(Path data) {
        List<String> lines = pidFile(data);
        return lines.size() < 3 ? null : lines.get(0) + " " + lines.get(2);
    }

    /** Whether {@code postmaster.pid} says a server other than {@code stale} is ready for connections. */
    private static boolean isReady(Path data, String stale) {
        List<String> lines = pidFile(data);
        return lines.size() >= 8 && "ready".equals(lines.get(7).strip())
                && !(lines.get(0) + " " + lines.get(2)).equals(stale);
    }

    private static List<String> pidFile(Path data) {
        try {
            return Files.readAllLines(data.resolve("postmaster.pid"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Runs a command to its end, {@code input} (if any) on its standard input; answers its exit code and output's tail.
     * With {@code doneEarly}, answers success (no output) as soon as that says so, the command left to finish alone.
     */
    private Result exec(List<String> command, String input, BooleanSupplier doneEarly) {
        List<String> full = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            full.addAll(List.of("unshare", "-U"));
        }
        full.addAll(command);
        Path output = null;
        Process process = null;
        try {
            output = Files.createTempFile("dbcloud-pg-", ".out");
            process = new ProcessBuilder(full)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(input == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                            : ProcessBuilder.Redirect.PIPE)
                    .start();
            if (input != null) {
                try (var stdin = process.getOutputStream()) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            long deadline = System.nanoTime() + properties.startTimeout().plusSeconds(10).toNanos();
            while (!process.waitFor(doneEarly == null ? properties.startTimeout().toMillis() + 10_000 : 5,
                    TimeUnit.MILLISECONDS)) {
                if (doneEarly != null && doneEarly.getAsBoolean()) {
                    Path unread = output;
                    process.onExit().thenRun(() -> unread.toFile().delete());
                    output = null;
                    return new Result(0, "");
                }
                if (doneEarly == null || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new DriverException(command.get(0) + " did not finish in time");
                }
            }
            String text = Files.readString(output);
            return new Result(process.exitValue(), text.length() > 2000 ? text.substring(text.length() - 2000) : text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            // The warm pool stops what it was making rather than wait for it: the command and what it started go.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DriverException("interrupted");
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    private record Result(int exitCode, String output) {
    }
}
