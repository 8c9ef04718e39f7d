package dev.dbcloud.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.cli.Dbcloud;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code dbcloud} command line against the running system: answers typed on stdin, results on stdout,
 * progress and errors on stderr, and the servers it provisions checked over JDBC.
 */
@ExtendWith(SharedLocalStack.class)
class CliEndToEndTest {

    /** Needs percent-encoding in a URL: %, +, :, #, ?, & and =. */
    private static final String PASSWORD = "Cli%pa:ss+w#rd?&=1";
    private static final String NEW_PASSWORD = "Cli-n3w-Passw0rd";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static LocalStack stack;
    @TempDir Path project;

    @BeforeAll
    static void start(LocalStack shared) {
        stack = shared;
    }

    @Test
    void drivesAnInstanceFromProvisionToDestroy() throws Exception {
        Run provision = dbcloud(PASSWORD + "\n" + PASSWORD + "\n", "db", "provision", "clishop", "-U", "clerk");
        assertThat(provision.exitCode()).as(provision.err()).isZero();
        assertThat(provision.err()).contains("Provisioning clishop (operation ", "Provisioning clishop: done in");
        assertThat(provision.out()).matches("clishop is available: postgresql://clerk@localhost:\\d+/postgres\\n");

        Run list = dbcloud("", "db", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).startsWith("NAME").containsPattern("(?m)^clishop +AVAILABLE +localhost +\\d+ +clerk +LOCAL$");
        JsonNode listed = json(dbcloud("", "db", "list", "--json"));
        assertThat(listed.isArray()).isTrue();
        JsonNode instance = listed.valueStream()
                .filter(i -> "clishop".equals(i.path("PostgresInstanceName").asString())).findFirst().orElseThrow();
        assertThat(instance.path("Status").asString()).isEqualTo("AVAILABLE");
        assertThat(instance.path("HostName").asString()).isEqualTo("localhost");
        assertThat(instance.path("AdminUsername").asString()).isEqualTo("clerk");
        assertThat(instance.path("IsLinked").asBoolean()).isFalse();
        int port = instance.path("Port").asInt();
        assertThat(port).isPositive();
        assertThat(json(dbcloud("", "db", "status", "clishop", "--json"))).isEqualTo(instance);
        assertThat(dbcloud("", "db", "status", "clishop").out())
                .contains("Status:         AVAILABLE", "Port:           " + port, "Admin username: clerk");

        assertThat(dbcloud("", "db", "url", "clishop").out()).isEqualTo("postgresql://clerk@localhost:" + port + "/postgres\n");
        Run url = dbcloud(PASSWORD + "\n", "db", "url", "clishop", "-S");
        assertThat(url.exitCode()).isZero();
        URI withPassword = URI.create(url.out().strip());
        assertThat(withPassword.getUserInfo()).as("the password survives percent-encoding").isEqualTo("clerk:" + PASSWORD);
        assertThat(withPassword.getRawUserInfo()).doesNotContain("#", "?", "+", "&");
        assertThat(currentUser(port, PASSWORD)).isEqualTo("clerk");

        Run reset = dbcloud(NEW_PASSWORD + "\n" + NEW_PASSWORD + "\n", "db", "reset-password", "clishop");
        assertThat(reset.exitCode()).as(reset.err()).isZero();
        assertThat(currentUser(port, NEW_PASSWORD)).isEqualTo("clerk");
        assertThatThrownBy(() -> currentUser(port, PASSWORD))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));

        migrates(port);

        Run refused = dbcloud("clishoq\n", "db", "destroy", "clishop");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("does not match");
        assertThat(currentUser(port, NEW_PASSWORD)).as("a mistyped name destroys nothing").isEqualTo("clerk");
        Run destroy = dbcloud("clishop\n", "db", "destroy", "clishop");
        assertThat(destroy.exitCode()).as(destroy.err()).isZero();
        assertThat(destroy.out()).isEqualTo("clishop is destroyed.\n");
        Run gone = dbcloud("", "db", "status", "clishop");
        assertThat(gone.exitCode()).isEqualTo(4);
        assertThat(gone.err()).isEqualTo("error: No instance named clishop.\n");
        // Refused, or, should the warm pool have put a new server on the freed port meanwhile, unknown there.
        assertThatThrownBy(() -> currentUser(port, NEW_PASSWORD))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn("08001", "28P01"));

        runs.stream().filter(run -> run != url).forEach(run -> assertThat(run.out() + run.err())
                .as("only 'db url -S' prints the password").doesNotContain(PASSWORD, NEW_PASSWORD));
    }

    /** dbos-config.yaml names the application and its database; the migrations folder holds Flyway files. */
    private void migrates(int port) throws Exception {
        Files.writeString(project.resolve("dbos-config.yaml"), """
                name: shop-app
                database:
                  app_db_name: storefront
                """);
        Path migrations = Files.createDirectory(project.resolve("migrations"));
        Files.writeString(migrations.resolve("V1__create_orders.sql"), "CREATE TABLE orders (id bigint PRIMARY KEY, note text);");
        Files.writeString(migrations.resolve("V2__add_total.sql"), "ALTER TABLE orders ADD COLUMN total numeric;");

        Files.writeString(migrations.resolve("V3__broken.sql"), "ALTER TABLE missing ADD COLUMN x int;");
        Run failed = dbcloud("", "migrate", "clishop");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).contains("SQL_ERROR", "does not exist").hasLineCount(2);
        Files.delete(migrations.resolve("V3__broken.sql"));

        Run first = dbcloud("", "migrate", "clishop");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).as("1 and 2 stayed applied after the failure")
                .isEqualTo("Nothing to apply: storefront is at version 2.\n");
        assertThat(dbcloud("", "migrate", "clishop").out()).isEqualTo("Nothing to apply: storefront is at version 2.\n");

        try (Connection storefront = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + port + "/storefront", "clerk", NEW_PASSWORD)) {
            storefront.createStatement().execute("INSERT INTO orders (id, note) VALUES (1, 'deliver before noon')");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> dbcloud("", "db", "backups", "clishop").out()
                .startsWith("Restorable from "));

        Files.writeString(migrations.resolve("V3__drop_note.sql"), "ALTER TABLE orders DROP COLUMN note;");
        Run breaking = dbcloud("", "migrate", "clishop");
        assertThat(breaking.exitCode()).isEqualTo(1);
        assertThat(breaking.err()).contains("BREAKING_CHANGE", "note", "--allow-breaking-changes");
        Run allowed = dbcloud("", "migrate", "clishop", "--allow-breaking-changes");
        assertThat(allowed.exitCode()).as(allowed.err()).isZero();
        assertThat(allowed.out()).startsWith("Applied 3: storefront is at version 3.\n")
                .containsPattern("To undo this run: dbcloud db restore clishop --before-migration [0-9a-f-]{36} -n clishop_before\n$");
        undoesTheMigration(allowed.out().substring(allowed.out().indexOf("dbcloud db restore ")));

        Run databases = dbcloud("", "db", "databases", "clishop");
        assertThat(databases.out()).containsPattern("(?m)^storefront +clerk +\\S+$");
        try (Connection storefront = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + port + "/storefront", "clerk", NEW_PASSWORD);
                ResultSet owner = storefront.createStatement().executeQuery(
                        "SELECT tableowner FROM pg_tables WHERE tablename = 'orders'")) {
            assertThat(owner.next()).isTrue();
            assertThat(owner.getString(1)).isEqualTo("clerk");
        }
    }

    /** The command the migration printed restores, into a new instance, the column V3 dropped, with its data. */
    private void undoesTheMigration(String command) throws Exception {
        String[] args = command.strip().substring("dbcloud ".length()).split(" ");
        Run restore = dbcloud("", args);
        assertThat(restore.exitCode()).as(restore.err()).isZero();
        assertThat(restore.out()).startsWith("clishop_before is available, restored from clishop ");
        JsonNode copy = json(dbcloud("", "db", "status", "clishop_before", "--json"));
        assertThat(copy.path("AdminUsername").asString()).isEqualTo("clerk");
        try (Connection storefront = DriverManager.getConnection("jdbc:postgresql://localhost:"
                        + copy.path("Port").asInt() + "/storefront", "clerk", NEW_PASSWORD);
                ResultSet note = storefront.createStatement().executeQuery("SELECT note FROM orders WHERE id = 1")) {
            assertThat(note.next()).isTrue();
            assertThat(note.getString(1)).isEqualTo("deliver before noon");
        }
        Run refused = dbcloud("", "db", "restore", "clishop", "-n", "clishop_before");
        assertThat(refused.exitCode()).as("the name is taken").isEqualTo(1);
        assertThat(dbcloud("", "db", "destroy", "clishop_before", "--yes").exitCode()).isZero();
    }

    @Test
    void startsWithoutWaitingAndFollowsTheOperationLater() throws Exception {
        Run accepted = dbcloud("", "db", "provision", "clilater", "-U", "later", "-W", PASSWORD, "--no-wait");
        assertThat(accepted.exitCode()).as(accepted.err()).isZero();
        String operation = accepted.out().strip();
        assertThat(operation).matches("[0-9a-f-]{36}");

        Run followed = dbcloud("", "operation", operation, "--wait");
        assertThat(followed.exitCode()).as(followed.err()).isZero();
        assertThat(json(followed).path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(dbcloud("", "db", "status", "clilater").out()).contains("AVAILABLE");

        Run taken = dbcloud("", "db", "provision", "clilater", "-U", "later", "-W", PASSWORD);
        assertThat(taken.exitCode()).as("a name in use is refused").isEqualTo(1);
        assertThat(taken.err()).startsWith("error: ").contains("clilater");
        assertThat(dbcloud("", "db", "destroy", "clilater", "--yes").exitCode()).isZero();
    }

    @Test
    void answersEachKindOfMistakeWithItsExitCodeAndOneLine() {
        Run invalid = dbcloud("", "db", "provision", "No", "-U", "postgres", "-W", "short");
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.err()).startsWith("error: ").contains("instance name", "username", "password").hasLineCount(1);

        Run unknown = dbcloud("", "db", "url", "nosuch");
        assertThat(unknown.exitCode()).isEqualTo(4);

        Run revoked = dbcloud(Map.of("DBCLOUD_API_KEY", "dbc_not_a_key"), "", "db", "list");
        assertThat(revoked.exitCode()).isEqualTo(3);
        assertThat(revoked.err()).startsWith("error: ").contains("dbcloud login").hasLineCount(1);

        Run unreachable = dbcloud(Map.of("DBCLOUD_URL", "http://127.0.0.1:1"), "", "db", "list");
        assertThat(unreachable.exitCode()).isEqualTo(5);
        assertThat(unreachable.err()).startsWith("error: cannot reach dbcloud at http://127.0.0.1:1").hasLineCount(1);

        for (Run run : runs) {
            assertThat(run.err()).doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void logsInWithAWorkingKeyOnly(@TempDir Path home) throws Exception {
        Map<String, String> elsewhere = Map.of("DBCLOUD_HOME", home.toString());
        Run wrong = dbcloud(elsewhere, "dbc_wrong\n", "login", "--url", stack.gatewayUrl());
        assertThat(wrong.exitCode()).isEqualTo(3);
        assertThat(home.resolve("credentials")).as("a refused key is not saved").doesNotExist();

        Run login = dbcloud(elsewhere, stack.credentials().apiKey() + "\n", "login", "--url", stack.gatewayUrl());
        assertThat(login.exitCode()).as(login.err()).isZero();
        Path credentials = home.resolve("credentials");
        assertThat(Files.getPosixFilePermissions(credentials)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(credentials))
                .isEqualTo("url=" + stack.gatewayUrl() + "\napi_key=" + stack.credentials().apiKey() + "\n");
        assertThat(login.out() + login.err()).doesNotContain(stack.credentials().apiKey());
        assertThat(dbcloud(elsewhere, "", "db", "list").exitCode()).isZero();
    }

    @Test
    void managesTenantsAndKeys() {
        String tenant = "cli-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Run created = dbcloud("", "admin", "create-tenant", tenant);
        assertThat(created.exitCode()).as(created.err()).isZero();
        String first = created.out().strip();
        assertThat(first).startsWith("dbc_");
        assertThat(dbcloud("", "admin", "tenants").out()).containsPattern("(?m)^" + tenant + " +1 ");
        assertThat(dbcloud(Map.of("DBCLOUD_ADMIN_KEY", first), "", "admin", "tenants").exitCode())
                .as("a tenant key is no admin key").isEqualTo(3);

        Map<String, String> asTenant = Map.of("DBCLOUD_API_KEY", first);
        Run second = dbcloud(asTenant, "", "keys", "create", "--name", "ci");
        assertThat(second.exitCode()).as(second.err()).isZero();
        String secondKey = second.out().strip();
        Run listed = dbcloud(asTenant, "", "keys", "list");
        assertThat(listed.out()).contains(secondKey.substring(0, 12), " ci ").doesNotContain(secondKey);
        String id = json(dbcloud(asTenant, "", "keys", "list", "--json")).valueStream()
                .filter(k -> "ci".equals(k.path("name").asString())).findFirst().orElseThrow().path("id").asString();

        assertThat(dbcloud(asTenant, "", "keys", "revoke", id).exitCode()).isZero();
        Run refused = dbcloud(Map.of("DBCLOUD_API_KEY", secondKey), "", "db", "list");
        assertThat(refused.exitCode()).as("a revoked key").isEqualTo(3);
        assertThat(dbcloud(asTenant, "", "db", "list").out()).as("the new tenant has no instances")
                .startsWith("No instances.");
    }

    @Test
    void theLauncherScriptRunsThePackagedCli() throws Exception {
        Path launcher = Path.of("..", "dbcloud").toAbsolutePath().normalize();
        Path stdout = project.resolve("stdout");
        Path stderr = project.resolve("stderr");
        ProcessBuilder command = new ProcessBuilder(launcher.toString(), "db", "list", "--json")
                .directory(project.toFile()).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        command.environment().put("DBCLOUD_HOME", stack.home().toString());
        Process process = command.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(stderr)).isZero();
        assertThat(JSON.readTree(Files.readString(stdout)).isArray()).isTrue();
    }

    private final List<Run> runs = new java.util.ArrayList<>();

    @Test
    void statusSaysWhyAnInstanceIsUnavailableUntilItsServerIsBack() throws Exception {
        Run provision = dbcloud(PASSWORD + "\n" + PASSWORD + "\n", "db", "provision", "clidown", "-U", "clerk");
        assertThat(provision.exitCode()).as(provision.err()).isZero();
        int port = json(dbcloud("", "db", "status", "clidown", "--json")).path("Port").asInt();
        assertThat(dbcloud("", "db", "status", "clidown").out()).doesNotContain("Reason:");

        ProcessHandle.of(postmasterOnPort(port)).orElseThrow().destroyForcibly();

        // The health watch reports it down, then starts it again: the reason shows while it is down.
        String down = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> dbcloud("", "db", "status", "clidown").out(), out -> out.contains("UNAVAILABLE"));
        assertThat(down).contains("Status:         UNAVAILABLE",
                "Reason:         nothing accepts connections on port " + port + "; its server is not running");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> dbcloud("", "db", "status", "clidown").out(), out -> out.contains("Status:         AVAILABLE"));
    }

    @Test
    void aStoppedInstanceStaysStoppedAndAStartMovesItOffAPortAnotherProgramTook() throws Exception {
        Run provision = dbcloud(PASSWORD + "\n" + PASSWORD + "\n", "db", "provision", "clinap", "-U", "clerk");
        assertThat(provision.exitCode()).as(provision.err()).isZero();
        int port = json(dbcloud("", "db", "status", "clinap", "--json")).path("Port").asInt();

        Run stop = dbcloud("", "db", "stop", "clinap");
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        assertThat(stop.out()).isEqualTo("clinap is stopped; start it with: dbcloud db start clinap\n");
        assertThat(dbcloud("", "db", "status", "clinap").out()).contains("Status:         STOPPED");
        assertThatThrownBy(() -> currentUser(port, PASSWORD)).isInstanceOf(SQLException.class);

        try (java.net.ServerSocket squatter = new java.net.ServerSocket(port, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Run start = dbcloud("", "db", "start", "clinap");
            assertThat(start.exitCode()).as(start.err()).isZero();
            int moved = json(dbcloud("", "db", "status", "clinap", "--json")).path("Port").asInt();
            assertThat(moved).isNotEqualTo(port);
            assertThat(start.out()).isEqualTo("clinap is running on localhost:" + moved + ".\nIt moved from port "
                    + port + ", which another program holds; new connection URL: postgresql://clerk@localhost:"
                    + moved + "/postgres\n");
            assertThat(currentUser(moved, PASSWORD)).isEqualTo("clerk");
        }
        assertThat(dbcloud("", "db", "destroy", "clinap", "--yes").exitCode()).isZero();
    }

    /** The process id of the PostgreSQL server of the stack's home that listens on {@code port}. */
    private static long postmasterOnPort(int port) throws Exception {
        try (java.util.stream.Stream<Path> directories = java.nio.file.Files.list(stack.home().resolve("instances"))) {
            for (Path directory : directories.toList()) {
                Path pid = directory.resolve("postmaster.pid");
                if (java.nio.file.Files.isRegularFile(pid)) {
                    List<String> lines = java.nio.file.Files.readAllLines(pid);
                    if (lines.size() > 3 && lines.get(3).strip().equals(Integer.toString(port))) {
                        return Long.parseLong(lines.get(0).strip());
                    }
                }
            }
        }
        throw new IllegalStateException("no server of the stack listens on port " + port);
    }

    private Run dbcloud(String stdin, String... args) {
        return dbcloud(Map.of(), stdin, args);
    }

    private Run dbcloud(Map<String, String> environment, String stdin, String... args) {
        Map<String, String> env = new HashMap<>(Map.of("DBCLOUD_HOME", stack.home().toString()));
        env.putAll(environment);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = Dbcloud.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, project, args);
        Run run = new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        runs.add(run);
        return run;
    }

    private static JsonNode json(Run run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return JSON.readTree(run.out());
    }

    private static String currentUser(int port, String password) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres",
                "clerk", password);
                ResultSet user = connection.createStatement().executeQuery("SELECT current_user")) {
            assertThat(user.next()).isTrue();
            return user.getString(1);
        }
    }

    private record Run(int exitCode, String out, String err) {
    }
}
