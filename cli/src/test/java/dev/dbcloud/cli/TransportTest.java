package dev.dbcloud.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.dbcloud.cli.DbcloudTest.Run;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * How the CLI talks HTTP ({@link Gateway}, on {@code HttpURLConnection}) and builds its command model
 * ({@link Dbcloud#commandLine}): what a lighter start must not have given up.
 */
class TransportTest {

    private static final String API_KEY = "dbc_test_key_0123456789";
    private static final char[] STORE_PASSWORD = "changeit".toCharArray();

    @TempDir
    Path home;

    @AutoClose
    private final StubControlPlane controlPlane = StubControlPlane.start();

    @Test
    void anHttpsControlPlaneWhoseCertificateIsNotTrustedIsNeverSentTheKey() throws Exception {
        // A certificate of its own, for localhost, that no trust store the JDK has knows.
        Path keyStore = home.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass",
                new String(STORE_PASSWORD), "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost", "-ext",
                "san=dns:localhost,ip:127.0.0.1", "-validity", "2").redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        AtomicInteger requests = new AtomicInteger();
        HttpsServer server = https(keyStore, requests);
        try {
            Run run = run(Map.of("DBCLOUD_URL", "https://localhost:" + server.getAddress().getPort()), "db", "list");

            assertThat(run.code()).isEqualTo(ExitCode.UNREACHABLE);
            assertThat(run.err()).startsWith("error: cannot reach dbcloud at https://localhost:")
                    .contains("certification path").doesNotContain(API_KEY);
            assertThat(requests).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aRedirectIsARefusalNotFollowed() {
        controlPlane.answer("GET", "/v1/instances", 302, "");

        Run run = run(Map.of(), "db", "list");

        assertThat(run.code()).isEqualTo(ExitCode.FAILED);
        assertThat(controlPlane.requests()).hasSize(1);
    }

    @Test
    void aCommandLineBuildsOnlyTheCommandsItNames() {
        CommandLine named = Dbcloud.commandLine(null, "db", "list", "--json");

        assertThat(named.getSubcommands()).containsOnlyKeys("db");
        assertThat(named.getSubcommands().get("db").getSubcommands()).containsOnlyKeys("list");
    }

    @Test
    void aCommandLineThatNamesNoCommandHasThemAll() {
        for (String[] args : new String[][] {{}, {"--help"}, {"help", "db"}, {"dbb"}}) {
            CommandLine all = Dbcloud.commandLine(null, args);

            assertThat(all.getSubcommands()).as(String.join(" ", args))
                    .containsKeys("login", "db", "migrate", "operation", "keys", "admin", "help");
            assertThat(all.getSubcommands().get("db").getSubcommands()).containsKeys("list", "provision", "status");
        }
        assertThat(Dbcloud.commandLine(null, "db", "lisst").getSubcommands().get("db").getSubcommands())
                .containsKeys("list", "provision", "status");
    }

    private static HttpsServer https(Path keyStore, AtomicInteger requests) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, STORE_PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, STORE_PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private Run run(Map<String, String> overrides, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> environment = new HashMap<>(Map.of("DBCLOUD_HOME", home.toString(),
                "DBCLOUD_URL", controlPlane.url(), "DBCLOUD_API_KEY", API_KEY));
        environment.putAll(overrides);
        int code;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Dbcloud.run(new ByteArrayInputStream(new byte[0]), outStream, errStream, environment, home, args);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
