package dev.dbcloud.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.cli.DbcloudTest.Run;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control plane answers lists a page at a time; the CLI reads every page, following {@code next}. */
class ListPagesTest {

    private static final String API_KEY = "dbc_test_key_0123456789";

    @TempDir
    Path home;

    @AutoClose
    private final StubControlPlane controlPlane = StubControlPlane.start();

    @Test
    void dbListShowsTheInstancesOfEveryPage() {
        controlPlane.answer("GET", "/v1/instances", 200, """
                        {"items": [{"name": "accounts", "status": "AVAILABLE"}], "next": "YWNjb3VudHM"}""")
                .answer("GET", "/v1/instances?cursor=YWNjb3VudHM", 200, """
                        {"items": [{"name": "orders", "status": "STOPPED"}], "next": null}""");

        Run run = run("db", "list");

        assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("accounts", "orders");
        assertThat(controlPlane.requests("GET", "/v1/instances")).hasSize(2);
    }

    @Test
    void keysListAsJsonPrintsOneArrayOfEveryPagesItems() {
        controlPlane.answer("GET", "/v1/keys", 200, """
                        {"items": [{"id": "k2", "prefix": "dbc_bbbbbbbb"}], "next": "azI"}""")
                .answer("GET", "/v1/keys?cursor=azI", 200, """
                        {"items": [{"id": "k1", "prefix": "dbc_aaaaaaaa"}]}""");

        Run run = run("keys", "list", "--json");

        assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(Json.mapper().readTree(run.out()).valueStream().map(key -> key.path("id").asString()))
                .containsExactly("k2", "k1");
    }

    @Test
    void dbDatabasesReadsOnePageWhenThereIsNoNext() {
        controlPlane.answer("GET", "/v1/instances/orders/databases", 200, """
                {"items": [{"name": "shop", "owner": "alice", "createdAt": "2026-12-04T20:41:00Z"}], "next": null}""");

        Run run = run("db", "databases", "orders");

        assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("shop", "alice");
        assertThat(controlPlane.requests("GET", "/v1/instances/orders/databases")).hasSize(1);
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> environment = Map.of("DBCLOUD_HOME", home.toString(), "DBCLOUD_URL", controlPlane.url(),
                "DBCLOUD_API_KEY", API_KEY);
        int code;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Dbcloud.run(new ByteArrayInputStream(new byte[0]), outStream, errStream, environment, home, args);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
