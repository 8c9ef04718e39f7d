package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The local stack as an attacker on the network, or another user of the machine, meets it: nothing but loopback
 * listens, the control plane's Postgres wants its password, the status query API wants the service token, and the
 * requests that once got around the gateway's key check are refused.
 */
@ExtendWith(SharedLocalStack.class)
class LocalStackSecurityEndToEndTest {

    private static LocalStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start(LocalStack shared) {
        stack = shared;
    }

    @Test
    void everyListenerOfTheStackIsOnLoopback() throws Exception {
        List<Listener> listeners = Listener.all();
        Set<Long> ours = Listener.socketsOfThisProcess();
        Set<Integer> ports = new HashSet<>(stack.servicePorts().values());
        stack.actuatorUrls().values().forEach(url -> ports.add(URI.create(url).getPort()));
        ports.add(Integer.parseInt(stack.kafkaBootstrapServers().substring(stack.kafkaBootstrapServers().lastIndexOf(':') + 1)));
        ports.add(URI.create(stack.controlPlaneJdbcUrls().get(0).substring("jdbc:".length())).getPort());

        List<Listener> stackListeners = listeners.stream()
                .filter(listener -> ports.contains(listener.port()) || ours.contains(listener.inode()))
                .toList();
        assertThat(stackListeners.stream().map(Listener::port).toList()).as("the stack's listeners")
                .containsAll(ports);
        assertThat(stackListeners).allSatisfy(listener ->
                assertThat(listener.address().isLoopbackAddress()).as("%s", listener).isTrue());
    }

    @Test
    void kafkaServesNobodyWithoutTheHomesPassword() throws Exception {
        Map<String, Object> anonymous = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8000);
        try (Admin admin = Admin.create(anonymous)) {
            assertThatThrownBy(() -> admin.listTopics().names().get()).as("without SASL").isNotNull();
        }
        Map<String, Object> wrong = new HashMap<>(stack.kafkaClientProperties());
        wrong.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"dbcloud\" password=\"guess\";");
        wrong.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        wrong.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8000);
        try (Admin admin = Admin.create(wrong)) {
            assertThatThrownBy(() -> admin.listTopics().names().get()).as("a wrong password")
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
        }
        try (Admin admin = Admin.create(new HashMap<>(stack.kafkaClientProperties()))) {
            assertThat(admin.listTopics().names().get()).contains("dbcloud.instance-commands");
        }
        Path clientFile = stack.home().resolve("kafka-client.properties");
        assertThat(Files.readString(clientFile)).contains("security.protocol=SASL_PLAINTEXT");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(clientFile))).isEqualTo("rw-------");
    }

    @Test
    void theControlPlaneTakesItsPasswordAndNothingElse() throws Exception {
        String url = stack.controlPlaneJdbcUrls().get(0);
        Path passwordFile = stack.controlPlanePasswordFile();
        String password = Files.readString(passwordFile).strip();

        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "")).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", password + "x"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
        try (Connection connection = DriverManager.getConnection(url, "postgres", password)) {
            assertThat(connection.isValid(5)).isTrue();
        }
        Path hba = stack.home().resolve("control-plane").resolve("pg_hba.conf");
        assertThat(Files.readAllLines(hba)).filteredOn(line -> !line.startsWith("#") && !line.isBlank())
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).endsWith("scram-sha-256"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stack.home()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stack.home().resolve("kafka"))))
                .isEqualTo("rwx------");
    }

    @Test
    void statusServiceAnswersNoQueryWithoutTheServiceToken() throws Exception {
        int status = stack.servicePorts().get("status-service");
        for (String authorization : new String[] {null, "Bearer " + stack.credentials().apiKey(),
                "Bearer " + stack.credentials().adminKey()}) {
            HttpResponse<String> response = get("http://127.0.0.1:" + status + "/internal/tenants/default/instances",
                    authorization);
            assertThat(response.statusCode()).as("%s", authorization).isEqualTo(401);
        }
    }

    @Test
    void theRequestsThatOnceGotAroundTheKeyCheckAreRefused() throws Exception {
        String gateway = stack.gatewayUrl();
        for (String[] request : new String[][] {{"POST", "/%76%31/admin/tenants"},
                {"POST", "/%76%31/admin/tenants/default/keys"}, {"POST", "/v1;x=1/admin/tenants"},
                {"GET", "/%76%31/instances"}, {"POST", "/v1/admin/tenants/"}, {"POST", "//v1/admin/tenants"}}) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway + request[1]))
                    .header("Content-Type", "application/json")
                    .method(request[0], HttpRequest.BodyPublishers.ofString("{\"name\":\"evil\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("%s %s", request[0], request[1]).isBetween(400, 499);
            assertThat(response.body()).doesNotContain("apiKey");
        }
        HttpResponse<String> tenants = get(gateway + "/v1/admin/tenants", "Bearer " + stack.credentials().adminKey());
        assertThat(tenants.body()).doesNotContain("\"evil\"");
    }

    private HttpResponse<String> get(String url, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A listening TCP socket as Linux lists it in /proc/net/tcp and tcp6. */
    private record Listener(InetAddress address, int port, long inode) {

        private static final String LISTEN = "0A";

        static List<Listener> all() throws IOException {
            List<Listener> listeners = new ArrayList<>();
            for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(1, lines.size())) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields[3].equals(LISTEN)) {
                        String[] local = fields[1].split(":");
                        listeners.add(new Listener(address(local[0]), Integer.parseInt(local[1], 16),
                                Long.parseLong(fields[9])));
                    }
                }
            }
            return listeners;
        }

        /** The inodes of the sockets this JVM holds: the stack's services and Kafka run in it. */
        static Set<Long> socketsOfThisProcess() throws IOException {
            Set<Long> inodes = new HashSet<>();
            try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
                for (Path descriptor : descriptors.toList()) {
                    try {
                        String target = Files.readSymbolicLink(descriptor).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                        }
                    } catch (IOException closedMeanwhile) {
                        // a descriptor closed while we listed them
                    }
                }
            }
            return inodes;
        }

        /** The kernel writes each 32-bit word of the address in host (little-endian) order. */
        private static InetAddress address(String hex) throws IOException {
            byte[] bytes = HexFormat.of().parseHex(hex);
            for (int word = 0; word < bytes.length; word += 4) {
                for (int i = 0; i < 2; i++) {
                    byte swap = bytes[word + i];
                    bytes[word + i] = bytes[word + 3 - i];
                    bytes[word + 3 - i] = swap;
                }
            }
            return InetAddress.getByAddress(bytes);
        }
    }
}
