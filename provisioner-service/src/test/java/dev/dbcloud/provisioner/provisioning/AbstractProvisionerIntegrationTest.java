package dev.dbcloud.provisioner.provisioning;

import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.Topics;
import dev.dbcloud.common.secrets.ControlPasswordCipher;
import dev.dbcloud.common.serde.EventCodec;
import dev.dbcloud.events.DestroyRequested;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.messaging.test.TestInfrastructure;
import dev.dbcloud.messaging.test.TopicRecorder;
import dev.dbcloud.provisioner.ProvisionerApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.postgresql.util.PasswordUtil;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * The provisioner against real servers: the shared KRaft broker and control-plane Postgres, and real PostgreSQL
 * servers for its instances. Every integration test class extends this one, so they all share one Spring
 * context (same configuration, same property source), one producer of commands and one recorder of outcomes.
 */
@SpringBootTest(classes = ProvisionerApplication.class, properties = "spring.config.name=provisioner-service")
@Import(DriverFaults.class)
abstract class AbstractProvisionerIntegrationTest {

    static final Duration BOUND = Duration.ofSeconds(90);
    static final EventCodec codec = new EventCodec();
    static Path root;
    static ControlPasswordCipher cipher;
    private static TopicRecorder recorder;
    private static KafkaProducer<String, byte[]> producer;

    /** The contexts whose instance folder is deleted when the JVM exits (see {@link #deleteTheRootAtExit}). */
    private static final Set<ApplicationContext> rootsDeletedAtExit = ConcurrentHashMap.newKeySet();

    @Autowired JdbcClient jdbc;

    /**
     * The instance folder holds every instance's data and base backups, gigabytes by the end of the suite: deleted
     * when the JVM exits, once the context (shared by the classes, so closed only then) has stopped the servers.
     * Closing it here waits for a close already under way in Spring's own shutdown hook.
     */
    @Autowired
    void deleteTheRootAtExit(ConfigurableApplicationContext context) {
        if (rootsDeletedAtExit.add(context)) {
            Path folder = Path.of(context.getEnvironment().getRequiredProperty("dbcloud.provisioner.local.root"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                context.close();
                try {
                    FileSystemUtils.deleteRecursively(folder);
                } catch (IOException e) {
                    System.err.println("Could not delete " + folder + ": " + e);
                }
            }, "provisioner-test-root-delete"));
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        TestInfrastructure.register(registry, "provisioner");
        root = Files.createTempDirectory("provisioner-test");
        Path keyset = root.resolve("keyset.json");
        String json = ControlPasswordCipher.generateKeyset();
        Files.writeString(keyset, json);
        cipher = ControlPasswordCipher.fromJsonKeyset(json);
        int portMin = ThreadLocalRandom.current().nextInt(20_000, 40_000);
        registry.add("dbcloud.keyset-file", keyset::toString);
        registry.add("dbcloud.provisioner.local.root", root::toString);
        registry.add("dbcloud.provisioner.local.port-min", () -> portMin);
        // The classes share one context, and its instances are not destroyed between them: room for all of them.
        registry.add("dbcloud.provisioner.local.port-max", () -> portMin + 300);
        registry.add("dbcloud.provisioner.local.stop-servers-on-shutdown", () -> true);
        registry.add("dbcloud.provisioner.health-interval", () -> "1s");
    }

    @BeforeAll
    static synchronized void connect() {
        if (producer == null) {
            String bootstrap = TestInfrastructure.kafkaBootstrapServers();
            recorder = new TopicRecorder(bootstrap, Topics.INSTANCE_EVENTS);
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new StringSerializer(), new ByteArraySerializer());
            Runtime.getRuntime().addShutdownHook(new Thread(producer::close, "test-producer-close"));
        }
    }

    static void send(SpecificRecordBase command) {
        producer.send(new ProducerRecord<>(Topics.INSTANCE_COMMANDS, EventMetadata.of(command).instance().key(),
                codec.encode(command)));
    }

    /** Every outcome and fact of an operation seen so far, in order. */
    static List<SpecificRecordBase> events(String operationId) {
        return recorder.events(Topics.INSTANCE_EVENTS).stream()
                .filter(event -> operationId.equals(event.get("operationId").toString()))
                .toList();
    }

    static <T extends SpecificRecordBase> List<T> events(Class<T> type, String operationId) {
        return events(operationId).stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The first outcome of an operation, whatever its type. */
    static SpecificRecordBase awaitOutcome(String operationId) {
        await().atMost(BOUND).until(() -> !events(operationId).isEmpty());
        return events(operationId).get(0);
    }

    static <T extends SpecificRecordBase> T awaitOutcome(Class<T> type, String operationId) {
        await().atMost(BOUND).until(() -> !events(type, operationId).isEmpty());
        return events(type, operationId).get(0);
    }

    static ProvisionRequested provisionCommand(String tenant, String name, String username, String password) {
        return ProvisionRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setInstanceName(name)
                .setOccurredAt(Instant.now())
                .setAdminUsername(username)
                .setPasswordVerifier(verifier(password))
                .build();
    }

    static DestroyRequested destroyCommand(String tenant, String name) {
        return DestroyRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setInstanceName(name)
                .setOccurredAt(Instant.now())
                .build();
    }

    static InstanceProvisioned provision(ProvisionRequested command) {
        send(command);
        return awaitOutcome(InstanceProvisioned.class, command.getOperationId());
    }

    static String verifier(String password) {
        return PasswordUtil.encodeScramSha256(password.toCharArray());
    }

    static String uniqueTenant() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Connection login(int port, String user, String password) throws SQLException {
        return login(port, "postgres", user, password);
    }

    static Connection login(int port, String database, String user, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, user, password);
    }

    /** Where the provisioner put the instance's data: named by the operation, or a server of the warm pool. */
    Path dataDirectory(ProvisionRequested command) {
        return Path.of(jdbc.sql("SELECT data_directory FROM instances WHERE operation_id = ?")
                .param(UUID.fromString(command.getOperationId())).query(String.class).single());
    }

    String status(String instanceOperationId) {
        return jdbc.sql("SELECT status FROM instances WHERE operation_id = ?")
                .param(UUID.fromString(instanceOperationId)).query(String.class).single();
    }
}
