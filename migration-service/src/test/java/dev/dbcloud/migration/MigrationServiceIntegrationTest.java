package dev.dbcloud.migration;

import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.common.Topics;
import dev.dbcloud.common.secrets.ControlPasswordCipher;
import dev.dbcloud.common.serde.EventCodec;
import dev.dbcloud.events.InstanceDriverKind;
import dev.dbcloud.events.InstanceLinked;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.InstanceRestored;
import dev.dbcloud.events.MigrateRequested;
import dev.dbcloud.events.Migration;
import dev.dbcloud.messaging.test.TestInfrastructure;
import dev.dbcloud.messaging.test.TopicRecorder;
import dev.dbcloud.migration.registry.KnownInstances;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The migration-service against real servers: the shared KRaft broker and control-plane Postgres, and a PostgreSQL
 * server of its own standing for the instances. That server accepts only scram-sha-256 logins (but for its
 * bootstrap superuser {@code postgres}, which the tests use to look), and has the roles a local instance has: the
 * control role {@code dbosadmin}, a superuser, and the admin user {@code alice}, who is not; plus {@code linker},
 * the control role of a linked server, with CREATEDB only. Every integration test class extends this one, so they
 * share one Spring context, one producer and one recorder of {@code dbcloud.instance-events}.
 */
@SpringBootTest(classes = MigrationServiceApplication.class, properties = "spring.config.name=migration-service")
public abstract class MigrationServiceIntegrationTest {

    protected static final Duration BOUND = Duration.ofSeconds(60);
    protected static final String OWNER = "alice";
    protected static final String LINKED_ROLE = "linker";
    /** What {@code dbcloud.migration.instance-wait} is in these tests. */
    protected static final Duration INSTANCE_WAIT = Duration.ofSeconds(3);
    /** What {@code dbcloud.migration.lock-timeout} is in these tests. */
    protected static final Duration LOCK_TIMEOUT = Duration.ofSeconds(1);
    protected static final EventCodec codec = new EventCodec();
    protected static final String CONTROL_PASSWORD = ControlPasswordCipher.randomPassword();
    protected static final String LINKED_PASSWORD = ControlPasswordCipher.randomPassword();
    protected static ControlPasswordCipher cipher;
    protected static EmbeddedPostgres server;
    private static TopicRecorder recorder;
    private static KafkaProducer<String, byte[]> producer;

    @Autowired protected KnownInstances knownInstances;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        TestInfrastructure.register(registry, "migration");
        Path keyset = Files.createTempDirectory("migration-test").resolve("keyset.json");
        String json = ControlPasswordCipher.generateKeyset();
        Files.writeString(keyset, json);
        cipher = ControlPasswordCipher.fromJsonKeyset(json);
        registry.add("dbcloud.keyset-file", keyset::toString);
        registry.add("dbcloud.migration.instance-wait", () -> INSTANCE_WAIT.toMillis() + "ms");
        registry.add("dbcloud.migration.instance-poll", () -> "50ms");
        registry.add("dbcloud.migration.lock-timeout", () -> LOCK_TIMEOUT.toMillis() + "ms");
    }

    @BeforeAll
    static synchronized void startServers() throws SQLException {
        if (producer != null) {
            return;
        }
        server = startInstanceServer();
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE dbosadmin WITH LOGIN SUPERUSER PASSWORD '" + CONTROL_PASSWORD + "'");
            statement.execute("CREATE ROLE " + OWNER + " WITH LOGIN CREATEDB CREATEROLE NOSUPERUSER PASSWORD 'alice-secret'");
            statement.execute("CREATE ROLE " + LINKED_ROLE + " WITH LOGIN CREATEDB NOSUPERUSER PASSWORD '"
                    + LINKED_PASSWORD + "'");
        }
        String bootstrap = TestInfrastructure.kafkaBootstrapServers();
        recorder = new TopicRecorder(bootstrap, Topics.INSTANCE_EVENTS);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new ByteArraySerializer());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            producer.close();
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "migration-test-stop"));
    }

    private static EmbeddedPostgres startInstanceServer() {
        try {
            return EmbeddedPostgres.builder()
                    .setDataDirectoryCustomizer(directory -> {
                        try {
                            Files.writeString(directory.toPath().resolve("pg_hba.conf"), """
                                    host all postgres 127.0.0.1/32 trust
                                    host all postgres ::1/128 trust
                                    host all all 127.0.0.1/32 scram-sha-256
                                    host all all ::1/128 scram-sha-256
                                    """);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- the registry -------------------------------------------------------------------------------------------

    protected static String uniqueTenant() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Announces the test server as a local instance, as the provisioner would. */
    protected static InstanceProvisioned provisioned(InstanceRef instance, Instant occurredAt) {
        return InstanceProvisioned.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(instance.tenant())
                .setInstanceName(instance.name())
                .setOccurredAt(occurredAt)
                .setHostName("localhost")
                .setPort(server.getPort())
                .setAdminUsername(OWNER)
                .setDriver(InstanceDriverKind.LOCAL)
                .setControlPasswordCiphertext(ByteBuffer.wrap(cipher.encrypt(instance, CONTROL_PASSWORD)))
                .build();
    }

    /** Announces the test server as a local instance a restore made from {@code source}, as the provisioner would. */
    protected static InstanceRestored restored(InstanceRef instance, String source, Instant occurredAt) {
        return InstanceRestored.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(instance.tenant())
                .setInstanceName(instance.name())
                .setOccurredAt(occurredAt)
                .setHostName("localhost")
                .setPort(server.getPort())
                .setAdminUsername(OWNER)
                .setDriver(InstanceDriverKind.LOCAL)
                .setControlPasswordCiphertext(ByteBuffer.wrap(cipher.encrypt(instance, CONTROL_PASSWORD)))
                .setSourceInstanceName(source)
                .setRestoredTo(occurredAt.minusSeconds(60))
                .build();
    }

    protected static InstanceLinked linked(InstanceRef instance, Instant occurredAt) {
        return InstanceLinked.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(instance.tenant())
                .setInstanceName(instance.name())
                .setOccurredAt(occurredAt)
                .setHostName("localhost")
                .setPort(server.getPort())
                .setAdminRole(LINKED_ROLE)
                .setControlPasswordCiphertext(ByteBuffer.wrap(cipher.encrypt(instance, LINKED_PASSWORD)))
                .build();
    }

    /** A local instance on the test server that the registry knows. */
    protected InstanceRef knownLocalInstance() {
        InstanceRef instance = new InstanceRef(uniqueTenant(), "orders");
        publish(provisioned(instance, Instant.now()));
        awaitKnown(instance);
        return instance;
    }

    protected void awaitKnown(InstanceRef instance) {
        await().atMost(BOUND).until(() -> knownInstances.live(instance).isPresent());
    }

    // --- commands and outcomes ----------------------------------------------------------------------------------

    protected static void publish(SpecificRecordBase event) {
        send(Topics.INSTANCE_EVENTS, event);
    }

    protected static void send(SpecificRecordBase command) {
        send(Topics.MIGRATION_COMMANDS, command);
    }

    private static void send(String topic, SpecificRecordBase record) {
        producer.send(new ProducerRecord<>(topic, EventMetadata.of(record).instance().key(), codec.encode(record)));
        producer.flush();
    }

    protected static Migration migration(String version, String description, String sql) {
        return new Migration(version, description, sql);
    }

    protected static MigrateRequested migrateCommand(InstanceRef instance, String database, boolean allowBreakingChanges,
            Migration... migrations) {
        return MigrateRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(instance.tenant())
                .setInstanceName(instance.name())
                .setOccurredAt(Instant.now())
                .setApplication(database)
                .setAppDbName(database)
                .setMigrations(List.of(migrations))
                .setAllowBreakingChanges(allowBreakingChanges)
                .build();
    }

    /** Sends a request and answers its outcome: a MigrationSucceeded or a MigrationFailed. */
    protected static <T extends SpecificRecordBase> T migrate(Class<T> outcome, MigrateRequested command) {
        send(command);
        return awaitOutcome(outcome, command.getOperationId());
    }

    protected static <T extends SpecificRecordBase> T awaitOutcome(Class<T> type, String operationId) {
        await().atMost(BOUND).until(() -> events(operationId).stream().anyMatch(MigrationServiceIntegrationTest::isOutcome));
        SpecificRecordBase outcome = events(operationId).stream().filter(MigrationServiceIntegrationTest::isOutcome)
                .findFirst().orElseThrow();
        if (!type.isInstance(outcome)) {
            throw new AssertionError("expected a " + type.getSimpleName() + ", got " + outcome);
        }
        return type.cast(outcome);
    }

    /** Every record emitted under an operation so far, in order. */
    protected static List<SpecificRecordBase> events(String operationId) {
        return recorder.events(Topics.INSTANCE_EVENTS).stream()
                .filter(event -> operationId.equals(event.get("operationId").toString()))
                .toList();
    }

    private static boolean isOutcome(SpecificRecordBase event) {
        String type = event.getSchema().getName();
        return type.equals("MigrationSucceeded") || type.equals("MigrationFailed");
    }

    // --- looking at the server ----------------------------------------------------------------------------------

    /** Runs a query as the server's bootstrap superuser; answers each row's columns as text. */
    protected static List<List<String>> query(String database, String sql) throws SQLException {
        try (Connection connection = server.getDatabase("postgres", database).getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<List<String>> result = new ArrayList<>();
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                List<String> row = new ArrayList<>();
                for (int column = 1; column <= columns; column++) {
                    row.add(rows.getString(column));
                }
                result.add(row);
            }
            return result;
        }
    }

    protected static void execute(String database, String sql) throws SQLException {
        try (Connection connection = server.getDatabase("postgres", database).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    protected static List<String> appliedVersions(String database) throws SQLException {
        return query(database, "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")
                .stream().map(row -> row.get(0)).toList();
    }

    protected static String uniqueDatabase(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }
}
