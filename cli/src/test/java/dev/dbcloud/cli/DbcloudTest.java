package dev.dbcloud.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.common.Credentials;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CLI run in process, with nothing listening where it would send requests: every exit code here comes from the
 * CLI itself, and an exit code of 5 would mean it tried to reach the control plane.
 */
class DbcloudTest {

    /** A port nothing listens on: a request there fails at once with "connection refused". */
    private static final String UNREACHABLE_URL = "http://127.0.0.1:1";
    private static final String API_KEY = "dbc_test_key_0123456789";

    @TempDir
    Path home;

    @TempDir
    Path workingDirectory;

    @Nested
    class Help {

        @Test
        void listsEveryExitCodeInTheTopLevelHelp() {
            Run run = run(noKey(), "", "--help");

            assertThat(run.code()).isZero();
            assertThat(run.err()).isEmpty();
            assertThat(run.out()).contains("Exit codes:");
            for (String code : List.of("0", "1", "2", "3", "4", "5")) {
                assertThat(run.out()).containsPattern("(?m)^\\s*" + code + "\\s+\\S");
            }
            assertThat(run.out()).contains("Success.", "Usage or validation error", "Authentication failed",
                    "Not found", "cannot be reached");
        }

        @Test
        void listsTheSubcommandsInTheTopLevelHelp() {
            Run run = run(noKey(), "", "--help");

            assertThat(run.out()).contains("login", "db", "migrate", "operation", "DBCLOUD_HOME");
        }

        @Test
        void listsEveryDbSubcommand() {
            Run run = run(noKey(), "", "db", "--help");

            assertThat(run.code()).isZero();
            for (String subcommand : List.of("provision", "list", "status", "url", "reset-password", "stop", "start",
                    "destroy", "link", "unlink", "databases", "create-database", "backups", "restore")) {
                assertThat(run.out()).containsPattern("(?m)^\\s+" + subcommand + "\\s");
            }
        }

        @Test
        void showsTheHelpOfMigrate() {
            Run run = run(noKey(), "", "migrate", "--help");

            assertThat(run.code()).isZero();
            assertThat(run.out()).contains("--app", "--app-db-name", "--dir", "--allow-breaking-changes",
                    DbosConfig.FILE_NAME);
        }

        @Test
        void showsTheHelpOfProvisionWithItsOwnOptions() {
            Run run = run(noKey(), "", "db", "provision", "--help");

            assertThat(run.code()).isZero();
            assertThat(run.err()).isEmpty();
            assertThat(run.out()).contains("Usage: dbcloud db provision", "Provision a new instance", "--username",
                    "--password", "--no-wait");
        }

        /** Every usage error ends with "See 'dbcloud db <subcommand> --help'", so that must work. */
        @ParameterizedTest
        @ValueSource(strings = {"provision", "list", "status", "url", "reset-password", "stop", "start", "destroy",
            "link", "unlink", "databases", "create-database", "backups", "restore"})
        void showsTheHelpOfEveryDbSubcommandWithoutItsRequiredArguments(String subcommand) {
            Run run = run(noKey(), "", "db", subcommand, "--help");

            assertThat(run.code()).isZero();
            assertThat(run.err()).isEmpty();
            assertThat(run.out()).startsWith("Usage: dbcloud db " + subcommand)
                    .doesNotContain("Provision, inspect, connect to, stop, start, restore, link and destroy instances.");
        }

        @Test
        void showsTheHelpOfRestoreWithItsOptionsAndTheFormOfATimestamp() {
            Run run = run(noKey(), "", "db", "restore", "--help");

            assertThat(run.code()).isZero();
            assertThat(run.err()).isEmpty();
            assertThat(run.out()).contains("Usage: dbcloud db restore", "-n, --new-name=<new-name>",
                    "-t, --timestamp=<timestamp>", "--before-migration=<operation-id>", "--no-wait", "RFC 3339",
                    "2026-12-04T20:40:46.518Z", "latest state", "dbcloud db backups");
        }

        @ParameterizedTest
        @ValueSource(strings = {"login", "migrate", "operation"})
        void showsTheHelpOfEveryOtherCommand(String command) {
            Run run = run(noKey(), "", command, "--help");

            assertThat(run.code()).isZero();
            assertThat(run.out()).startsWith("Usage: dbcloud " + command);
        }

        @Test
        void printsTheVersion() {
            Run run = run(noKey(), "", "--version");

            assertThat(run.code()).isZero();
            assertThat(run.out()).startsWith("dbcloud ");
        }
    }

    @Nested
    class Validation {

        @Test
        void refusesInvalidInputBeforeSendingAnyRequest() {
            Run run = run(unreachable(), "", "db", "provision", "No", "-U", "postgres", "-W", "short");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ")
                    .contains("instance name must be 3 to 16 characters long")
                    .contains("instance name may contain only lowercase letters")
                    .contains("username is reserved")
                    .contains("password must be 8 to 128 characters long");
            assertThat(run.out()).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"stop", "start"})
        void refusesAnInvalidInstanceNameToStopOrStartBeforeSendingAnyRequest(String command) {
            Run run = run(unreachable(), "", "db", command, "Bad/Name");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ")
                    .contains("instance name may contain only lowercase letters");
        }

        @Test
        void reportsEveryBrokenRuleOfAResetAtOnce() {
            Run run = run(unreachable(), "", "db", "reset-password", "x", "-W", "short");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ")
                    .contains("instance name must be 3 to 16 characters long")
                    .contains("password must be 8 to 128 characters long");
        }

        @Test
        void refusesAPasswordWithForbiddenCharactersBeforeSendingAnyRequest() {
            Run run = run(unreachable(), "", "db", "provision", "okname", "-U", "alice", "-W", "pass word@1");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ")
                    .contains("password must not contain");
        }

        @Test
        void refusesAnInstanceNameTooShortForStatus() {
            Run run = run(unreachable(), "", "db", "status", "x");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ").contains("instance name");
        }

        @Test
        void refusesADatabaseNameThatIsNotAnIdentifier() {
            Run run = run(unreachable(), "", "db", "url", "ok_name", "--database", "bad name");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ").contains("database");
        }

        @Test
        void refusesAReservedApplicationDatabase() {
            Run run = run(unreachable(), "", "db", "create-database", "okname", "template1");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ").contains("reserved");
        }

        @Test
        void refusesABadLinkBeforeSendingAnyRequest() {
            Run run = run(unreachable(), "", "db", "link", "okname", "-H", "bad..host", "-p", "70000", "-U",
                    "Control", "-W", "secret-of-link");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ")
                    .contains("hostname", "port", "username");
        }

        @ParameterizedTest
        @ValueSource(strings = {"2026-12-04T20:40:46", "2026-12-04", "yesterday", "2026-12-04T20:40:46.518+25:00",
            "2026-13-04T20:40:46Z"})
        void refusesARestoreTimestampThatIsNotRfc3339WithAnOffsetBeforeSendingAnyRequest(String timestamp) {
            Run run = run(unreachable(), "", "db", "restore", "orders", "-t", timestamp, "-n", "copy");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ")
                    .contains("timestamp must be an RFC 3339 time with an offset, such as 2026-12-04T20:40:46.518Z");
        }

        @Test
        void refusesARestoreToATimestampAndBeforeAMigrationAtOnce() {
            Run run = run(unreachable(), "", "db", "restore", "orders", "-t", "2026-12-04T20:40:46.518Z",
                    "--before-migration", "0d6f3a2b-7c1e-4e8a-9b5d-2c4f6a8e1b37", "-n", "copy");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString()
                    .isEqualTo("error: give -t or --before-migration, not both: a restore reaches one moment.");
        }

        @Test
        void reportsEveryBrokenRuleOfARestoreAtOnce() {
            Run run = run(unreachable(), "", "db", "restore", "x", "--before-migration", "not-a-uuid", "-n",
                    "Bad/Name");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ")
                    .contains("instance name must be 3 to 16 characters long")
                    .contains("new name may contain only lowercase letters")
                    .contains("migration operation id must be a UUID");
        }

        @Test
        void refusesARestoreWithoutANewName() {
            Run run = run(unreachable(), "", "db", "restore", "orders", "-t", "2026-12-04T20:40:46.518Z");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error:").contains("--new-name")
                    .contains("dbcloud db restore --help");
        }

        @Test
        void sendsARestoreToATimestampWithAnOffsetToTheControlPlane() {
            Run run = run(unreachable(), "", "db", "restore", "orders", "-t", "2026-12-04T21:40:46.518+01:00", "-n",
                    "copy");

            assertThat(run.code()).isEqualTo(ExitCode.UNREACHABLE);
        }

        @Test
        void refusesAnInvalidInstanceNameForBackupsBeforeSendingAnyRequest() {
            Run run = run(unreachable(), "", "db", "backups", "Bad/Name");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ")
                    .contains("instance name may contain only lowercase letters");
        }

        @Test
        void refusesAnUnknownOptionInOneLine() {
            Run run = run(unreachable(), "", "db", "list", "--bogus");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error:").contains("--bogus")
                    .contains("dbcloud db list --help");
        }

        @Test
        void refusesAMissingRequiredOptionInOneLine() {
            Run run = run(unreachable(), "", "db", "provision", "okname", "-W", "password1");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error:").contains("--username");
        }

        @Test
        void refusesAnUnknownSubcommandInOneLine() {
            Run run = run(unreachable(), "", "db", "explode");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error:");
        }

        @Test
        void refusesAnOperationIdThatIsNotAUuidBeforeAnyRequest() {
            Run run = run(unreachable(), "", "operation", "not-a-uuid");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error:")
                    .contains("operation id must be a UUID");
        }

        @Test
        void refusesAKeyIdThatIsNotAUuidAndATenantNameBreakingTheRulesBeforeAnyRequest() {
            assertThat(run(unreachable(), "", "keys", "revoke", "not-a-uuid").code()).isEqualTo(ExitCode.USAGE);
            Map<String, String> admin = unreachable();
            admin.put("DBCLOUD_ADMIN_KEY", API_KEY);
            Run run = run(admin, "", "admin", "create-tenant", "Bad_Tenant");
            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().contains("tenant may contain only");
        }

        @Test
        void needsTheAdminKeyForAdminCommands() {
            Run run = run(unreachable(), "", "admin", "tenants");
            assertThat(run.code()).isEqualTo(ExitCode.AUTHENTICATION);
            assertThat(run.errLines()).singleElement().asString().contains("DBCLOUD_ADMIN_KEY");
        }

        @Test
        void refusesAControlPlaneUrlThatIsNotHttp() {
            Map<String, String> environment = unreachable();
            environment.put("DBCLOUD_URL", "ftp://127.0.0.1:1");

            Run run = run(environment, "", "db", "list");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ").contains("ftp://127.0.0.1:1")
                    .contains("http://");
        }
    }

    @Nested
    class Connection {

        @Test
        void reportsAnUnreachableControlPlaneInOneLineNamingItsUrl() {
            Run run = run(unreachable(), "", "db", "list");

            assertThat(run.code()).isEqualTo(ExitCode.UNREACHABLE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ").contains(UNREACHABLE_URL);
            assertThat(run.out()).isEmpty();
        }

        @Test
        void sendsValidInputToTheControlPlane() {
            Run run = run(unreachable(), "", "db", "provision", "okname", "-U", "alice", "-W", "correct-horse-1");

            assertThat(run.code()).isEqualTo(ExitCode.UNREACHABLE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ").contains(UNREACHABLE_URL);
        }

        @Test
        void asksForAnApiKeyWhenThereIsNone() {
            Run run = run(noKey(), "", "db", "list");

            assertThat(run.code()).isEqualTo(ExitCode.AUTHENTICATION);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ").contains("dbcloud login");
        }

        @Test
        void ignoresABlankApiKeyInTheEnvironment() {
            Map<String, String> environment = noKey();
            environment.put("DBCLOUD_URL", UNREACHABLE_URL);
            environment.put("DBCLOUD_API_KEY", "   ");

            Run run = run(environment, "", "db", "list");

            assertThat(run.code()).isEqualTo(ExitCode.AUTHENTICATION);
        }

        @Test
        void usesTheApiKeyOfTheCredentialsFile() {
            new Credentials(null, API_KEY, null).write(home.resolve(Credentials.FILE_NAME));
            Map<String, String> environment = noKey();
            environment.put("DBCLOUD_URL", UNREACHABLE_URL);

            Run run = run(environment, "", "db", "list");

            assertThat(run.code()).isEqualTo(ExitCode.UNREACHABLE);
            assertThat(run.errLines()).singleElement().asString().contains(UNREACHABLE_URL);
        }

        @Test
        void usesTheUrlOfTheCredentialsFileWhenTheEnvironmentNamesNone() {
            new Credentials("http://127.0.0.1:1/", API_KEY, null).write(home.resolve(Credentials.FILE_NAME));

            Run run = run(noKey(), "", "db", "list");

            assertThat(run.code()).isEqualTo(ExitCode.UNREACHABLE);
            assertThat(run.errLines()).singleElement().asString().contains(UNREACHABLE_URL);
        }

        @Test
        void prefersTheEnvironmentUrlOverTheCredentialsFile() {
            new Credentials("ftp://not-used", API_KEY, null).write(home.resolve(Credentials.FILE_NAME));
            Map<String, String> environment = noKey();
            environment.put("DBCLOUD_URL", UNREACHABLE_URL);

            Run run = run(environment, "", "db", "list");

            assertThat(run.code()).isEqualTo(ExitCode.UNREACHABLE);
        }

        @Test
        void refusesToDestroyWithoutAnApiKeyBeforeAskingForConfirmation() {
            Run run = run(noKey(), "okname\n", "db", "destroy", "okname");

            assertThat(run.code()).isEqualTo(ExitCode.AUTHENTICATION);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ").contains("dbcloud login");
        }

        @Test
        void looksTheInstanceUpBeforeAskingToConfirmADestroy() {
            Run run = run(unreachable(), "okname\n", "db", "destroy", "okname");

            assertThat(run.code()).isEqualTo(ExitCode.UNREACHABLE);
            assertThat(run.err()).doesNotContain("Type its name");
        }
    }

    @Nested
    class Prompts {

        @Test
        void refusesTwoPasswordsThatDoNotMatch() {
            Run run = run(unreachable(), "password1\npassword2\n", "db", "provision", "okname", "-U", "alice");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).contains("Password for alice: ", "Again, to confirm: ");
            assertThat(run.lastErrLine()).startsWith("error: ").contains("do not match");
        }

        @Test
        void refusesAPromptWhoseInputEnded() {
            Run run = run(unreachable(), "", "db", "provision", "okname", "-U", "alice");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.lastErrLine()).startsWith("error: ").contains("input ended");
        }

        @Test
        void refusesAPromptWhoseInputEndedBeforeTheConfirmation() {
            Run run = run(unreachable(), "password1\n", "db", "provision", "okname", "-U", "alice");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.lastErrLine()).startsWith("error: ").contains("input ended");
        }

        @Test
        void checksAPasswordTypedAtThePromptAgainstTheRules() {
            Run run = run(unreachable(), "short\nshort\n", "db", "provision", "okname", "-U", "alice");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.lastErrLine()).startsWith("error: ").contains("password must be 8 to 128 characters long");
        }

        @Test
        void asksForThePasswordWhenMinusWHasNoValue() {
            Run run = run(unreachable(), "short\nshort\n", "db", "provision", "okname", "-U", "alice", "-W");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).contains("Password for alice: ");
            assertThat(run.lastErrLine()).contains("password must be 8 to 128 characters long");
        }

        @Test
        void checksTheNamesBeforeAskingForAPassword() {
            Run run = run(unreachable(), "password1\npassword1\n", "db", "provision", "No", "-U", "alice");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).doesNotContain("Password for");
            assertThat(run.errLines()).singleElement().asString().contains("instance name");
        }

        @Test
        void sendsAMatchingValidPasswordTypedTwice() {
            Run run = run(unreachable(), "password1\npassword1\n", "db", "provision", "okname", "-U", "alice");

            assertThat(run.code()).isEqualTo(ExitCode.UNREACHABLE);
        }

        @Test
        void refusesAResetWhoseTwoPasswordsDoNotMatch() {
            Run run = run(unreachable(), "password1\npassword2\n", "db", "reset-password", "okname");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.lastErrLine()).startsWith("error: ").contains("do not match");
        }
    }

    @Nested
    class Migrate {

        @Test
        void refusesAMigrationsFolderWithABadFileName() throws IOException {
            Path migrations = Files.createDirectory(workingDirectory.resolve("migrations"));
            Files.writeString(migrations.resolve("V1__create_orders.sql"), "CREATE TABLE orders (id int);");
            Files.writeString(migrations.resolve("create.sql"), "CREATE TABLE t (id int);");

            Run run = run(unreachable(), "", "migrate", "inst", "--app", "shop", "--dir", "migrations");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ").contains("create.sql");
        }

        @Test
        void asksWhichApplicationWithoutAppOrDbosConfig() throws IOException {
            Path migrations = Files.createDirectory(workingDirectory.resolve("migrations"));
            Files.writeString(migrations.resolve("V1__create_orders.sql"), "CREATE TABLE orders (id int);");

            Run run = run(unreachable(), "", "migrate", "inst");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ").contains("--app")
                    .contains(DbosConfig.FILE_NAME);
        }

        @Test
        void refusesAMissingMigrationsFolder() {
            Run run = run(unreachable(), "", "migrate", "inst", "--app", "shop");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ").contains("--dir");
        }

        @Test
        void refusesBrokenDbosConfig() throws IOException {
            Files.writeString(workingDirectory.resolve(DbosConfig.FILE_NAME), "name: [unclosed\n");

            Run run = run(unreachable(), "", "migrate", "inst");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ")
                    .contains(DbosConfig.FILE_NAME);
        }

        @Test
        void takesTheApplicationFromDbosConfigAndRefusesAReservedDatabase() throws IOException {
            Files.writeString(workingDirectory.resolve(DbosConfig.FILE_NAME), "name: my-app\napp_db_name: postgres\n");
            Path migrations = Files.createDirectory(workingDirectory.resolve("migrations"));
            Files.writeString(migrations.resolve("V1__create_orders.sql"), "CREATE TABLE orders (id int);");

            Run run = run(unreachable(), "", "migrate", "inst");

            assertThat(run.code()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString().startsWith("error: ").contains("database")
                    .contains("reserved");
        }

        @Test
        void sendsValidMigrationsToTheControlPlane() throws IOException {
            Files.writeString(workingDirectory.resolve(DbosConfig.FILE_NAME), "name: my-app\n");
            Path migrations = Files.createDirectory(workingDirectory.resolve("migrations"));
            Files.writeString(migrations.resolve("V1__create_orders.sql"), "CREATE TABLE orders (id int);");

            Run run = run(unreachable(), "", "migrate", "inst");

            assertThat(run.code()).isEqualTo(ExitCode.UNREACHABLE);
        }
    }

    /** An environment with a key and a control plane that is not there. */
    private Map<String, String> unreachable() {
        Map<String, String> environment = noKey();
        environment.put("DBCLOUD_URL", UNREACHABLE_URL);
        environment.put("DBCLOUD_API_KEY", API_KEY);
        return environment;
    }

    /** An environment with an empty dbcloud home: no credentials file, no key. */
    private Map<String, String> noKey() {
        Map<String, String> environment = new HashMap<>();
        environment.put("DBCLOUD_HOME", home.toString());
        return environment;
    }

    /**
     * Runs one command line and checks what every run must keep to: no stack trace, and no password given with
     * {@code -W} or typed at a prompt ever printed.
     */
    private Run run(Map<String, String> environment, String stdin, String... args) {
        Run run = runWithoutChecks(environment, stdin, args);

        assertThat(run.err()).as("stderr of %s", Arrays.toString(args)).doesNotContain("\tat ")
                .doesNotContain("Exception");
        assertThat(run.out()).as("stdout of %s", Arrays.toString(args)).doesNotContain("\tat ")
                .doesNotContain("Exception");
        for (String secret : secrets(stdin, args)) {
            assertThat(run.out()).as("stdout of %s", Arrays.toString(args)).doesNotContain(secret);
            assertThat(run.err()).as("stderr of %s", Arrays.toString(args)).doesNotContain(secret);
        }
        return run;
    }

    private Run runWithoutChecks(Map<String, String> environment, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Dbcloud.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), outStream, errStream,
                    environment, workingDirectory, args);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The passwords of a run: the values of -W and --password, and the lines typed at the prompts. */
    private static List<String> secrets(String stdin, String... args) {
        List<String> secrets = new ArrayList<>(stdin.lines().filter(line -> !line.isBlank()).toList());
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-W") || args[i].equals("--password")) {
                if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                    secrets.add(args[i + 1]);
                }
            } else if (args[i].startsWith("--password=")) {
                secrets.add(args[i].substring("--password=".length()));
            }
        }
        // Names typed to confirm a destroy are no secret.
        secrets.removeIf(secret -> Arrays.asList(args).contains(secret) && !isPasswordValue(secret, args));
        return secrets;
    }

    private static boolean isPasswordValue(String value, String... args) {
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals(value) && (args[i - 1].equals("-W") || args[i - 1].equals("--password"))) {
                return true;
            }
        }
        return false;
    }

    record Run(int code, String out, String err) {

        List<String> errLines() {
            return err.lines().toList();
        }

        String lastErrLine() {
            List<String> lines = errLines();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }
}
