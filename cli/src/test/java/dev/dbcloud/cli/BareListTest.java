package dev.dbcloud.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.cli.DbcloudTest.Run;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code db list} and {@code db list --json} run without picocli's model ({@link Dbcloud#list}): each case here runs
 * the command line that way and through picocli ({@link Dbcloud#parseAndRun}), and both print the same bytes on stdout
 * and stderr and exit with the same code.
 */
class BareListTest {

    private static final String API_KEY = "dbc_test_key_0123456789";
    private static final String TWO_PAGES_FIRST = """
            {"items": [{"name": "accounts", "status": "AVAILABLE", "hostName": "localhost", "port": 15432,
              "adminUsername": "app", "driver": "LOCAL", "createdAt": "2026-12-05T08:50:01.123456Z",
              "updatedAt": "2026-12-05T08:50:02Z"}], "next": "YWNjb3VudHM"}""";
    private static final String TWO_PAGES_SECOND = """
            {"items": [{"name": "orders-with-a-long-name", "status": "PROVISIONING", "hostName": null, "port": null,
              "adminUsername": "o", "driver": "LOCAL"}, {"name": "ext", "status": "AVAILABLE",
              "hostName": "db.example.com", "port": 5432, "adminUsername": "owner", "driver": "LINKED",
              "statusReason": "", "sizeBytes": 41200000000, "ratio": 1.5}], "next": null}""";

    @TempDir
    Path home;

    @AutoClose
    private final StubControlPlane controlPlane = StubControlPlane.start();

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void printsEveryPageAsPicocliRunsIt(boolean json) {
        controlPlane.answer("GET", "/v1/instances", 200, TWO_PAGES_FIRST)
                .answer("GET", "/v1/instances?cursor=YWNjb3VudHM", 200, TWO_PAGES_SECOND);

        Run run = assertSameBothWays(environment(), json);

        assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("accounts", "orders-with-a-long-name", "ext");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void printsNoInstancesAsPicocliRunsIt(boolean json) {
        controlPlane.answer("GET", "/v1/instances", 200, "{\"items\": [], \"next\": null}");

        assertThat(assertSameBothWays(environment(), json).code()).isEqualTo(ExitCode.OK);
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404, 429, 500, 503})
    void failsWithTheRefusalAsPicocliRunsIt(int status) {
        controlPlane.answer("GET", "/v1/instances", status, "{\"type\": \"about:blank\", \"title\": \"Refused\","
                + " \"status\": " + status + ", \"detail\": \"no, because of reasons\"}");

        Run run = assertSameBothWays(environment(), false);

        assertThat(run.code()).isNotZero();
        assertThat(run.err()).startsWith("error: ");
        assertSameBothWays(environment(), true);
    }

    @Test
    void failsOnAnAnswerThatIsNoJsonAsPicocliRunsIt() {
        controlPlane.answer("GET", "/v1/instances", 502, "<html>Bad Gateway</html>");

        assertThat(assertSameBothWays(environment(), false).code()).isEqualTo(ExitCode.UNREACHABLE);
        controlPlane.answer("GET", "/v1/instances", 200, "{\"items\": [{\"name\": {\"not\": \"text\"}}]}");
        assertThat(assertSameBothWays(environment(), false).code()).isEqualTo(ExitCode.FAILED);
        controlPlane.answer("GET", "/v1/instances", 200, "{\"items\": [{\"name\": \"a\"}] trailing");
        assertSameBothWays(environment(), false);
    }

    @Test
    void failsWithoutAKeyOrAControlPlaneAsPicocliRunsIt() {
        Map<String, String> noKey = environment();
        noKey.remove("DBCLOUD_API_KEY");
        assertThat(assertSameBothWays(noKey, false).code()).isEqualTo(ExitCode.AUTHENTICATION);

        Map<String, String> unreachable = environment();
        unreachable.put("DBCLOUD_URL", "http://127.0.0.1:1");
        assertThat(assertSameBothWays(unreachable, true).code()).isEqualTo(ExitCode.UNREACHABLE);

        Map<String, String> notHttp = environment();
        notHttp.put("DBCLOUD_URL", "ftp://example.com");
        assertThat(assertSameBothWays(notHttp, false).code()).isEqualTo(ExitCode.USAGE);

        Map<String, String> debug = environment();
        debug.put("DBCLOUD_DEBUG", "1");
        controlPlane.answer("GET", "/v1/instances", 200, "{\"items\": [{\"name\": {\"not\": \"text\"}}]}");
        Run direct = run(debug, terminal -> Dbcloud.execute(terminal, "db", "list"));
        Run picocli = run(debug, terminal -> Dbcloud.parseAndRun(terminal, "db", "list"));
        assertThat(direct.code()).isEqualTo(picocli.code()).isEqualTo(ExitCode.FAILED);
        assertThat(direct.err().lines().findFirst()).isEqualTo(picocli.err().lines().findFirst());
        assertThat(direct.err().lines().reduce((first, last) -> last))
                .isEqualTo(picocli.err().lines().reduce((first, last) -> last));
    }

    /** Runs {@code db list} ({@code --json}) both ways; answers the run once both printed the same. */
    private Run assertSameBothWays(Map<String, String> environment, boolean json) {
        String[] args = json ? new String[] {"db", "list", "--json"} : new String[] {"db", "list"};
        Run direct = run(environment, terminal -> Dbcloud.execute(terminal, args));
        Run picocli = run(environment, terminal -> Dbcloud.parseAndRun(terminal, args));
        assertThat(direct).isEqualTo(picocli);
        return direct;
    }

    private Map<String, String> environment() {
        return new HashMap<>(Map.of("DBCLOUD_HOME", home.toString(), "DBCLOUD_URL", controlPlane.url(),
                "DBCLOUD_API_KEY", API_KEY));
    }

    private Run run(Map<String, String> environment, Function<Terminal, Integer> command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = command.apply(Terminal.of(new ByteArrayInputStream(new byte[0]), outStream, errStream,
                    environment, home));
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
