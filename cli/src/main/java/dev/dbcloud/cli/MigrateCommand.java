package dev.dbcloud.cli;

import dev.dbcloud.common.rules.InstanceRules;
import dev.dbcloud.common.rules.MigrationRules;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/**
 * {@code dbcloud migrate}: runs an application's Flyway-named migrations on its database of an instance. The
 * application and its database come from the options, else from {@code dbos-config.yaml} in the current folder.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true, description = {
    "Run an application's migrations (V<version>__<description>.sql files) on its database of an instance.",
    "The database is created if missing, owned by the instance's admin user; applied versions are skipped.",
    "--app and --app-db-name default to name and app_db_name in ./" + DbosConfig.FILE_NAME + "."})
final class MigrateCommand implements Callable<Integer> {

    @ParentCommand Dbcloud root;

    @Parameters(paramLabel = "<instance>", description = "The instance's name.")
    String instance;

    @Option(names = "--app", paramLabel = "<name>", description = "The application (default: name in "
            + DbosConfig.FILE_NAME + ").")
    String application;

    @Option(names = "--app-db-name", paramLabel = "<database>", description = "Its database (default: app_db_name in "
            + DbosConfig.FILE_NAME + ", else the application's name with - as _).")
    String appDbName;

    @Option(names = "--dir", paramLabel = "<folder>", defaultValue = "migrations",
            description = "The migrations' folder (default: ${DEFAULT-VALUE}).")
    Path folder;

    @Option(names = "--allow-breaking-changes", description = "Apply migrations that drop or rename a table or column,"
            + " or change a column's type. Workflows still running the previous version may break.")
    boolean allowBreakingChanges;

    @Mixin Wait wait;

    @Mixin Json json;

    @Override
    public Integer call() {
        DbosConfig config = DbosConfig.in(root.terminal().workingDirectory());
        String app = application != null ? application : config.name();
        if (app == null) {
            throw new CliException(ExitCode.USAGE, "which application? Give --app, or run where "
                    + DbosConfig.FILE_NAME + " names it");
        }
        // DBOS names an application's database after it, with dashes as underscores.
        String label = app.replace('-', '_');
        String database = appDbName != null ? appDbName : config.appDbName() != null ? config.appDbName() : label;
        List<MigrationRules.Script> scripts = MigrationFolder.read(root.terminal().workingDirectory().resolve(folder));
        Dbcloud.check(InstanceRules.instanceName("instance name", instance),
                InstanceRules.databaseName("application", label),
                InstanceRules.applicationDatabaseName("database", database),
                MigrationRules.migrations("migrations", scripts));
        long size = MigrationRules.totalSqlBytes(scripts);
        if (size > MigrationRules.TOTAL_SQL_BYTES_MAX) {
            throw new CliException(ExitCode.USAGE, "the migrations' SQL totals " + size + " bytes; at most "
                    + MigrationRules.TOTAL_SQL_BYTES_MAX + " go in one request");
        }

        Gateway gateway = root.gateway();
        String history = DbCommand.instancePath(instance) + "/databases/" + database + "/migrations";
        Set<String> before = applied(gateway, history);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("application", label);
        request.put("appDbName", database);
        request.put("migrations", scripts);
        request.put("allowBreakingChanges", allowBreakingChanges);
        JsonNode accepted = gateway.post(DbCommand.instancePath(instance) + "/migrations", request);
        if (wait.accepted(root.terminal(), accepted, json)) {
            return ExitCode.OK;
        }
        JsonNode finished = root.operations(gateway).await(accepted, "Migrating " + database + " on " + instance, code -> "BREAKING_CHANGE".equals(code)
                        ? "If no running workflow needs what it removes, run again with --allow-breaking-changes."
                        : null);
        JsonNode after = gateway.get(history);
        List<String> fresh = gateway.list(history, "applied").valueStream().map(m -> m.path("version").asString())
                .filter(v -> !before.contains(v)).toList();
        String current = after.path("currentVersion").asString("none");
        // The restore point made before the run: the one-command undo, into a new instance.
        String undo = !fresh.isEmpty() && finished.path("restorePoint").isObject()
                ? "dbcloud db restore " + instance + " --before-migration " + finished.path("id").asString() + " -n "
                        + instance + "_before"
                : null;
        if (json.enabled) {
            root.terminal().out().println(Json.print(Json.operation(finished, "database", database, "applied", fresh,
                    "currentVersion", after.path("currentVersion").asString(null), "undo", undo)));
            return ExitCode.OK;
        }
        root.terminal().out().println(fresh.isEmpty()
                ? "Nothing to apply: " + database + " is at version " + current + "."
                : "Applied " + String.join(", ", fresh) + ": " + database + " is at version " + current + ".");
        if (undo != null) {
            root.terminal().out().println("To undo this run: " + undo);
        }
        return ExitCode.OK;
    }

    /** The versions applied so far; none when the database is not known yet. */
    private static Set<String> applied(Gateway gateway, String history) {
        try {
            return gateway.list(history, "applied").valueStream().map(m -> m.path("version").asString())
                    .collect(Collectors.toSet());
        } catch (CliException e) {
            if (e.exitCode() == ExitCode.NOT_FOUND) {
                return Set.of();
            }
            throw e;
        }
    }
}
