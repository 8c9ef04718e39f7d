package dev.dbcloud.gateway;

import dev.dbcloud.common.Topics;
import dev.dbcloud.common.secrets.ControlPasswordCipher;
import dev.dbcloud.gateway.access.ApiKeys;
import dev.dbcloud.gateway.access.HandlerCalls;
import dev.dbcloud.messaging.test.TestInfrastructure;
import dev.dbcloud.messaging.test.TopicRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway on a real broker and a real Postgres, with tenant {@code acme}; status-service is a {@link StatusStub}
 * that knows only what a test tells it ({@link #STATUS}), so what the gateway decides by itself is observed here. Every
 * test class shares this one context.
 */
@SpringBootTest(classes = {GatewayApplication.class, HandlerCalls.class}, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=api-gateway", "dbcloud.gateway.bootstrap-tenant=acme"})
public abstract class GatewayIntegrationTest {

    protected static final String KEY = ApiKeys.newKey();
    protected static final String ADMIN_KEY = ApiKeys.newKey();
    protected static final StatusStub STATUS = StatusStub.start();
    protected static TopicRecorder recorder;
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort protected int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "gateway");
        registry.add("dbcloud.gateway.bootstrap-api-key", () -> KEY);
        registry.add("dbcloud.gateway.admin-key", () -> ADMIN_KEY);
        registry.add("dbcloud.keyset-file", GatewayIntegrationTest::keysetFile);
        registry.add("dbcloud.gateway.status-url", () -> STATUS.url().toString());
    }

    @BeforeAll
    static void record() {
        recorder = new TopicRecorder(TestInfrastructure.kafkaBootstrapServers(), Topics.INSTANCE_COMMANDS,
                Topics.MIGRATION_COMMANDS);
    }

    @AfterAll
    static void stopRecording() throws InterruptedException {
        recorder.close();
    }

    /** A name no other test uses: instance names are unique per tenant. */
    protected static String uniqueName() {
        return "i" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    protected HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        return sendWith(KEY, method, path, body, headers);
    }

    /** Sends a request with the given API key; none when it is null. */
    protected HttpResponse<String> sendWith(String key, String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json");
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The operation id of an accepted command, from its Location header. */
    protected static String operationId(HttpResponse<String> accepted) {
        return accepted.headers().firstValue("Location").orElseThrow().substring("/v1/operations/".length());
    }

    private static String keysetFile() {
        try {
            Path file = Files.createTempFile("gateway-keyset", ".json");
            file.toFile().deleteOnExit();
            Files.writeString(file, ControlPasswordCipher.generateKeyset());
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
