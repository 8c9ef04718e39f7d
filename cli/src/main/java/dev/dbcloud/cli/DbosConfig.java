package dev.dbcloud.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * What dbcloud takes from a DBOS application's {@code dbos-config.yaml}: the application's {@code name} and
 * {@code app_db_name} for {@code dbcloud migrate}, and {@code database_instance_name}, the instance that
 * {@code dbcloud db url} and {@code dbcloud db reset-password} act on when not given one. The last two are read at the
 * top level, or under {@code database:} as older DBOS versions have {@code app_db_name}.
 */
record DbosConfig(String name, String appDbName, String databaseInstanceName) {

    static final String FILE_NAME = "dbos-config.yaml";
    static final String INSTANCE_KEY = "database_instance_name";

    DbosConfig(String name, String appDbName) {
        this(name, appDbName, null);
    }

    /** The configuration in {@code folder}, or an empty one when there is none. */
    static DbosConfig in(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return new DbosConfig(null, null);
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            if (!(document instanceof Map<?, ?> root)) {
                return new DbosConfig(null, null);
            }
            Map<?, ?> database = root.get("database") instanceof Map<?, ?> section ? section : Map.of();
            return new DbosConfig(text(root.get("name")), firstOf(root, database, "app_db_name"),
                    firstOf(root, database, INSTANCE_KEY));
        } catch (IOException | YAMLException e) {
            throw new CliException(ExitCode.USAGE, "cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /**
     * The instance named on the command line, else the one {@code dbos-config.yaml} in {@code terminal}'s folder
     * names, saying on stderr which it took and from where; {@link ExitCode#USAGE} when neither names one.
     */
    static String instance(String given, Terminal terminal, String command) {
        if (given != null) {
            return given;
        }
        Path file = terminal.workingDirectory().resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new CliException(ExitCode.USAGE, "which instance? Give its name ('" + command + " <name>'), or run"
                    + " where " + FILE_NAME + " names it as " + INSTANCE_KEY + ".");
        }
        String configured = in(terminal.workingDirectory()).databaseInstanceName();
        if (configured == null || configured.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "which instance? " + file + " has no " + INSTANCE_KEY
                    + ": give the instance's name ('" + command + " <name>'), or add " + INSTANCE_KEY + " to it.");
        }
        terminal.err().println("Instance " + configured + ", from " + INSTANCE_KEY + " in " + file + ".");
        return configured;
    }

    private static String firstOf(Map<?, ?> root, Map<?, ?> database, String key) {
        String value = text(root.get(key));
        return value != null ? value : text(database.get(key));
    }

    private static String text(Object value) {
        return value == null ? null : value.toString().strip();
    }
}
