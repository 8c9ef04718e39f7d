package dev.dbcloud.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.cli.DbcloudTest.Run;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * {@code dbcloud db restore} and {@code dbcloud db backups} against a {@link StubControlPlane}: what they send, and
 * what they print for each answer. The stub ends every operation at once, so no test waits.
 */
class RestoreAndBackupsTest {

    private static final String API_KEY = "dbc_test_key_0123456789";
    private static final String OPERATION_ID = "4b0e8d1c-9a7f-4c3e-8d2b-1f6a5e7c9d30";
    private static final String MIGRATION_ID = "0d6f3a2b-7c1e-4e8a-9b5d-2c4f6a8e1b37";
    private static final String URL = "postgresql://alice@localhost:54321/postgres";

    @TempDir
    Path home;

    @AutoClose
    private final StubControlPlane controlPlane = StubControlPlane.start();

    @Nested
    class Restore {

        @BeforeEach
        void acceptRestoresThatSucceed() {
            controlPlane.answer("POST", "/v1/instances/orders/restore", 202, operation("PENDING", null))
                    .answer("GET", "/v1/operations/" + OPERATION_ID, 200, operation("SUCCEEDED", null))
                    .answer("GET", "/v1/instances/copy/url", 200, "{\"url\": \"" + URL + "\"}");
        }

        @Test
        void restoresToATimestampAndPrintsTheNewInstancesUrl() {
            Run run = run("db", "restore", "orders", "-t", "2026-12-04T20:40:46.518Z", "-n", "copy");

            assertThat(run.code()).isEqualTo(ExitCode.OK);
            assertThat(restoreRequest().json()).isEqualTo(json(
                    "{\"targetName\": \"copy\", \"pointInTime\": \"2026-12-04T20:40:46.518Z\"}"));
            assertThat(run.out()).isEqualTo("copy is available, restored from orders as of 2026-12-04T20:40:46.518Z: "
                    + URL + "\n");
            assertThat(run.err()).contains("Restoring orders into copy (operation " + OPERATION_ID + ")...",
                    "Restoring orders into copy: done in ");
        }

        @Test
        void sendsTheRestoreAsAMutationWithAFreshIdempotencyKey() {
            run("db", "restore", "orders", "--timestamp", "2026-12-04T20:40:46.518Z", "--new-name", "copy");
            run("db", "restore", "orders", "--timestamp", "2026-12-04T20:40:46.518Z", "--new-name", "copy");

            List<StubControlPlane.Request> restores = controlPlane.requests("POST", "/v1/instances/orders/restore");
            assertThat(restores).hasSize(2).allSatisfy(request -> {
                assertThat(UUID.fromString(request.header("Idempotency-Key"))).isNotNull();
                assertThat(request.header("Content-Type")).isEqualTo("application/json");
                assertThat(request.header("Authorization")).isEqualTo("Bearer " + API_KEY);
            });
            assertThat(restores.get(0).header("Idempotency-Key")).isNotEqualTo(restores.get(1).header("Idempotency-Key"));
        }

        @Test
        void keepsTheOffsetOfATimestampAndAddsTheSecondsItLeftOut() {
            run("db", "restore", "orders", "-t", "2026-12-04T21:40:46+01:00", "-n", "copy");
            run("db", "restore", "orders", "-t", "2026-12-04T21:40-05:30", "-n", "copy");

            assertThat(controlPlane.requests("POST", "/v1/instances/orders/restore"))
                    .extracting(request -> request.json().path("pointInTime").asString())
                    .containsExactly("2026-12-04T21:40:46+01:00", "2026-12-04T21:40:00-05:30");
        }

        @Test
        void restoresToJustBeforeAMigration() {
            Run run = run("db", "restore", "orders", "--before-migration", MIGRATION_ID, "-n", "copy");

            assertThat(run.code()).isEqualTo(ExitCode.OK);
            assertThat(restoreRequest().json()).isEqualTo(json(
                    "{\"targetName\": \"copy\", \"beforeMigration\": \"" + MIGRATION_ID + "\"}"));
            assertThat(run.out()).isEqualTo("copy is available, restored from orders as it was just before migration "
                    + MIGRATION_ID + ": " + URL + "\n");
        }

        @Test
        void restoresTheLatestStateWithNeitherATimestampNorAMigration() {
            Run run = run("db", "restore", "orders", "-n", "copy");

            assertThat(run.code()).isEqualTo(ExitCode.OK);
            assertThat(restoreRequest().json()).isEqualTo(json("{\"targetName\": \"copy\"}"));
            assertThat(run.out()).isEqualTo("copy is available, restored from orders at its latest state: " + URL
                    + "\n");
        }

        @Test
        void printsOnlyTheOperationIdWithNoWait() {
            Run run = run("db", "restore", "orders", "-n", "copy", "--no-wait");

            assertThat(run.code()).isEqualTo(ExitCode.OK);
            assertThat(run.out()).isEqualTo(OPERATION_ID + "\n");
            assertThat(controlPlane.requests()).singleElement()
                    .satisfies(request -> assertThat(request.path()).isEqualTo("/v1/instances/orders/restore"));
        }

        @Test
        void pointsAtTheBackupsWhenTheRestoreFailsOutsideTheWindow() {
            controlPlane.answer("GET", "/v1/operations/" + OPERATION_ID, 200, operation("FAILED",
                    "{\"code\": \"OUTSIDE_WINDOW\", \"message\": \"orders can be restored from 2026-12-01T00:00:00Z"
                            + " on\"}"));

            Run run = run("db", "restore", "orders", "-t", "2020-01-01T00:00:00Z", "-n", "copy");

            assertThat(run.code()).isEqualTo(ExitCode.FAILED);
            assertThat(run.out()).isEmpty();
            assertThat(run.lastErrLine()).startsWith("error: Restoring orders into copy failed after ")
                    .contains("OUTSIDE_WINDOW: orders can be restored from 2026-12-01T00:00:00Z on.")
                    .endsWith("'dbcloud db backups orders' shows how far back a restore can reach.");
        }

        @Test
        void reportsAnyOtherFailureWithItsReasonAlone() {
            controlPlane.answer("GET", "/v1/operations/" + OPERATION_ID, 200, operation("FAILED",
                    "{\"code\": \"DRIVER_ERROR\", \"message\": \"the archive cannot be read\"}"));

            Run run = run("db", "restore", "orders", "-n", "copy");

            assertThat(run.code()).isEqualTo(ExitCode.FAILED);
            assertThat(run.lastErrLine()).contains("DRIVER_ERROR: the archive cannot be read")
                    .doesNotContain("dbcloud db backups");
        }

        @ParameterizedTest(name = "{0} {1}")
        @CsvSource(delimiter = '|', value = {
            "400|OUTSIDE_WINDOW|orders can be restored from 2026-12-01T00:00:00Z to 2026-12-04T20:40:46Z.|2",
            "404|INSTANCE_NOT_FOUND|No instance orders.|4",
            "409|INSTANCE_NAME_TAKEN|An instance named copy exists.|1",
            "409|NO_BACKUPS|orders has no backup yet.|1",
            "409|INSTANCE_IS_LINKED|orders is linked: dbcloud keeps no backups of it.|1"})
        void printsTheDetailOfARefusalInOneLine(int status, String code, String detail, int exitCode) {
            controlPlane.answer("POST", "/v1/instances/orders/restore", status,
                    "{\"status\": " + status + ", \"code\": \"" + code + "\", \"detail\": \"" + detail + "\"}");

            Run run = run("db", "restore", "orders", "-n", "copy");

            assertThat(run.code()).isEqualTo(exitCode);
            assertThat(run.errLines()).singleElement().isEqualTo("error: " + detail);
            assertThat(run.out()).isEmpty();
        }

        private StubControlPlane.Request restoreRequest() {
            return controlPlane.requests("POST", "/v1/instances/orders/restore").get(0);
        }
    }

    @Nested
    class Backups {

        private static final String BACKUPS = """
                {"instanceName": "orders", "earliestRestorableTime": "2026-12-01T02:00:41.200Z",
                 "latestRestorableTime": "2026-12-04T20:40:46.518Z",
                 "backups": [
                   {"startedAt": "2026-12-01T02:00:00Z", "finishedAt": "2026-12-01T02:00:41.200Z", "sizeBytes": 41234567},
                   {"startedAt": "2026-12-02T02:00:00Z", "finishedAt": "2026-12-02T02:01:03Z", "sizeBytes": 1288490189},
                   {"startedAt": "2026-12-03T02:00:00Z", "finishedAt": "2026-12-03T02:00:02Z", "sizeBytes": 512}]}
                """;

        @Test
        void printsTheRestorableWindowAndATableOfBackups() {
            controlPlane.answer("GET", "/v1/instances/orders/backups", 200, BACKUPS);

            Run run = run("db", "backups", "orders");

            assertThat(run.code()).isEqualTo(ExitCode.OK);
            assertThat(run.out().lines()).containsExactly(
                    "Restorable from 2026-12-01T02:00:41.200Z to 2026-12-04T20:40:46.518Z.",
                    "STARTED               FINISHED                  SIZE",
                    "2026-12-01T02:00:00Z  2026-12-01T02:00:41.200Z  41.2 MB",
                    "2026-12-02T02:00:00Z  2026-12-02T02:01:03Z      1.3 GB",
                    "2026-12-03T02:00:00Z  2026-12-03T02:00:02Z      512 B");
            assertThat(controlPlane.requests()).singleElement().satisfies(request -> {
                assertThat(request.method()).isEqualTo("GET");
                assertThat(request.path()).isEqualTo("/v1/instances/orders/backups");
                assertThat(request.header("Idempotency-Key")).isNull();
            });
        }

        @Test
        void saysThereAreNoBackupsYetWithoutATable() {
            controlPlane.answer("GET", "/v1/instances/orders/backups", 200, """
                    {"instanceName": "orders", "earliestRestorableTime": null, "latestRestorableTime": null,
                     "backups": []}
                    """);

            Run run = run("db", "backups", "orders");

            assertThat(run.code()).isEqualTo(ExitCode.OK);
            assertThat(run.out().lines()).singleElement().asString().startsWith("No backups yet");
        }

        @Test
        void printsTheAnswerAsItIsWithJson() {
            controlPlane.answer("GET", "/v1/instances/orders/backups", 200, BACKUPS);

            Run run = run("db", "backups", "orders", "--json");

            assertThat(run.code()).isEqualTo(ExitCode.OK);
            assertThat(json(run.out())).isEqualTo(json(BACKUPS));
        }

        @Test
        void reportsAnUnknownInstance() {
            controlPlane.answer("GET", "/v1/instances/orders/backups", 404,
                    "{\"status\": 404, \"code\": \"INSTANCE_NOT_FOUND\", \"detail\": \"No instance orders.\"}");

            Run run = run("db", "backups", "orders");

            assertThat(run.code()).isEqualTo(ExitCode.NOT_FOUND);
            assertThat(run.errLines()).containsExactly("error: No instance orders.");
        }
    }

    @Nested
    class RestoreOperation {

        @Test
        void showsARestoreOperationLikeAnyOther() {
            controlPlane.answer("GET", "/v1/operations/" + OPERATION_ID, 200, operation("SUCCEEDED", null));

            Run run = run("operation", OPERATION_ID, "--wait");

            assertThat(run.code()).isEqualTo(ExitCode.OK);
            assertThat(json(run.out()).path("type").asString()).isEqualTo("RESTORE");
            assertThat(run.err()).contains("Waiting for RESTORE of copy: done in ");
        }
    }

    /** The restore's operation, as the control plane shows it; {@code error} is JSON or null. */
    private static String operation(String status, String error) {
        return "{\"id\": \"" + OPERATION_ID + "\", \"type\": \"RESTORE\", \"instanceName\": \"copy\", \"status\": \""
                + status + "\", \"error\": " + error + ", \"createdAt\": \"2026-12-04T20:41:00Z\","
                + " \"updatedAt\": \"2026-12-04T20:41:02Z\"}";
    }

    private static JsonNode json(String text) {
        return Json.mapper().readTree(text);
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
        Run run = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        assertThat(run.err()).as("stderr").doesNotContain("\tat ").doesNotContain("Exception");
        return run;
    }

}
