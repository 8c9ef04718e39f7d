package dev.dbcloud.cli;

import dev.dbcloud.common.rules.MigrationRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of Flyway-named migrations, {@code V<version>__<description>.sql}: the version's parts are separated by
 * dots or single underscores ({@code V1_1__x.sql} is version 1.1), and the description's underscores are spaces.
 * Any other {@code .sql} file is a mistake worth reporting rather than skipping silently.
 */
final class MigrationFolder {

    private static final Pattern VERSIONED = Pattern.compile("V(?<version>[0-9]+(?:[._][0-9]+)*)__(?<description>.+)\\.sql");

    /** The folder's migrations, by file name; Flyway orders them by version on the server. */
    static List<MigrationRules.Script> read(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new CliException(ExitCode.USAGE, "no migrations folder " + folder + "; give one with --dir");
        }
        List<MigrationRules.Script> scripts = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".sql")) {
                    continue;
                }
                Matcher matcher = VERSIONED.matcher(name);
                if (!matcher.matches()) {
                    throw new CliException(ExitCode.USAGE, name + " is not named V<version>__<description>.sql"
                            + (name.startsWith("R__") ? " (repeatable migrations are not supported)" : ""));
                }
                scripts.add(new MigrationRules.Script(matcher.group("version").replace('_', '.'),
                        matcher.group("description").replace('_', ' '), sql(file)));
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read " + folder + ": " + e.getMessage());
        }
        if (scripts.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "no V<version>__<description>.sql files in " + folder);
        }
        return scripts;
    }

    private static String sql(Path file) {
        try {
            return Files.readString(file);
        } catch (CharacterCodingException e) {
            throw new CliException(ExitCode.USAGE, file.getFileName() + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private MigrationFolder() {
    }
}
