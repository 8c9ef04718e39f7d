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
 * What {@code dbcloud migrate} takes from a DBOS application's {@code dbos-config.yaml}: the application's
 * {@code name}, and {@code app_db_name} (at the top level, or under {@code database:} as older DBOS versions have it).
 */
record DbosConfig(String name, String appDbName) {

    static final String FILE_NAME = "dbos-config.yaml";

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
            String appDbName = text(root.get("app_db_name"));
            if (appDbName == null && root.get("database") instanceof Map<?, ?> database) {
                appDbName = text(database.get("app_db_name"));
            }
            return new DbosConfig(text(root.get("name")), appDbName);
        } catch (IOException | YAMLException e) {
            throw new CliException(ExitCode.USAGE, "cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString().strip();
    }
}
