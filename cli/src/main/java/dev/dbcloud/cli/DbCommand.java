package dev.dbcloud.cli;

import dev.dbcloud.common.rules.InstanceRules;
import dev.dbcloud.common.rules.Rule;
import dev.dbcloud.common.rules.Violation;
import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** {@code dbcloud db ...}: the instances of your tenant. Its subcommands inherit -h/--help and -V/--version. */
@Command(name = "db", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        addMethodSubcommands = false, // Dbcloud.commandLine adds them
        description = "Provision, inspect, connect to, stop, start, restore, link and destroy instances.")
final class DbCommand implements Callable<Integer> {

    private static final String NAME = "<name>";

    @ParentCommand Dbcloud root;

    @Spec CommandSpec spec;

    /** A bare {@code dbcloud db}: the usage. */
    @Override
    public Integer call() {
        return Dbcloud.usage(spec);
    }

    @Command(name = "provision", description = "Provision a new instance: a PostgreSQL server of its own.")
    int provision(@Parameters(paramLabel = NAME, description = "The instance's name.") String name,
            @Option(names = {"-U", "--username"}, required = true, description = "Its admin user's name.") String username,
            @Mixin Password password, @Mixin Wait wait, @Mixin Json json) {
        Dbcloud.check(InstanceRules.instanceName("instance name", name), InstanceRules.username("username", username),
                password.given() ? InstanceRules.password("password", password.value) : List.of());
        String secret = password.orAskNew(root.terminal(), "Password for " + username + ": ",
                typed -> InstanceRules.password("password", typed));
        Gateway gateway = root.gateway();
        JsonNode accepted = gateway.post("/v1/instances", Map.of("name", name, "username", username, "password", secret));
        if (wait.accepted(root.terminal(), accepted, json)) {
            return ExitCode.OK;
        }
        JsonNode finished = root.operations(gateway).await(accepted, "Provisioning " + name);
        String url = gateway.get(instancePath(name) + "/url").path("url").asString();
        json.print(root.terminal(), Json.operation(finished, "url", url), name + " is available: " + url);
        return ExitCode.OK;
    }

    @Command(name = "list", description = "List your instances.")
    int list(@Mixin Json json) {
        JsonNode instances = root.gateway().list("/v1/instances");
        PrintWriter out = root.terminal().out();
        if (json.enabled) {
            out.println(Json.print(instances.valueStream().map(DbCommand::asDbosCloud).toList()));
            return ExitCode.OK;
        }
        if (instances.isEmpty()) {
            out.println("No instances. Create one with: dbcloud db provision <name> -U <username>");
            return ExitCode.OK;
        }
        Table table = new Table("NAME", "STATUS", "HOST", "PORT", "ADMIN", "DRIVER");
        instances.forEach(i -> table.row(i.path("name").asString(), i.path("status").asString(),
                i.path("hostName").asString("-"), i.path("port").asString("-"), i.path("adminUsername").asString(),
                i.path("driver").asString()));
        table.print(out);
        return ExitCode.OK;
    }

    @Command(name = "status", description = "Show an instance.")
    int status(@Parameters(paramLabel = NAME, description = "The instance's name.") String name, @Mixin Json json) {
        Dbcloud.check(InstanceRules.instanceName("instance name", name));
        JsonNode instance = root.gateway().get(instancePath(name));
        PrintWriter out = root.terminal().out();
        if (json.enabled) {
            out.println(Json.print(asDbosCloud(instance)));
            return ExitCode.OK;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Name", instance.path("name").asString());
        fields.put("Status", instance.path("status").asString());
        String reason = instance.path("statusReason").asString(null);
        if (reason != null && !reason.isBlank()) {
            fields.put("Reason", reason);
        }
        fields.put("Host", instance.path("hostName").asString("-"));
        fields.put("Port", instance.path("port").asString("-"));
        fields.put("Admin username", instance.path("adminUsername").asString());
        fields.put("Driver", instance.path("driver").asString());
        fields.put("Created", instance.path("createdAt").asString("-"));
        fields.put("Updated", instance.path("updatedAt").asString("-"));
        fields.forEach((field, value) -> out.printf("%-16s%s%n", field + ":", value));
        return ExitCode.OK;
    }

    @Command(name = "url", description = {"Print the instance's connection URL.",
        "Without -S it holds no password: psql and drivers ask for it."})
    int url(@Parameters(paramLabel = NAME, arity = "0..1", description = "The instance's name (default:"
                    + " database_instance_name in ./" + DbosConfig.FILE_NAME + ").") String given,
            @Option(names = "--database", paramLabel = "<database>", description = "The database (default: postgres).")
            String database,
            @Option(names = {"-S", "--show-password"}, description = "Put the password in the URL, percent-encoded.")
            boolean showPassword,
            @Mixin Password password, @Mixin Json json) {
        String name = DbosConfig.instance(given, root.terminal(), "dbcloud db url");
        Dbcloud.check(InstanceRules.instanceName("instance name", name),
                database == null ? List.of() : InstanceRules.databaseName("database", database));
        Gateway gateway = root.gateway();
        String url = gateway.get(instancePath(name) + "/url" + (database == null ? "" : "?database=" + database))
                .path("url").asString();
        if (showPassword) {
            url = ConnectionUrls.withPassword(url, password.orAsk(root.terminal(), "Password: "));
        }
        root.terminal().out().println(json.enabled ? Json.print(Map.of("url", url)) : url);
        return ExitCode.OK;
    }

    @Command(name = "reset-password", description = "Set a new password for the instance's admin user.")
    int resetPassword(@Parameters(paramLabel = NAME, arity = "0..1", description = "The instance's name (default:"
                    + " database_instance_name in ./" + DbosConfig.FILE_NAME + ").") String given,
            @Mixin Password password, @Mixin Wait wait, @Mixin Json json) {
        String name = DbosConfig.instance(given, root.terminal(), "dbcloud db reset-password");
        Dbcloud.check(InstanceRules.instanceName("instance name", name),
                password.given() ? InstanceRules.password("password", password.value) : List.of());
        String secret = password.orAskNew(root.terminal(), "New password: ",
                typed -> InstanceRules.password("password", typed));
        Gateway gateway = root.gateway();
        JsonNode accepted = gateway.post(instancePath(name) + "/password", Map.of("password", secret));
        if (!wait.accepted(root.terminal(), accepted, json)) {
            JsonNode finished = root.operations(gateway).await(accepted, "Resetting the password of " + name);
            json.print(root.terminal(), Json.operation(finished),
                    "The password of " + name + " is reset; the old one no longer logs in.");
        }
        return ExitCode.OK;
    }

    @Command(name = "stop", description = {"Stop an instance's server; its data and port stay.",
        "Nothing starts it again until 'dbcloud db start'."})
    int stop(@Parameters(paramLabel = NAME, description = "The instance's name.") String name, @Mixin Wait wait,
            @Mixin Json json) {
        Dbcloud.check(InstanceRules.instanceName("instance name", name));
        Gateway gateway = root.gateway();
        JsonNode accepted = gateway.post(instancePath(name) + "/stop", Map.of());
        if (!wait.accepted(root.terminal(), accepted, json)) {
            JsonNode finished = root.operations(gateway).await(accepted, "Stopping " + name);
            json.print(root.terminal(), Json.operation(finished),
                    name + " is stopped; start it with: dbcloud db start " + name);
        }
        return ExitCode.OK;
    }

    @Command(name = "start", description = {"Start an instance's server: a stopped one, or one that is down.",
        "If another program holds its port, it moves to a free port, and says so."})
    int start(@Parameters(paramLabel = NAME, description = "The instance's name.") String name, @Mixin Wait wait,
            @Mixin Json json) {
        Dbcloud.check(InstanceRules.instanceName("instance name", name));
        Gateway gateway = root.gateway();
        int before = gateway.get(instancePath(name)).path("port").asInt(-1);
        JsonNode accepted = gateway.post(instancePath(name) + "/start", Map.of());
        if (wait.accepted(root.terminal(), accepted, json)) {
            return ExitCode.OK;
        }
        JsonNode finished = root.operations(gateway).await(accepted, "Starting " + name);
        JsonNode instance = gateway.get(instancePath(name));
        int after = instance.path("port").asInt(-1);
        if (json.enabled) {
            root.terminal().out().println(Json.print(Json.operation(finished, "hostName",
                    instance.path("hostName").asString(), "port", after, "previousPort", before > 0 ? before : null)));
            return ExitCode.OK;
        }
        PrintWriter out = root.terminal().out();
        out.println(name + " is running on " + instance.path("hostName").asString() + ":" + after + ".");
        if (before > 0 && after != before) {
            out.println("It moved from port " + before + ", which another program holds; new connection URL: "
                    + gateway.get(instancePath(name) + "/url").path("url").asString());
        }
        return ExitCode.OK;
    }

    @Command(name = "destroy", description = {"Destroy an instance, irreversibly: its server and all its data.",
        "Asks you to type its name unless --yes."})
    int destroy(@Parameters(paramLabel = NAME, description = "The instance's name.") String name,
            @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.") boolean yes,
            @Mixin Wait wait, @Mixin Json json) {
        Dbcloud.check(InstanceRules.instanceName("instance name", name));
        Gateway gateway = root.gateway();
        if (!yes) {
            if ("LINKED".equals(gateway.get(instancePath(name)).path("driver").asString())) {
                throw new CliException(ExitCode.FAILED, Refusals.linkedNotDestroyed(name));
            }
            String typed = root.terminal().ask("This destroys " + name + " and all its data, irreversibly. "
                    + "Type its name to confirm: ");
            if (!name.equals(typed.strip())) {
                throw new CliException(ExitCode.USAGE, "the name typed does not match; " + name + " was not destroyed");
            }
        }
        JsonNode accepted = gateway.delete(instancePath(name));
        if (!wait.accepted(root.terminal(), accepted, json)) {
            JsonNode finished = root.operations(gateway).await(accepted, "Destroying " + name);
            json.print(root.terminal(), Json.operation(finished), name + " is destroyed.");
        }
        return ExitCode.OK;
    }

    @Command(name = "link", description = {"Link a PostgreSQL server you already run, instead of provisioning one.",
        "dbcloud checks that the role can log in and create databases before the instance is AVAILABLE."})
    int link(@Parameters(paramLabel = NAME, description = "The name it gets in dbcloud.") String name,
            @Option(names = {"-H", "--hostname"}, required = true, description = "The server's host name.") String host,
            @Option(names = {"-p", "--port"}, defaultValue = "5432", description = "Its port (default: ${DEFAULT-VALUE}).")
            int port,
            @Option(names = {"-U", "--username"}, required = true,
                    description = "A role on it that can log in and create databases.") String role,
            @Mixin Password password, @Mixin Wait wait, @Mixin Json json) {
        Dbcloud.check(InstanceRules.instanceName("instance name", name), InstanceRules.hostName("hostname", host),
                InstanceRules.port("port", port), InstanceRules.roleName("username", role),
                password.given() ? InstanceRules.linkedPassword("password", password.value) : List.of());
        String secret = password.orAsk(root.terminal(), "Password of " + role + ": ");
        Dbcloud.check(InstanceRules.linkedPassword("password", secret));
        Gateway gateway = root.gateway();
        JsonNode accepted = gateway.post("/v1/linked-instances",
                Map.of("name", name, "hostName", host, "port", port, "adminRole", role, "password", secret));
        if (!wait.accepted(root.terminal(), accepted, json)) {
            JsonNode finished = root.operations(gateway).await(accepted, "Linking " + name);
            json.print(root.terminal(), Json.operation(finished), name + " is linked and available.");
        }
        return ExitCode.OK;
    }

    @Command(name = "unlink", description = "Forget a linked server; the server itself is left untouched.")
    int unlink(@Parameters(paramLabel = NAME, description = "The linked instance's name.") String name,
            @Mixin Wait wait, @Mixin Json json) {
        Dbcloud.check(InstanceRules.instanceName("instance name", name));
        Gateway gateway = root.gateway();
        JsonNode accepted = gateway.delete("/v1/linked-instances/" + name);
        if (!wait.accepted(root.terminal(), accepted, json)) {
            JsonNode finished = root.operations(gateway).await(accepted, "Unlinking " + name);
            json.print(root.terminal(), Json.operation(finished), name + " is unlinked.");
        }
        return ExitCode.OK;
    }

    @Command(name = "databases", description = "List the application databases on an instance.")
    int databases(@Parameters(paramLabel = NAME, description = "The instance's name.") String name, @Mixin Json json) {
        Dbcloud.check(InstanceRules.instanceName("instance name", name));
        JsonNode databases = root.gateway().list(instancePath(name) + "/databases");
        PrintWriter out = root.terminal().out();
        if (json.enabled) {
            out.println(Json.print(databases));
        } else if (databases.isEmpty()) {
            out.println("No application databases on " + name + ". Create one with: dbcloud db create-database "
                    + name + " <database>, or run 'dbcloud migrate'.");
        } else {
            Table table = new Table("NAME", "OWNER", "CREATED");
            databases.forEach(d -> table.row(d.path("name").asString(), d.path("owner").asString(),
                    d.path("createdAt").asString("-")));
            table.print(out);
        }
        return ExitCode.OK;
    }

    @Command(name = "create-database", description = "Create an application database, owned by the admin user.")
    int createDatabase(@Parameters(index = "0", paramLabel = NAME, description = "The instance's name.") String name,
            @Parameters(index = "1", paramLabel = "<database>", description = "The database's name.") String database,
            @Mixin Wait wait, @Mixin Json json) {
        Dbcloud.check(InstanceRules.instanceName("instance name", name),
                InstanceRules.applicationDatabaseName("database", database));
        Gateway gateway = root.gateway();
        JsonNode accepted = gateway.post(instancePath(name) + "/databases", Map.of("name", database));
        if (!wait.accepted(root.terminal(), accepted, json)) {
            JsonNode finished = root.operations(gateway).await(accepted, "Creating " + database + " on " + name);
            json.print(root.terminal(), Json.operation(finished, "database", database),
                    database + " is ready on " + name + ".");
        }
        return ExitCode.OK;
    }

    @Command(name = "backups", description = {"Show an instance's backups and how far back a restore can reach:",
        "any moment from the end of its oldest backup to its last change archived."})
    int backups(@Parameters(paramLabel = NAME, description = "The instance's name.") String name, @Mixin Json json) {
        Dbcloud.check(InstanceRules.instanceName("instance name", name));
        JsonNode backups = root.gateway().get(instancePath(name) + "/backups");
        PrintWriter out = root.terminal().out();
        if (json.enabled) {
            out.println(Json.print(backups));
            return ExitCode.OK;
        }
        String earliest = backups.path("earliestRestorableTime").asString(null);
        out.println(earliest == null ? "No backups yet: " + name + " cannot be restored until its first one ends."
                : "Restorable from " + earliest + " to " + backups.path("latestRestorableTime").asString("now") + ".");
        if (!backups.path("backups").isEmpty()) {
            Table table = new Table("STARTED", "FINISHED", "SIZE");
            backups.path("backups").forEach(b -> table.row(b.path("startedAt").asString("-"),
                    b.path("finishedAt").asString("-"), b.path("sizeBytes").isNumber()
                            ? humanSize(b.path("sizeBytes").asLong()) : "-"));
            table.print(out);
        }
        return ExitCode.OK;
    }

    @Command(name = "restore", description = {
        "Restore an instance's backups into a new instance; the instance itself is untouched.",
        "The new instance holds its state as of -t, or as it was just before a migration",
        "(--before-migration), or else its latest state.",
        "'dbcloud db backups <name>' shows how far back a restore can reach."})
    int restore(@Parameters(paramLabel = NAME, description = "The instance whose backups are restored.") String name,
            @Option(names = {"-n", "--new-name"}, required = true, paramLabel = "<new-name>",
                    description = "The new instance's name.") String newName,
            @Option(names = {"-t", "--timestamp"}, paramLabel = "<timestamp>", description = "The moment to restore:"
                    + " an RFC 3339 time with an offset, such as 2026-12-04T20:40:46.518Z or 2026-12-04T21:40:46+01:00.")
            String timestamp,
            @Option(names = "--before-migration", paramLabel = "<operation-id>", description = "Instead of -t: the"
                    + " moment just before the migration run of this operation, as 'dbcloud migrate --no-wait' prints"
                    + " it.") String beforeMigration,
            @Mixin Wait wait, @Mixin Json json) {
        if (timestamp != null && beforeMigration != null) {
            throw new CliException(ExitCode.USAGE, "give -t or --before-migration, not both: a restore reaches one"
                    + " moment.");
        }
        Dbcloud.check(InstanceRules.instanceName("instance name", name), InstanceRules.instanceName("new name", newName),
                timestamp == null ? List.of() : pointInTime("timestamp", timestamp),
                beforeMigration == null ? List.of() : Dbcloud.uuid("migration operation id", beforeMigration));
        Map<String, String> request = new LinkedHashMap<>();
        request.put("targetName", newName);
        String moment = "at its latest state";
        if (timestamp != null) {
            request.put("pointInTime", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(OffsetDateTime.parse(timestamp)));
            moment = "as of " + request.get("pointInTime");
        } else if (beforeMigration != null) {
            request.put("beforeMigration", beforeMigration);
            moment = "as it was just before migration " + beforeMigration;
        }
        Gateway gateway = root.gateway();
        JsonNode accepted = gateway.post(instancePath(name) + "/restore", request);
        if (wait.accepted(root.terminal(), accepted, json)) {
            return ExitCode.OK;
        }
        JsonNode finished = root.operations(gateway).await(accepted, "Restoring " + name + " into " + newName,
                code -> "OUTSIDE_WINDOW".equals(code) || "NO_BACKUPS".equals(code)
                        ? "'dbcloud db backups " + name + "' shows how far back a restore can reach." : null);
        String url = gateway.get(instancePath(newName) + "/url").path("url").asString();
        json.print(root.terminal(), Json.operation(finished, "source", name, "url", url),
                newName + " is available, restored from " + name + " " + moment + ": " + url);
        return ExitCode.OK;
    }

    static String instancePath(String name) {
        return "/v1/instances/" + name;
    }

    /** An RFC 3339 time with an offset; the control plane takes it in UTC or any offset. */
    private static List<Violation> pointInTime(String field, String value) {
        try {
            OffsetDateTime.parse(value);
            return List.of();
        } catch (DateTimeParseException e) {
            return List.of(new Violation(field, Rule.FORMAT, "must be an RFC 3339 time with an offset, such as"
                    + " 2026-12-04T20:40:46.518Z or 2026-12-04T21:40:46+01:00"));
        }
    }

    /** A size in bytes as people read it, in powers of 1000: 512 B, 41.2 MB. */
    private static String humanSize(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        double size = bytes;
        int unit = -1;
        while (size >= 999.95 && unit < 4) {
            size /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", size, List.of("kB", "MB", "GB", "TB", "PB").get(unit));
    }

    /** An instance under the field names {@code dbos-cloud db status --json} uses, so its scripts keep working. */
    private static ObjectNode asDbosCloud(JsonNode instance) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("PostgresInstanceName", instance.path("name").asString());
        node.put("HostName", instance.path("hostName").asString(null));
        if (instance.path("port").isNumber()) {
            node.put("Port", instance.path("port").asInt());
        } else {
            node.putNull("Port");
        }
        node.put("Status", instance.path("status").asString());
        node.put("AdminUsername", instance.path("adminUsername").asString());
        node.put("IsLinked", "LINKED".equals(instance.path("driver").asString()));
        node.put("Driver", instance.path("driver").asString());
        node.put("CreatedAt", instance.path("createdAt").asString(null));
        node.put("UpdatedAt", instance.path("updatedAt").asString(null));
        return node;
    }
}
