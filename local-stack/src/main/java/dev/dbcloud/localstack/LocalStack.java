package dev.dbcloud.localstack;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.dbcloud.common.Credentials;
import dev.dbcloud.common.secrets.ControlPasswordCipher;
import dev.dbcloud.gateway.GatewayApplication;
import dev.dbcloud.gateway.access.ApiKeys;
import dev.dbcloud.migration.MigrationServiceApplication;
import dev.dbcloud.provisioner.ProvisionerApplication;
import dev.dbcloud.status.StatusServiceApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

/**
 * The whole system on one machine, in one JVM, with no Docker: Apache Kafka's KRaft server (one node), one embedded
 * PostgreSQL server for the control plane (a database per service, schemas by Flyway, password authentication
 * only), and the four services. Every listener is on the loopback interface but the gateway's, which goes where
 * {@code --bind} says (loopback too by default). State lives under the home directory, Kafka's log included, so a
 * restart finds its instances and events again; {@link #close()} stops everything, instance servers included.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
    static final String TENANT = "default";
    static final String LOOPBACK = "127.0.0.1";
    /** Kafka's usual port, so other systems and scripts find the local broker in the same place every time. */
    static final int DEFAULT_KAFKA_PORT = 9092;
    private static final String CONTROL_PLANE_PASSWORD = "control-plane.password";
    private static final String KAFKA_PASSWORD = "kafka.password";
    /** The provisioner's setting for other PostgreSQL binaries; when set, the stack does not choose them. */
    private static final String PG_BIN_DIR = "DBCLOUD_PG_BIN_DIR";
    /** For other systems that consume the events: {@code kafka-console-consumer.sh --consumer.config <this>}. */
    static final String KAFKA_CLIENT_PROPERTIES = "kafka-client.properties";
    private static final List<String> DATABASES =
            List.of("dbcloud_gateway", "dbcloud_provisioner", "dbcloud_migration", "dbcloud_status");

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Path home;
    private final Map<String, Integer> managementPorts = new LinkedHashMap<>();
    private final Map<String, Integer> servicePorts = new LinkedHashMap<>();
    /** The running services, each with the thread group it runs in. */
    private final Map<ConfigurableApplicationContext, ServiceThreads> services = new LinkedHashMap<>();
    private String gatewayUrl;
    private Credentials credentials;
    private String kafkaBootstrapServers;
    private EmbeddedPostgres controlPlane;
    private Path controlPlanePassword;
    private Map<String, String> kafkaClientProperties = Map.of();
    private LocalKafka kafka;
    private String kafkaPassword;

    /** How long a stop waits for the services' consumers to finish the records in hand. */
    static final Duration CONSUMERS_STOP = Duration.ofSeconds(5);

    private LocalStack(Path home) {
        this.home = home;
    }

    /** Starts the stack on loopback; the gateway listens on {@code gatewayPort} (0 for any free port). */
    public static LocalStack start(Path home, int gatewayPort) {
        return start(home, LOOPBACK, gatewayPort, 0);
    }

    /**
     * Starts the stack. Every listener is on the loopback interface, but for the gateway's.
     *
     * @param bind the address the gateway listens on
     * @param gatewayPort the gateway's port, 0 for any free one
     * @param kafkaPort the Kafka broker's port on loopback, 0 for any free one
     */
    public static LocalStack start(Path home, String bind, int gatewayPort, int kafkaPort) {
        LocalStack stack = new LocalStack(home);
        try {
            stack.startAll(bind, gatewayPort, kafkaPort);
            return stack;
        } catch (HomeLock.HomeInUseException e) {
            stack.close();
            throw e;
        } catch (Exception e) {
            stack.close();
            throw new IllegalStateException("the local stack did not start: " + e.getMessage(), e);
        }
    }

    private void startAll(String bind, int gatewayPort, int kafkaPort) throws Exception {
        privateDirectory(home);
        // First, before anything starts: released last, when everything else has stopped.
        started.push(HomeLock.acquire(home));
        privateDirectory(home.resolve("kafka"));
        LeftoverServers.stop(home.resolve("control-plane"));
        Path keyset = privateFile(home.resolve("keyset.json"), ControlPasswordCipher::generateKeyset);
        Credentials previous = Credentials.read(home.resolve(Credentials.FILE_NAME));
        String apiKey = previous.apiKey() != null ? previous.apiKey() : ApiKeys.newKey();
        String adminKey = previous.adminKey() != null ? previous.adminKey() : ApiKeys.newKey();
        // Only the gateway and status-service share it, for this run only.
        String internalToken = ApiKeys.newKey();

        kafkaPassword = Files.readString(privateFile(home.resolve(KAFKA_PASSWORD), ApiKeys::newKey)).strip();
        // The broker and the control plane's Postgres start side by side; both are stopped by close() whichever fails.
        ExecutorService kafkaStarter = Executors.newSingleThreadExecutor();
        Future<LocalKafka> kafkaStarting = kafkaStarter.submit(
                () -> LocalKafka.start(home.resolve("kafka"), kafkaPort, kafkaPassword));
        kafkaStarter.shutdown();
        controlPlanePassword = privateFile(home.resolve(CONTROL_PLANE_PASSWORD), ApiKeys::newKey);
        String password = Files.readString(controlPlanePassword).strip();
        EmbeddedPostgres startedPostgres = null;
        Exception infrastructureFailure = null;
        try {
            startedPostgres = startControlPlane(password);
        } catch (Exception e) {
            infrastructureFailure = e;
        }
        try {
            kafka = kafkaStarting.get();
            started.push(this::stopKafka);
        } catch (ExecutionException e) {
            if (infrastructureFailure == null) {
                infrastructureFailure = e.getCause() instanceof Exception cause ? cause
                        : new IllegalStateException(e.getCause());
            }
        }
        if (startedPostgres != null) {
            started.push(startedPostgres);
        }
        if (infrastructureFailure != null) {
            throw infrastructureFailure;
        }
        EmbeddedPostgres postgres = startedPostgres;
        kafkaBootstrapServers = kafka.bootstrapServers();
        kafkaClientProperties = kafka.clientProperties();
        writeKafkaClientProperties(home.resolve(KAFKA_CLIENT_PROPERTIES), kafkaClientProperties);
        controlPlane = postgres;
        ControlPlaneAccess.requirePassword(postgres, home.resolve("control-plane"), password);
        createDatabases(postgres);

        Map<String, Object> common = new HashMap<>();
        common.put("spring.kafka.bootstrap-servers", kafkaBootstrapServers);
        common.put("spring.kafka.security.protocol", kafkaClientProperties.get("security.protocol"));
        common.put("spring.kafka.properties.sasl.mechanism", kafkaClientProperties.get("sasl.mechanism"));
        common.put("spring.kafka.properties.sasl.jaas.config", kafkaClientProperties.get("sasl.jaas.config"));
        common.put("spring.datasource.username", ControlPlaneAccess.USER);
        common.put("spring.datasource.password", password);
        common.put("spring.main.banner-mode", "off");
        // JSON log lines (LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs) name the service that wrote them, as the pattern does.
        common.put("logging.structured.json.customizer", ServiceJsonMembers.class.getName());
        // After kill -9, the next start's consumers wait for the killed ones' sessions to expire before they get
        // the partitions: 10 seconds rather than Kafka's 45.
        common.put("spring.kafka.consumer.properties.session.timeout.ms", 10_000);
        common.put("spring.kafka.consumer.heartbeat-interval", "3s");
        // Each service's actuator on a free port of its own; all but health, info and prometheus need the admin key.
        common.put("management.server.port", 0);
        common.put("management.server.address", LOOPBACK);
        common.put("server.address", LOOPBACK);
        common.put("dbcloud.management.admin-key", adminKey);
        // springdoc is on this one class path for the gateway's sake: the other services describe no API.
        common.put("springdoc.api-docs.enabled", false);
        common.put("springdoc.swagger-ui.enabled", false);
        // Three services serve only their actuator and (status-service) the gateway's queries: a few idle request
        // threads each, rather than Tomcat's ten per server; they still grow to its maximum under load.
        common.put("server.tomcat.threads.min-spare", 2);

        // status-service first and alone: the gateway needs its port, and the first service to start sets up the one
        // logging system the JVM has (the others find it set up). Then the other three side by side, on 2 cores about
        // half the time they take one after another; registered in this order whatever order they finish in, so they
        // stop in the reverse one.
        int statusPort = register(launch("status-service", StatusServiceApplication.builder(), common, postgres,
                "dbcloud_status", 0, Map.of("dbcloud.internal.token", internalToken)));
        ExecutorService starting = Executors.newFixedThreadPool(3);
        List<Future<Launched>> launches = new ArrayList<>();
        launches.add(starting.submit(() -> launch("migration-service", MigrationServiceApplication.builder(), common,
                postgres, "dbcloud_migration", 0, Map.of("dbcloud.keyset-file", keyset.toString()))));
        Map<String, Object> provisioner = new HashMap<>(Map.of(
                "dbcloud.keyset-file", keyset.toString(),
                "dbcloud.provisioner.local.root", home.toString(),
                "dbcloud.provisioner.local.stop-servers-on-shutdown", "true"));
        String chosenBinaries = System.getenv(PG_BIN_DIR);
        if (chosenBinaries == null || chosenBinaries.isBlank()) {
            binariesOf(home.resolve("control-plane"))
                    .ifPresent(bin -> provisioner.put("dbcloud.provisioner.local.bin-dir", bin.toString()));
        }
        launches.add(starting.submit(() -> launch("provisioner-service", ProvisionerApplication.builder(), common,
                postgres, "dbcloud_provisioner", 0, provisioner)));
        launches.add(starting.submit(() -> launch("api-gateway", GatewayApplication.builder(), common, postgres,
                "dbcloud_gateway", gatewayPort, Map.of(
                "springdoc.api-docs.enabled", "true",
                "server.tomcat.threads.min-spare", 10,
                "springdoc.swagger-ui.enabled", "true",
                "server.address", bind,
                "dbcloud.internal.token", internalToken,
                "dbcloud.keyset-file", keyset.toString(),
                "dbcloud.gateway.status-url", "http://" + LOOPBACK + ":" + statusPort,
                "dbcloud.gateway.bootstrap-tenant", TENANT,
                "dbcloud.gateway.bootstrap-api-key", apiKey,
                "dbcloud.gateway.admin-key", adminKey))));
        starting.shutdown();
        Exception failure = null;
        for (Future<Launched> launch : launches) {
            try {
                // Every one that started is registered, so that close() stops it even when another failed.
                register(launch.get());
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof Exception cause ? cause : new IllegalStateException(e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        int port = servicePorts.get("api-gateway");

        gatewayUrl = "http://" + urlHost(bind) + ":" + port;
        credentials = new Credentials(gatewayUrl, apiKey, adminKey, kafkaBootstrapServers);
        credentials.write(home.resolve(Credentials.FILE_NAME));
    }

    /** The control plane's Postgres, its data under the home, durable as the services need. */
    private EmbeddedPostgres startControlPlane(String password) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(home.resolve("control-plane"))
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setConnectConfig("password", password)
                // Its binaries under the home (0700), not in a shared, world-writable folder of /tmp.
                .setOverrideWorkingDirectory(privateDirectory(home.resolve("postgres")).toFile())
                // Accepted means durable: zonky's test defaults turn these off.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .start();
    }

    /**
     * The folder of the PostgreSQL binaries a running server's postmaster was started from, read from its
     * executable's link in {@code /proc}; empty when that cannot be read or the folder lacks a tool. The instances
     * run on the binaries zonky extracted for the control plane (the same bundle): a new home extracts it once, not
     * twice, each extraction about 3 s of a core while the services start.
     */
    static Optional<Path> binariesOf(Path dataDirectory) {
        try {
            String pid = Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).strip();
            Path bin = Files.readSymbolicLink(Path.of("/proc", pid, "exe")).getParent();
            boolean complete = bin != null
                    && Stream.of("postgres", "pg_ctl", "initdb").allMatch(tool -> Files.isExecutable(bin.resolve(tool)));
            return complete ? Optional.of(bin) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.debug("The control plane's binaries are not known; the provisioner extracts its own", e);
            return Optional.empty();
        }
    }

    /** Lets a full collection give back heap above 30 % free, rather than the JVM's default 70 %; best effort. */
    private static void shrinkHeapToUse() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            vm.setVMOption("MinHeapFreeRatio", "10");
            vm.setVMOption("MaxHeapFreeRatio", "30");
        } catch (RuntimeException e) {
            log.debug("Could not set the heap's free ratios: {}", e.toString());
        }
    }

    /** Where a client on this machine reaches an address the gateway listens on. */
    static String urlHost(String bind) {
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            return bind;
        }
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return "localhost";
        }
        return address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
    }

    /** A service started: its context and the thread group of its threads. */
    private record Launched(String name, ServiceThreads threads, ConfigurableApplicationContext context) {
    }

    /** Starts a service on a thread group of its own, and waits for it; safe to call from several threads at once. */
    private static Launched launch(String name, SpringApplicationBuilder service, Map<String, Object> common,
            EmbeddedPostgres postgres, String database, int port, Map<String, Object> own) {
        Map<String, Object> properties = new HashMap<>(common);
        properties.put("spring.datasource.url", postgres.getJdbcUrl("postgres", database));
        properties.put("server.port", port);
        properties.putAll(own);
        // As command-line arguments, these outrank each service's own configuration file.
        String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ServiceThreads threads = new ServiceThreads(name);
        return new Launched(name, threads,
                threads.call("start", () -> service.registerShutdownHook(false).run(arguments)));
    }

    /** Makes a started service one the stack stops, lists and restarts; answers its port. On the stack's thread. */
    private int register(Launched launched) {
        ConfigurableApplicationContext context = launched.context();
        started.push(() -> launched.threads().run("stop", context::close));
        services.put(context, launched.threads());
        managementPorts.put(launched.name(),
                context.getEnvironment().getRequiredProperty("local.management.port", Integer.class));
        int servicePort = ((WebServerApplicationContext) context).getWebServer().getPort();
        servicePorts.put(launched.name(), servicePort);
        return servicePort;
    }

    private static void createDatabases(EmbeddedPostgres postgres) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            for (String database : DATABASES) {
                try (ResultSet exists = statement.executeQuery(
                        "SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                    if (exists.next()) {
                        continue;
                    }
                }
                statement.execute("CREATE DATABASE " + database);
            }
        }
    }

    /** Kafka's client configuration, as its command-line tools read it, for the owner only. */
    private static void writeKafkaClientProperties(Path file, Map<String, String> properties) throws IOException {
        StringBuilder lines = new StringBuilder("# dbcloud's local Kafka broker: --consumer.config for Kafka's tools\n");
        new java.util.TreeMap<>(properties).forEach((key, value) -> lines.append(key).append('=').append(value).append('\n'));
        writePrivately(file, lines.toString());
    }

    /** Creates a directory only its owner may enter, or makes an existing one so. */
    private static Path privateDirectory(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        return directory;
    }

    /** Creates a file readable by its owner only, with the given content, unless it exists (then it keeps it 0600). */
    private static Path privateFile(Path file, java.util.function.Supplier<String> content) throws IOException {
        if (!Files.exists(file)) {
            writePrivately(file, content.get());
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /**
     * Writes a file readable by its owner only, whole or not at all: its content reaches the disk before it takes the
     * file's name, so neither a crash nor a power loss leaves half of it (or an empty keyset, which would leave every
     * control password undecryptable).
     */
    private static void writePrivately(Path file, String content) throws IOException {
        Path next = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".new",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(next, content);
        try (FileChannel channel = FileChannel.open(next, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /** Each service's actuator, by service name: {@code http://localhost:<management port>/actuator}. */
    public Map<String, String> actuatorUrls() {
        Map<String, String> urls = new LinkedHashMap<>();
        managementPorts.forEach((service, port) -> urls.put(service, "http://localhost:" + port + "/actuator"));
        return urls;
    }

    /** Each service's application port, by service name; only the gateway's may be off loopback. */
    public Map<String, Integer> servicePorts() {
        return Map.copyOf(servicePorts);
    }

    /** Everything a Kafka client needs to reach the local broker, its SASL password included. */
    public Map<String, String> kafkaClientProperties() {
        return kafkaClientProperties;
    }

    public String kafkaBootstrapServers() {
        return kafkaBootstrapServers;
    }

    /** The JDBC URLs of the control plane's databases, one per service; user {@code postgres}. */
    public List<String> controlPlaneJdbcUrls() {
        return DATABASES.stream().map(database -> controlPlane.getJdbcUrl(ControlPlaneAccess.USER, database)).toList();
    }

    /** The file holding the control plane's password (mode 0600). */
    public Path controlPlanePasswordFile() {
        return controlPlanePassword;
    }

    public String gatewayUrl() {
        return gatewayUrl;
    }

    /** Where the stack keeps its state, credentials and keyset. */
    public Path home() {
        return home;
    }

    public Credentials credentials() {
        return credentials;
    }

    /**
     * Stops every service's consumers, then the services, then the control plane's Postgres, then Kafka; instance
     * servers stop with the provisioner.
     */
    @Override
    public synchronized void close() {
        // First every service stops taking records, so no new work starts while the others shut down; a record
        // being handled is finished (or, cut off, redelivered at the next start, since its offset is not committed).
        stopConsumers();
        services.clear();
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                log.warn("While stopping the local stack: {}", e.toString());
            }
        }
    }

    /** Stops the Kafka broker alone, as an outage would; the services keep running and retry. */
    synchronized void stopKafka() {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /** Starts the Kafka broker again, on the port it had and the log it kept. */
    synchronized void startKafka() throws Exception {
        if (kafka == null) {
            String address = kafkaBootstrapServers;
            kafka = LocalKafka.start(home.resolve("kafka"), Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)),
                    kafkaPassword);
        }
    }

    /** Every service stops consuming; each finishes the record in hand and leaves its consumer groups. */
    synchronized void stopConsumers() {
        List<KafkaListenerEndpointRegistry> registries = new ArrayList<>();
        for (ConfigurableApplicationContext service : services.keySet()) {
            try {
                registries.addAll(service.getBeansOfType(KafkaListenerEndpointRegistry.class).values());
            } catch (RuntimeException e) {
                log.warn("While stopping the consumers of {}: {}", service.getId(), e.toString());
            }
        }
        // All side by side: a stop takes as long as the slowest record in hand, not the sum of them.
        CountDownLatch stopped = new CountDownLatch(registries.size());
        for (KafkaListenerEndpointRegistry registry : registries) {
            try {
                registry.stop(stopped::countDown);
            } catch (RuntimeException e) {
                stopped.countDown();
                log.warn("While stopping consumers: {}", e.toString());
            }
        }
        try {
            if (!stopped.await(CONSUMERS_STOP.toSeconds(), TimeUnit.SECONDS)) {
                log.warn("Some consumers did not stop within {} s; what they were doing resumes at the next start",
                        CONSUMERS_STOP.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every service consumes again, from its groups' committed offsets. */
    synchronized void startConsumers() {
        // On the service's own threads, so the consumer threads they start are the service's too.
        services.forEach((service, threads) -> threads.run("consumers", () -> service
                .getBeansOfType(KafkaListenerEndpointRegistry.class).values()
                .forEach(KafkaListenerEndpointRegistry::start)));
    }

    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.rotateKeyset()) {
            try {
                rotateKeyset(options.home());
            } catch (IOException | IllegalArgumentException e) {
                System.err.println("Cannot rotate the keyset: " + e.getMessage());
                System.exit(1);
            }
            return;
        }
        long begin = System.nanoTime();
        LocalStack stack;
        try {
            stack = start(options.home(), options.bind(), options.port(), options.kafkaPort());
        } catch (HomeLock.HomeInUseException e) {
            System.err.println("dbcloud: " + e.getMessage());
            System.exit(1);
            return;
        }
        // Starting leaves most of the heap garbage: one full collection now, and the collector gives that memory back
        // to the system (G1 shrinks the heap after a full collection, down to what MaxHeapFreeRatio leaves free: 30 %
        // here rather than 70 %, a flag the JVM lets a running program set), so an idle stack stays small.
        shrinkHeapToUse();
        System.gc();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping dbcloud...");
            stack.close();
            stopped.countDown();
        }, "dbcloud-stop"));
        System.out.printf("%ndbcloud is ready in %.1f s: %s%n", (System.nanoTime() - begin) / 1e9, stack.gatewayUrl());
        System.out.printf("Credentials (url, api_key, admin_key): %s%n", options.home().resolve(Credentials.FILE_NAME));
        stack.actuatorUrls().forEach((service, url) -> System.out.printf("Actuator of %s: %s%n", service, url));
        System.out.printf("Kafka: %s (loopback only, SASL/PLAIN; client settings in %s)%n",
                stack.kafkaBootstrapServers(), options.home().resolve(KAFKA_CLIENT_PROPERTIES));
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }

    /**
     * Adds a new primary key to the home's keyset: control passwords are encrypted with it from the next start on,
     * and the older keys still decrypt what they encrypted. The file stays readable by its owner only.
     */
    static void rotateKeyset(Path home) throws IOException {
        Path keyset = home.resolve("keyset.json");
        if (!Files.exists(keyset)) {
            throw new IllegalArgumentException("no keyset at " + keyset + "; start the stack once to create it");
        }
        writePrivately(keyset, ControlPasswordCipher.rotateKeyset(Files.readString(keyset)));
        System.out.println("Rotated " + keyset + ": a new primary key encrypts from the next start on;"
                + " the older keys still decrypt.");
    }

    record Options(Path home, String bind, int port, int kafkaPort, boolean rotateKeyset) {

        static final String USAGE = "usage: java -jar dbcloud-local.jar [--home DIR] [--bind ADDRESS] [--port N] "
                + "[--kafka-port N] [--rotate-keyset]\n"
                + "  --bind ADDRESS    where the gateway listens (default 127.0.0.1; 0.0.0.0 for every interface);\n"
                + "                    everything else listens on 127.0.0.1 only\n"
                + "  --kafka-port N    the local Kafka broker's port on 127.0.0.1 (default 9092; 0 for any free one)";

        static Options parse(String[] args) {
            Path home = Credentials.home(System.getenv());
            String bind = LOOPBACK;
            int port = 8080;
            int kafkaPort = DEFAULT_KAFKA_PORT;
            boolean rotateKeyset = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--rotate-keyset" -> rotateKeyset = true;
                    case "--home" -> home = Path.of(value(args, ++i, "--home"));
                    case "--bind" -> bind = address(value(args, ++i, "--bind"));
                    case "--port" -> port = port(value(args, ++i, "--port"), "--port");
                    case "--kafka-port" -> kafkaPort = port(value(args, ++i, "--kafka-port"), "--kafka-port");
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Options(home.toAbsolutePath(), bind, port, kafkaPort, rotateKeyset);
        }

        private static int port(String value, String option) {
            try {
                int port = Integer.parseInt(value);
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes a port number (0 to 65535)");
            }
        }

        /** An IP address, as written: no host names, so nothing is looked up or resolved differently later. */
        private static String address(String value) {
            if (!value.matches("\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:]*")) {
                throw new IllegalArgumentException("--bind takes an IP address, such as 127.0.0.1 or 0.0.0.0");
            }
            try {
                return InetAddress.getByName(value).getHostAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("--bind takes an IP address, such as 127.0.0.1 or 0.0.0.0");
            }
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " takes a value");
            }
            return args[i];
        }
    }
}
