package dev.dbcloud.migration.migrating;

import dev.dbcloud.events.Migration;
import java.io.Reader;
import java.io.StringReader;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * The migrations of a request as the SQL scripts Flyway would find in a folder: {@code V<version>__<description>.sql}.
 * Flyway reads nothing else (no class path, no file system), and resolves, checksums and validates these as usual.
 */
final class RequestedScripts implements ResourceProvider {

    private final List<Script> scripts;

    RequestedScripts(List<Migration> migrations) {
        this.scripts = migrations.stream().map(Script::of).toList();
    }

    /** The script of a version, as Flyway compares versions ({@code 1.0} is {@code 1}). */
    Optional<Script> script(MigrationVersion version) {
        return scripts.stream().filter(script -> script.version().equals(version)).findFirst();
    }

    /** The scripts of the versions above {@code latest} (all of them when it is null), in version order. */
    List<Script> above(MigrationVersion latest) {
        return scripts.stream().filter(script -> latest == null || script.version().compareTo(latest) > 0)
                .sorted(Comparator.comparing(Script::version))
                .toList();
    }

    @Override
    public LoadableResource getResource(String name) {
        return scripts.stream().filter(script -> script.getFilename().equals(name)).findFirst().orElse(null);
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        return scripts.stream()
                .filter(script -> script.getFilename().startsWith(prefix)
                        && Arrays.stream(suffixes).anyMatch(script.getFilename()::endsWith))
                .map(LoadableResource.class::cast)
                .toList();
    }

    /**
     * One migration as a script resource. Flyway reads the description back from the name, turning underscores
     * into spaces; spaces become underscores here so the name has none, and the description survives the trip.
     */
    /** The version of the requested script of that file name; null when none has it. */
    String versionOf(String fileName) {
        return scripts.stream().filter(script -> script.getFilename().equals(fileName)).findFirst()
                .map(script -> script.version().getVersion()).orElse(null);
    }

    static final class Script extends LoadableResource {

        private final MigrationVersion version;
        private final String name;
        private final String sql;
        private List<ScriptStatements.Statement> statements;
        private FlywayException unparsable;

        private Script(MigrationVersion version, String name, String sql) {
            this.version = version;
            this.name = name;
            this.sql = sql;
        }

        /** @throws org.flywaydb.core.api.FlywayException when the version is not one Flyway can read */
        static Script of(Migration migration) {
            MigrationVersion version = MigrationVersion.fromVersion(migration.getVersion());
            String description = migration.getDescription().strip().replace(' ', '_').replace('/', '_')
                    .replace('\\', '_');
            return new Script(version, "V" + migration.getVersion() + "__" + description + ".sql", migration.getSql());
        }

        MigrationVersion version() {
            return version;
        }

        String sql() {
            return sql;
        }

        /**
         * Its statements ({@link ScriptStatements#of}), parsed once however often a run looks at them: parsing costs
         * more than running a small statement.
         *
         * @throws FlywayException when the script cannot be parsed, each time it is asked
         */
        List<ScriptStatements.Statement> statements() {
            if (statements == null && unparsable == null) {
                try {
                    statements = ScriptStatements.of(this);
                } catch (FlywayException e) {
                    unparsable = e;
                }
            }
            if (unparsable != null) {
                throw unparsable;
            }
            return statements;
        }

        @Override
        public Reader read() {
            return new StringReader(sql);
        }

        @Override
        public String getAbsolutePath() {
            return name;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return name;
        }

        @Override
        public String getFilename() {
            return name;
        }

        @Override
        public String getRelativePath() {
            return name;
        }
    }
}
