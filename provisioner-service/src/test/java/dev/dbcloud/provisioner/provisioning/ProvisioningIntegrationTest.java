package dev.dbcloud.provisioner.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.Topics;
import dev.dbcloud.common.secrets.ControlPasswordCipher;
import dev.dbcloud.common.serde.EventCodec;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.ProvisionFailed;
import dev.dbcloud.events.ProvisionFailureReason;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.messaging.test.TestInfrastructure;
import dev.dbcloud.messaging.test.TopicRecorder;
import dev.dbcloud.provisioner.ProvisionerApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PasswordUtil;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(classes = ProvisionerApplication.class, properties = "spring.config.name=provisioner-service")
class ProvisioningIntegrationTest {

    private static final Duration BOUND = Duration.ofSeconds(90);
    private static final EventCodec codec = new EventCodec();
    private static Path root;
    private static TopicRecorder recorder;
    private static KafkaProducer<String, byte[]> producer;

    @Autowired JdbcClient jdbc;
    @Autowired InstanceSupervisor supervisor;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        TestInfrastructure.register(registry, "provisioner");
        root = Files.createTempDirectory("provisioner-test");
        Path keyset = root.resolve("keyset.json");
        Files.writeString(keyset, ControlPasswordCipher.generateKeyset());
        int portMin = ThreadLocalRandom.current().nextInt(20_000, 40_000);
        registry.add("dbcloud.keyset-file", keyset::toString);
        registry.add("dbcloud.provisioner.local.root", root::toString);
        registry.add("dbcloud.provisioner.local.port-min", () -> portMin);
        registry.add("dbcloud.provisioner.local.port-max", () -> portMin + 50);
        registry.add("dbcloud.provisioner.local.stop-servers-on-shutdown", () -> true);
    }

    @BeforeAll
    static void connect() {
        String bootstrap = TestInfrastructure.kafkaBootstrapServers();
        recorder = new TopicRecorder(bootstrap, Topics.INSTANCE_EVENTS);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        producer.close();
        recorder.close();
    }

    @Test
    void provisionsAServerThatTheAdminUserLogsInToWithTheChosenPassword() throws SQLException {
        ProvisionRequested command = command(uniqueTenant(), "orders", "alice", "correct-horse-battery");
        send(command);

        InstanceProvisioned provisioned = awaitProvisioned(command);
        assertThat(provisioned.getHostName()).isEqualTo("localhost");
        assertThat(provisioned.getAdminUsername()).isEqualTo("alice");

        try (Connection connection = login(provisioned.getPort(), "alice", "correct-horse-battery");
                ResultSet role = connection.createStatement().executeQuery(
                        "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user")) {
            assertThat(role.next()).isTrue();
            assertThat(role.getBoolean("rolsuper")).isFalse();
            assertThat(role.getBoolean("rolcreatedb")).isTrue();
            assertThat(role.getBoolean("rolcreaterole")).isTrue();
        }
        assertThatThrownBy(() -> login(provisioned.getPort(), "alice", "wrong-password-here"))
                .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01");
        assertThat(provisioned.getControlPasswordCiphertext().remaining()).isPositive();
    }

    @Test
    void provisioningTheSameOperationTwiceCreatesOneServer() {
        ProvisionRequested command = command(uniqueTenant(), "twice", "bob", "another-good-secret");
        send(command);
        InstanceProvisioned first = awaitProvisioned(command);

        send(command);
        await().atMost(BOUND).until(() -> provisionedEvents(command).size() == 2);

        assertThat(provisionedEvents(command)).extracting(InstanceProvisioned::getPort).containsOnly(first.getPort());
        assertThat(jdbc.sql("SELECT count(*) FROM instances WHERE tenant = ? AND name = 'twice'")
                .param(command.getTenant()).query(Long.class).single()).isEqualTo(1);
        assertThat(root.resolve("instances").toFile().list()).filteredOn(name -> name.equals(command.getOperationId()))
                .hasSize(1);
    }

    @Test
    void aSecondLiveInstanceWithTheSameNameFailsWithAReason() {
        String tenant = uniqueTenant();
        ProvisionRequested original = command(tenant, "dup", "carol", "a-fine-password");
        send(original);
        awaitProvisioned(original);

        ProvisionRequested duplicate = command(tenant, "dup", "carol", "a-fine-password");
        send(duplicate);

        await().atMost(BOUND).until(() -> !failures(duplicate).isEmpty());
        assertThat(failures(duplicate).get(0).getReason()).isEqualTo(ProvisionFailureReason.NAME_IN_USE);
    }

    @Test
    void restartsServersThatShouldRun() throws SQLException {
        ProvisionRequested command = command(uniqueTenant(), "restart", "dave", "persistent-pass");
        send(command);
        InstanceProvisioned provisioned = awaitProvisioned(command);

        supervisor.stop();
        assertThatThrownBy(() -> login(provisioned.getPort(), "dave", "persistent-pass")).isInstanceOf(SQLException.class);
        supervisor.start();

        try (Connection connection = login(provisioned.getPort(), "dave", "persistent-pass")) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    private static ProvisionRequested command(String tenant, String name, String username, String password) {
        return ProvisionRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setInstanceName(name)
                .setOccurredAt(Instant.now())
                .setAdminUsername(username)
                .setPasswordVerifier(PasswordUtil.encodeScramSha256(password.toCharArray()))
                .build();
    }

    private static String uniqueTenant() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void send(ProvisionRequested command) {
        producer.send(new ProducerRecord<>(Topics.INSTANCE_COMMANDS,
                command.getTenant() + "/" + command.getInstanceName(), codec.encode(command)));
    }

    private static InstanceProvisioned awaitProvisioned(ProvisionRequested command) {
        await().atMost(BOUND).until(() -> !provisionedEvents(command).isEmpty());
        return provisionedEvents(command).get(0);
    }

    private static List<InstanceProvisioned> provisionedEvents(ProvisionRequested command) {
        return recorder.events(Topics.INSTANCE_EVENTS, InstanceProvisioned.class,
                e -> e.getOperationId().equals(command.getOperationId()));
    }

    private static List<ProvisionFailed> failures(ProvisionRequested command) {
        return recorder.events(Topics.INSTANCE_EVENTS, ProvisionFailed.class,
                e -> e.getOperationId().equals(command.getOperationId()));
    }

    private static Connection login(int port, String user, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", user, password);
    }
}
