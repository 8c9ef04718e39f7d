package dev.dbcloud.provisioner.local;

import dev.dbcloud.common.rules.InstanceRules;
import dev.dbcloud.provisioner.driver.DriverException;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.driver.Endpoint;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceSpec;
import dev.dbcloud.provisioner.driver.Placement;
import dev.dbcloud.provisioner.driver.PortTakenException;
import dev.dbcloud.provisioner.driver.ProvisioningStepDone.Step;
import dev.dbcloud.provisioner.driver.ProvisioningStepDone;
import dev.dbcloud.sql.ServerLogin;
import dev.dbcloud.sql.SqlIdentifiers;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The {@code local} driver: a dedicated PostgreSQL server process per instance, with its own data directory,
 * port, and a {@code pg_hba.conf} that accepts only scram-sha-256 over TCP. The bootstrap superuser is the
 * control role {@code dbosadmin}; the user's admin role gets LOGIN, CREATEDB and CREATEROLE, not SUPERUSER.
 *
 * <p>PostgreSQL refuses to run as root; when this service does, every binary starts in a new user namespace
 * ({@code unshare -U}), as zonky's launcher does.
 */
@Component
class LocalServerDriver implements InstanceDriver {

    static final String CONTROL_ROLE = "dbosadmin";
    /** Servers listen on {@code localhost} at least; the control plane reaches them there, on IPv4. */
    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(LocalServerDriver.class);
    private static final Pattern PORT_LINE = Pattern.compile("(?m)^port = \\d+$");
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

    private final ApplicationEventPublisher steps;
    private final LocalPorts ports;

    LocalServerDriver(LocalServerProperties properties, ApplicationEventPublisher steps, LocalPorts ports) {
        this.properties = properties;
        this.steps = steps;
        this.ports = ports;
    }

    @Override
    public DriverKind kind() {
        return DriverKind.LOCAL;
    }

    /** The lowest free port of the range, and a data directory under the root named by the instance's id. */
    @Override
    public Optional<Placement> place(UUID instanceId, Set<Integer> portsInUse) {
        int port = ports.allocate(portsInUse);
        return port < 0 ? Optional.empty()
                : Optional.of(new Placement(port, properties.root().resolve("instances").resolve(instanceId.toString())));
    }

    @Override
    public Endpoint provision(InstanceSpec spec) {
        if (!InstanceRules.username("adminUsername", spec.adminUsername()).isEmpty()) {
            throw new DriverException("invalid admin username");
        }
        if (initialize(spec)) {
            done(spec, Step.DATA_DIRECTORY_CREATED);
        }
        ensureRunning(spec);
        done(spec, Step.SERVER_STARTED);
        createAdminRole(spec);
        done(spec, Step.ADMIN_ROLE_READY);
        return new Endpoint(properties.hostName(), spec.port());
    }

    private void done(InstanceSpec spec, Step step) {
        log.debug("Provisioning {}: {}", spec.instance(), step);
        steps.publishEvent(new ProvisioningStepDone(spec.instance(), step));
    }

    /**
     * Deletes what a killed provisioner leaves under its root: the temporary password files initdb reads (they hold
     * a control password in plaintext), half-initialized data directories, half-extracted binaries. Nothing else
     * uses them at start, before the first command.
     */
    @Override
    public void recoverAfterCrash() {
        Path instances = properties.root().resolve("instances");
        Path binaries = properties.root().resolve("binaries");
        try {
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
        } catch (IOException e) {
            throw new DriverException("cannot clean up after a crash: " + e.getMessage(), e);
        }
    }

    /** Starts are serialized per data directory: the health watch and a command may both find a server down. */
    @Override
    public void ensureRunning(InstanceSpec spec) {
        supervised.add(spec.dataDirectory());
        synchronized (starting.computeIfAbsent(spec.dataDirectory(), data -> new Object())) {
            if (isRunning(spec.dataDirectory())) {
                return;
            }
            if (!LocalPorts.isBindable(spec.port())) {
                throw new PortTakenException(spec.port());
            }
            configurePort(spec.dataDirectory(), spec.port());
            Result started = exec(List.of(bin("pg_ctl"), "-D", spec.dataDirectory().toString(),
                    "-l", spec.dataDirectory().resolve("server.log").toString(),
                    "-w", "-t", Long.toString(properties.startTimeout().toSeconds()), "start"));
            if (started.exitCode() != 0) {
                // Another program may have bound the port between the check above and the server's bind.
                if (!isRunning(spec.dataDirectory()) && !LocalPorts.isBindable(spec.port())) {
                    throw new PortTakenException(spec.port());
                }
                throw new DriverException("could not start the server: " + started.output().strip());
            }
        }
        log.info("Started PostgreSQL for {} on port {}", spec.instance(), spec.port());
    }

    @Override
    public void stop(InstanceSpec spec) {
        stop(spec.dataDirectory());
        supervised.remove(spec.dataDirectory());
    }

    @Override
    public void destroy(InstanceSpec spec) {
        Path data = spec.dataDirectory();
        stop(data);
        supervised.remove(data);
        try {
            deleteIfExists(staging(data));
            deleteIfExists(data);
        } catch (IOException e) {
            throw new DriverException("cannot delete the data directory: " + e.getMessage(), e);
        }
        log.info("Destroyed the server and data of {}", spec.instance());
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

    /**
     * Stops the servers side by side, so a stop of the service with many instances takes as long as the slowest;
     * unless they are to outlive the service ({@code stop-servers-on-shutdown} false).
     */
    @Override
    public void stopAll() {
        List<Path> servers = List.copyOf(supervised);
        if (servers.isEmpty() || !properties.stopServersOnShutdown()) {
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
        supervised.clear();
    }

    private void stop(Path data) {
        if (Files.isDirectory(data) && isRunning(data)) {
            run(List.of(bin("pg_ctl"), "-D", data.toString(), "-m", "fast", "-w", "stop"), "stop the server");
            log.info("Stopped the PostgreSQL server in {}", data);
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
        Path passwordFile = null;
        try {
            deleteIfExists(staging);
            Files.createDirectories(data.getParent());
            passwordFile = Files.createTempFile(data.getParent(), ".pw-", "",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passwordFile, spec.controlPassword(), StandardCharsets.UTF_8);
            run(List.of(bin("initdb"), "-D", staging.toString(), "-U", CONTROL_ROLE,
                    "--pwfile=" + passwordFile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C"),
                    "initialize the data directory");
            Files.writeString(staging.resolve("pg_hba.conf"), PG_HBA);
            Files.writeString(staging.resolve("postgresql.conf"), """

                    # dbcloud
                    port = %d
                    listen_addresses = '%s'
                    unix_socket_directories = ''
                    password_encryption = 'scram-sha-256'
                    """.formatted(spec.port(), properties.listenAddresses()), StandardOpenOption.APPEND);
            Files.move(staging, data);
            return true;
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

    /**
     * Points the server's configuration at the port the control plane gave it: the {@code port} line dbcloud wrote
     * into {@code postgresql.conf} (initdb's own is commented out), rewritten when the instance moved.
     */
    private static void configurePort(Path data, int port) {
        Path configuration = data.resolve("postgresql.conf");
        try {
            String text = Files.readString(configuration);
            String placed = PORT_LINE.matcher(text).replaceAll("port = " + port);
            if (!placed.equals(text)) {
                Path next = data.resolve("postgresql.conf.next");
                Files.writeString(next, placed);
                try (FileChannel channel = FileChannel.open(next,
                        StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                Files.move(next, configuration, StandardCopyOption.ATOMIC_MOVE);
                log.info("Moved the server in {} to port {}", data, port);
            }
        } catch (IOException e) {
            throw new DriverException("cannot configure the server's port: " + e.getMessage(), e);
        }
    }

    private static Path staging(Path data) {
        return data.resolveSibling(data.getFileName() + ".init");
    }

    private static void deleteIfExists(Path directory) throws IOException {
        if (Files.exists(directory)) {
            PathUtils.deleteDirectory(directory);
        }
    }

    private void createAdminRole(InstanceSpec spec) {
        try (Connection connection = controlLogin(spec).connect("postgres")) {
            PGConnection pg = connection.unwrap(PGConnection.class);
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
    }

    private boolean isRunning(Path data) {
        if (!Files.isRegularFile(data.resolve("PG_VERSION"))) {
            return false;
        }
        return exec(List.of(bin("pg_ctl"), "-D", data.toString(), "status")).exitCode() == 0;
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
        List<String> full = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            full.addAll(List.of("unshare", "-U"));
        }
        full.addAll(command);
        Path output = null;
        try {
            output = Files.createTempFile("dbcloud-pg-", ".out");
            Process process = new ProcessBuilder(full)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(properties.startTimeout().toSeconds() + 10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new DriverException(command.get(0) + " did not finish in time");
            }
            String text = Files.readString(output);
            return new Result(process.exitValue(), text.length() > 2000 ? text.substring(text.length() - 2000) : text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
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
