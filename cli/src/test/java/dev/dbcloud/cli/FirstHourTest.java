package dev.dbcloud.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.cli.DbcloudTest.Run;
import dev.dbcloud.common.Credentials;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * What a newcomer meets in a first hour with {@code dbcloud}, against a {@link StubControlPlane} that answers as the
 * gateway does: refusals worded as commands to run, usage for a bare command, a bad password refused before it is
 * typed twice, prompts that cannot be answered naming {@code -W}, the instance taken from {@code dbos-config.yaml},
 * and {@code --json} everywhere.
 */
class FirstHourTest {

    private static final String API_KEY = "dbc_test_key_0123456789";
    private static final String ADMIN_KEY = "dbc_admin_key_0123456789";
    private static final String OPERATION_ID = "4b0e8d1c-9a7f-4c3e-8d2b-1f6a5e7c9d30";
    private static final String KEY_ID = "7f3c2a1b-5d4e-4f6a-8b9c-0d1e2f3a4b5c";
    private static final String URL = "postgresql://alice@localhost:54321/postgres";

    @TempDir
    Path home;

    @TempDir
    Path workingDirectory;

    @AutoClose
    private final StubControlPlane controlPlane = StubControlPlane.start();

    /** The gateway's problem details that name an HTTP call or header come out as the CLI's own commands. */
    @Nested
    class Refusals {

        @Test
        void destroyingALinkedInstanceNamesTheUnlinkCommandInsteadOfAnHttpCall() {
            refuse("DELETE", "/v1/instances/legacy", 409, "INSTANCE_IS_LINKED",
                    "Instance legacy is linked; unlink it with DELETE /v1/linked-instances/legacy, which leaves its"
                            + " server alone.");

            Run run = run("", "db", "destroy", "legacy", "--yes");

            assertThat(run.code()).isEqualTo(ExitCode.FAILED);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ")
                    .contains("legacy is linked", "'dbcloud db unlink legacy'", "leaves its server alone")
                    .doesNotContain("/v1/", "DELETE");
        }

        @Test
        void refusesToDestroyALinkedInstanceBeforeAskingToTypeItsName() {
            controlPlane.answer("GET", "/v1/instances/legacy", 200,
                    "{\"name\": \"legacy\", \"status\": \"AVAILABLE\", \"driver\": \"LINKED\"}");

            Run run = run("legacy\n", "db", "destroy", "legacy");

            assertThat(run.code()).isEqualTo(ExitCode.FAILED);
            assertThat(run.err()).doesNotContain("Type its name");
            assertThat(run.lastErrLine()).contains("'dbcloud db unlink legacy'");
            assertThat(controlPlane.requests("DELETE", "/v1/instances/legacy")).isEmpty();
        }

        @Test
        void unlinkingAProvisionedInstanceNamesTheDestroyCommandInsteadOfAnHttpCall() {
            refuse("DELETE", "/v1/linked-instances/orders", 409, "INSTANCE_NOT_LINKED",
                    "Instance orders is not linked; destroy it with DELETE /v1/instances/orders.");

            Run run = run("", "db", "unlink", "orders");

            assertThat(run.code()).isEqualTo(ExitCode.FAILED);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ")
                    .contains("orders is not linked", "'dbcloud db destroy orders'").doesNotContain("/v1/", "DELETE");
        }

        @Test
        void keepsADetailThatNamesNoHttpCall() {
            refuse("POST", "/v1/instances/legacy/stop", 409, "INSTANCE_IS_LINKED",
                    "Instance legacy is linked: its server is yours to start and stop where it runs.");

            Run run = run("", "db", "stop", "legacy");

            assertThat(run.errLines()).containsExactly(
                    "error: Instance legacy is linked: its server is yours to start and stop where it runs.");
        }

        @Test
        void aRefusedKeyNamesLoginInsteadOfTheAuthorizationHeader() {
            refuse("GET", "/v1/instances/orders", 401, "UNAUTHENTICATED",
                    "Send a valid API key as 'Authorization: Bearer <key>'.");

            Run run = run("", "db", "status", "orders");

            assertThat(run.code()).isEqualTo(ExitCode.AUTHENTICATION);
            assertThat(run.errLines()).singleElement().asString().contains("'dbcloud login'")
                    .doesNotContain("Authorization", "Bearer");
        }

        @Test
        void aRefusedAdminKeyNamesWhereTheAdminKeyComesFrom() {
            refuse("GET", "/v1/admin/tenants", 401, "UNAUTHENTICATED",
                    "Send a valid API key as 'Authorization: Bearer <key>'.");

            Run run = run("", "admin", "tenants");

            assertThat(run.code()).isEqualTo(ExitCode.AUTHENTICATION);
            assertThat(run.errLines()).singleElement().asString().contains("DBCLOUD_ADMIN_KEY", "admin_key")
                    .doesNotContain("Authorization");
        }

        @Test
        void theAdminKeyUsedForInstancesIsToldToLogInWithATenantsKey() {
            refuse("GET", "/v1/instances/orders", 403, "FORBIDDEN",
                    "The admin key manages tenants only; use one of a tenant's keys.");

            Run run = run("", "db", "status", "orders");

            assertThat(run.errLines()).singleElement().asString().contains("'dbcloud login'",
                    "'dbcloud admin issue-key <tenant>'");
        }

        @Test
        void aTenantKeyUsedForTenantsIsToldWhereTheAdminKeyGoes() {
            refuse("GET", "/v1/admin/tenants", 403, "FORBIDDEN", "Only the admin key may manage tenants.");

            Run run = run("", "admin", "tenants");

            assertThat(run.errLines()).singleElement().asString().contains("DBCLOUD_ADMIN_KEY");
        }

        @Test
        void aReusedIdempotencyKeyIsNotTheUsersToFix() {
            refuse("POST", "/v1/instances/orders/stop", 422, "IDEMPOTENCY_KEY_REUSED",
                    "This Idempotency-Key was used for a different request; use a new key for a new request.");

            Run run = run("", "db", "stop", "orders");

            assertThat(run.errLines()).singleElement().asString().contains("Run it again")
                    .doesNotContain("Idempotency-Key");
        }

        @Test
        void tooManyWaitsSuggestsNoWaitInsteadOfLongPolls() {
            controlPlane.answer("GET", "/v1/instances/orders", 429, "{\"status\": 429, \"code\": \"TOO_MANY_WAITS\","
                    + " \"detail\": \"This tenant already has as many operations long-polled at once as it may; ask"
                    + " again shortly.\"}");

            Run run = run("", "db", "status", "orders");

            assertThat(run.errLines()).singleElement().asString().contains("--no-wait").doesNotContain("long-polled");
        }

        @Test
        void migrationsTooLargeForOneRequestAreToldToGoInBatches() throws IOException {
            Path migrations = Files.createDirectory(workingDirectory.resolve("migrations"));
            Files.writeString(migrations.resolve("V1__create_orders.sql"), "CREATE TABLE orders (id int);");
            refuse("POST", "/v1/instances/orders/migrations", 413, "REQUEST_TOO_LARGE",
                    "A request body may hold at most 1048576 bytes.");

            Run run = run("", "migrate", "orders", "--app", "shop");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().contains("--dir").doesNotContain("request body");
        }

        @Test
        void namesTheOptionsOfTheRulesARefusedInputBreaks() {
            controlPlane.answer("POST", "/v1/instances/orders/restore", 400, "{\"status\": 400, \"code\":"
                    + " \"VALIDATION_FAILED\", \"detail\": \"The request breaks input rules.\","
                    + " \"errors\": [{\"field\":"
                    + " \"pointInTime\", \"rule\": \"RANGE\", \"message\": \"pointInTime must lie in the restorable"
                    + " window of instance orders\"}, {\"field\": \"targetName\", \"rule\": \"LENGTH\", \"message\":"
                    + " \"targetName is taken\"}]}");

            Run run = run("", "db", "restore", "orders", "-t", "2026-12-04T20:40:46.518Z", "-n", "copy");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString()
                    .contains("-t/--timestamp must lie in the restorable window of instance orders",
                            "-n/--new-name is taken")
                    .doesNotContain("pointInTime", "targetName", "request");
        }

        @Test
        void aRequestTheControlPlaneCannotReadPointsAtTheVersions() {
            refuse("POST", "/v1/instances/orders/stop", 400, "MALFORMED_REQUEST",
                    "The request body is not the JSON this endpoint takes.");

            Run run = run("", "db", "stop", "orders");

            assertThat(run.errLines()).singleElement().asString().contains("'dbcloud --version'")
                    .doesNotContain("endpoint");
        }
    }

    /** A command of commands run alone shows its usage, as a usage error: nothing was done. */
    @Nested
    class BareCommands {

        @Test
        void aBareDbcloudPrintsItsUsageOnStderrAndExitsWithTheUsageCode() {
            Run run = run("");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).startsWith("Usage: dbcloud").contains("Commands:", "login", "db", "migrate",
                    "Exit codes:");
            assertThat(controlPlane.requests()).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"db", "keys", "admin"})
        void aBareGroupPrintsItsUsageOnStderr(String group) {
            Run run = run("", group);

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).startsWith("Usage: dbcloud " + group).contains("Commands:");
        }

        @Test
        void helpStillPrintsTheUsageOnStdoutWithSuccess() {
            Run run = run("", "db", "--help");

            assertThat(run.code()).isZero();
            assertThat(run.out()).startsWith("Usage: dbcloud db");
        }
    }

    @Nested
    class Passwords {

        @Test
        void refusesAProvisionPasswordThatBreaksTheRulesBeforeAskingForItAgain() {
            Run run = run("short\nshort\n", "db", "provision", "orders", "-U", "alice");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).contains("Password for alice: ").doesNotContain("Again, to confirm");
            assertThat(run.lastErrLine()).isEqualTo("error: password must be 8 to 128 characters long.");
            assertThat(controlPlane.requests()).isEmpty();
        }

        @Test
        void refusesANewPasswordWithAForbiddenCharacterBeforeAskingForItAgain() {
            Run run = run("pass@word1\npass@word1\n", "db", "reset-password", "orders");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).contains("New password: ").doesNotContain("Again, to confirm");
            assertThat(run.lastErrLine()).startsWith("error: password must not contain");
            assertThat(controlPlane.requests()).isEmpty();
        }

        @Test
        void stillAsksForAGoodPasswordTwice() {
            Run run = run("password1\npassword2\n", "db", "provision", "orders", "-U", "alice");

            assertThat(run.err()).contains("Password for alice: ", "Again, to confirm: ");
            assertThat(run.lastErrLine()).contains("do not match");
        }

        @ParameterizedTest
        @ValueSource(strings = {"provision orders -U alice", "reset-password orders", "url orders -S",
            "link legacy -H db.example.com -U dbosadmin"})
        void withoutATerminalOrAnyInputTheErrorNamesMinusW(String command) {
            controlPlane.answer("GET", "/v1/instances/orders/url", 200, "{\"url\": \"" + URL + "\"}");
            List<String> args = new ArrayList<>(List.of("db"));
            args.addAll(List.of(command.split(" ")));

            Run run = run("", args.toArray(String[]::new));

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.lastErrLine()).startsWith("error: ").contains("input ended", "no terminal",
                    "-W <password>");
        }

        @Test
        void loginWithoutATerminalOrAnyInputNamesToken() {
            Run run = run("", "login", "--url", controlPlane.url());

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.lastErrLine()).contains("--token <api key>");
        }
    }

    /** {@code db url} and {@code db reset-password} take the instance from ./dbos-config.yaml when not given one. */
    @Nested
    class InstanceFromDbosConfig {

        @Test
        void printsTheUrlOfTheInstanceDbosConfigNamesAndSaysWhichItTook() throws IOException {
            Path config = Files.writeString(workingDirectory.resolve(DbosConfig.FILE_NAME),
                    "name: shop\ndatabase_instance_name: orders\n");
            controlPlane.answer("GET", "/v1/instances/orders/url", 200, "{\"url\": \"" + URL + "\"}");

            Run run = run("", "db", "url");

            assertThat(run.code()).isEqualTo(ExitCode.OK);
            assertThat(run.out()).isEqualTo(URL + "\n");
            assertThat(run.errLines())
                    .containsExactly("Instance orders, from database_instance_name in " + config + ".");
        }

        @Test
        void readsTheInstanceUnderDatabaseToo() throws IOException {
            Files.writeString(workingDirectory.resolve(DbosConfig.FILE_NAME),
                    "name: shop\ndatabase:\n  database_instance_name: orders\n  app_db_name: shop\n");
            controlPlane.answer("GET", "/v1/instances/orders/url", 200, "{\"url\": \"" + URL + "\"}");

            Run run = run("", "db", "url");

            assertThat(run.out()).isEqualTo(URL + "\n");
        }

        @Test
        void resetsThePasswordOfTheInstanceDbosConfigNames() throws IOException {
            Files.writeString(workingDirectory.resolve(DbosConfig.FILE_NAME), "database_instance_name: orders\n");
            controlPlane.answer("POST", "/v1/instances/orders/password", 202,
                            operation("PASSWORD_RESET", "orders", "PENDING"))
                    .answer("GET", "/v1/operations/" + OPERATION_ID, 200,
                            operation("PASSWORD_RESET", "orders", "SUCCEEDED"));

            Run run = run("password1\npassword1\n", "db", "reset-password");

            assertThat(run.code()).isEqualTo(ExitCode.OK);
            assertThat(controlPlane.requests("POST", "/v1/instances/orders/password")).hasSize(1);
            assertThat(run.err()).contains("Instance orders, from database_instance_name in ");
            assertThat(run.out()).contains("The password of orders is reset");
        }

        @Test
        void aNameOnTheCommandLineWinsOverDbosConfig() throws IOException {
            Files.writeString(workingDirectory.resolve(DbosConfig.FILE_NAME), "database_instance_name: other\n");
            controlPlane.answer("GET", "/v1/instances/orders/url", 200, "{\"url\": \"" + URL + "\"}");

            Run run = run("", "db", "url", "orders");

            assertThat(run.out()).isEqualTo(URL + "\n");
            assertThat(run.err()).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"url", "reset-password"})
        void withoutANameOrDbosConfigSaysHowToNameTheInstance(String command) {
            Run run = run("password1\npassword1\n", "db", command);

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: which instance?")
                    .contains("'dbcloud db " + command + " <name>'", "dbos-config.yaml", "database_instance_name");
            assertThat(controlPlane.requests()).isEmpty();
        }

        @Test
        void aDbosConfigWithoutTheInstanceSaysWhatItLacks() throws IOException {
            Files.writeString(workingDirectory.resolve(DbosConfig.FILE_NAME), "name: shop\n");

            Run run = run("", "db", "url");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().contains("has no database_instance_name");
        }

        @Test
        void checksTheNameDbosConfigGivesAgainstTheRules() throws IOException {
            Files.writeString(workingDirectory.resolve(DbosConfig.FILE_NAME), "database_instance_name: Bad-Name\n");

            Run run = run("", "db", "url");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.lastErrLine()).contains("instance name may contain only lowercase letters");
            assertThat(controlPlane.requests()).isEmpty();
        }
    }

    @Nested
    class JsonOutput {

        @Test
        void everyCommandTakesJson() {
            List<String> without = new ArrayList<>();
            collectWithoutJson(Dbcloud.commandLine(null), without);

            assertThat(without).isEmpty();
        }

        @Test
        void printsTheUrlAsAnObject() {
            controlPlane.answer("GET", "/v1/instances/orders/url", 200, "{\"url\": \"" + URL + "\"}");

            Run run = run("", "db", "url", "orders", "--json");

            assertThat(json(run.out())).isEqualTo(json("{\"url\": \"" + URL + "\"}"));
        }

        @Test
        void printsAProvisionedInstanceWithItsOperationAndUrl() {
            controlPlane.answer("POST", "/v1/instances", 202, operation("PROVISION", "orders", "PENDING"))
                    .answer("GET", "/v1/operations/" + OPERATION_ID, 200, operation("PROVISION", "orders", "SUCCEEDED"))
                    .answer("GET", "/v1/instances/orders/url", 200, "{\"url\": \"" + URL + "\"}");

            Run run = run("", "db", "provision", "orders", "-U", "alice", "-W", "password1", "--json");

            assertThat(run.code()).isEqualTo(ExitCode.OK);
            assertThat(json(run.out())).isEqualTo(json("{\"operationId\": \"" + OPERATION_ID + "\", \"type\":"
                    + " \"PROVISION\", \"status\": \"SUCCEEDED\", \"instance\": \"orders\","
                    + " \"url\": \"" + URL + "\"}"));
            assertThat(run.out()).doesNotContain("password1");
        }

        @Test
        void printsTheAcceptedOperationWithNoWait() {
            controlPlane.answer("POST", "/v1/instances/orders/stop", 202, operation("STOP", "orders", "PENDING"));

            Run run = run("", "db", "stop", "orders", "--no-wait", "--json");

            assertThat(json(run.out())).isEqualTo(json("{\"operationId\": \"" + OPERATION_ID + "\", \"type\":"
                    + " \"STOP\", \"status\": \"PENDING\", \"instance\": \"orders\"}"));
        }

        @Test
        void printsAStartedInstancesAddress() {
            controlPlane.answer("GET", "/v1/instances/orders", 200,
                    "{\"name\": \"orders\", \"hostName\": \"localhost\", \"port\": 54321}")
                    .answer("POST", "/v1/instances/orders/start", 202, operation("START", "orders", "PENDING"))
                    .answer("GET", "/v1/operations/" + OPERATION_ID, 200, operation("START", "orders", "SUCCEEDED"));

            Run run = run("", "db", "start", "orders", "--json");

            JsonNode printed = json(run.out());
            assertThat(printed.path("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(printed.path("hostName").asString()).isEqualTo("localhost");
            assertThat(printed.path("port").asInt()).isEqualTo(54321);
            assertThat(printed.path("previousPort").asInt()).isEqualTo(54321);
        }

        @Test
        void printsAMigrationsVersions() throws IOException {
            Path migrations = Files.createDirectory(workingDirectory.resolve("migrations"));
            Files.writeString(migrations.resolve("V1__create_orders.sql"), "CREATE TABLE orders (id int);");
            controlPlane.answer("GET", "/v1/instances/orders/databases/shop/migrations", 200,
                    "{\"applied\": [{\"version\": \"1\"}], \"currentVersion\": \"1\"}")
                    .answer("POST", "/v1/instances/orders/migrations", 202, operation("MIGRATE", "orders", "PENDING"))
                    .answer("GET", "/v1/operations/" + OPERATION_ID, 200, operation("MIGRATE", "orders", "SUCCEEDED"));

            Run run = run("", "migrate", "orders", "--app", "shop", "--json");

            assertThat(json(run.out())).isEqualTo(json("{\"operationId\": \"" + OPERATION_ID + "\", \"type\":"
                    + " \"MIGRATE\", \"status\": \"SUCCEEDED\", \"instance\": \"orders\", \"database\": \"shop\","
                    + " \"applied\": [], \"currentVersion\": \"1\", \"undo\": null}"));
        }

        @Test
        void printsWhereLoginSavedTheKey() {
            controlPlane.answer("GET", "/v1/instances", 200, "[]");

            Run run = run("", "login", "--url", controlPlane.url(), "--token", API_KEY, "--json");

            assertThat(run.code()).isEqualTo(ExitCode.OK);
            assertThat(json(run.out())).isEqualTo(json("{\"url\": \"" + controlPlane.url() + "\","
                    + " \"credentialsFile\": \""
                    + home.resolve(Credentials.FILE_NAME) + "\"}"));
        }

        @Test
        void printsACreatedKeyWithItsIdAndARevokedOne() {
            controlPlane.answer("POST", "/v1/keys", 201, "{\"id\": \"" + KEY_ID + "\", \"prefix\": \"dbc_abcd\","
                    + " \"name\": \"ci\", \"key\": \"dbc_abcd_secret\", \"createdAt\": \"2026-12-04T20:41:00Z\"}")
                    .answer("DELETE", "/v1/keys/" + KEY_ID, 204, "");

            assertThat(json(run("", "keys", "create", "--name", "ci", "--json").out())).isEqualTo(json("{\"id\": \""
                    + KEY_ID + "\", \"prefix\": \"dbc_abcd\", \"name\": \"ci\", \"key\": \"dbc_abcd_secret\"}"));
            assertThat(json(run("", "keys", "revoke", KEY_ID, "--json").out()))
                    .isEqualTo(json("{\"id\": \"" + KEY_ID + "\", \"revoked\": true}"));
        }

        @Test
        void printsATenantsFirstKey() {
            controlPlane.answer("POST", "/v1/admin/tenants", 201, "{\"name\": \"acme\", \"apiKey\": {\"id\": \""
                    + KEY_ID + "\", \"prefix\": \"dbc_abcd\", \"name\": null, \"key\": \"dbc_abcd_secret\"}}");

            Run run = run("", "admin", "create-tenant", "acme", "--json");

            assertThat(json(run.out())).isEqualTo(json("{\"tenant\": \"acme\", \"id\": \"" + KEY_ID + "\", \"prefix\":"
                    + " \"dbc_abcd\", \"name\": null, \"key\": \"dbc_abcd_secret\"}"));
        }

        @Test
        void printsNoJsonWhenTheCommandFails() {
            refuse("POST", "/v1/instances/orders/stop", 409, "INSTANCE_DESTROYING",
                    "Instance orders is being destroyed.");

            Run run = run("", "db", "stop", "orders", "--json");

            assertThat(run.code()).isEqualTo(ExitCode.FAILED);
            assertThat(run.out()).isEmpty();
            assertThat(run.errLines()).containsExactly("error: Instance orders is being destroyed.");
        }

        /** The leaf commands, but picocli's own help, that have no --json. */
        private static void collectWithoutJson(CommandLine command, List<String> without) {
            if (command.getSubcommands().isEmpty()) {
                if (!"help".equals(command.getCommandName()) && command.getCommandSpec().findOption("--json") == null) {
                    without.add(command.getCommandSpec().qualifiedName());
                }
                return;
            }
            command.getSubcommands().values().forEach(sub -> collectWithoutJson(sub, without));
        }
    }

    private void refuse(String method, String path, int status, String code, String detail) {
        controlPlane.answer(method, path, status, "{\"status\": " + status + ", \"code\": \"" + code + "\","
                + " \"detail\": "
                + Json.mapper().writeValueAsString(detail) + "}");
    }

    /** An operation as the control plane shows it. */
    private static String operation(String type, String instance, String status) {
        return "{\"id\": \"" + OPERATION_ID + "\", \"type\": \"" + type + "\", \"instanceName\": \"" + instance
                + "\", \"status\": \"" + status + "\", \"error\": null, \"createdAt\": \"2026-12-04T20:41:00Z\","
                + " \"updatedAt\": \"2026-12-04T20:41:02Z\"}";
    }

    private static JsonNode json(String text) {
        return Json.mapper().readTree(text);
    }

    /** Runs one command line against the stub, with a tenant key and an admin key; checks no stack trace leaks. */
    private Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> environment = new HashMap<>(Map.of("DBCLOUD_HOME", home.toString(), "DBCLOUD_URL",
                controlPlane.url(), "DBCLOUD_API_KEY", API_KEY, "DBCLOUD_ADMIN_KEY", ADMIN_KEY));
        int code;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Dbcloud.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), outStream, errStream,
                    environment, workingDirectory, args);
        }
        Run run = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        assertThat(run.err()).as("stderr").doesNotContain("\tat ").doesNotContain("Exception");
        return run;
    }
}
