package dev.dbcloud.migration.migrating;

import dev.dbcloud.sql.SqlIdentifiers;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.configuration.ClassicConfiguration;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * Flyway, configured for one application's database and one request's scripts: versioned SQL migrations only,
 * each in its own transaction unless they are applied {@link #together}, never out of order, never a baseline,
 * never a clean. Scripts are taken literally (no placeholders): {@code ${...}} in a user's SQL means what
 * PostgreSQL makes of it.
 *
 * <p>The schema history lives in {@value #SCHEMA}, named rather than taken from the search path: with
 * {@code "$user"} first on it, a migration creating a schema named like the owner would otherwise move Flyway's
 * history there on the next run, and every migration would look pending again. Flyway puts {@value #SCHEMA}
 * first on the search path while migrating.
 */
final class ApplicationFlyway {

    static final String SCHEMA = "public";

    /** Flyway's schema history, in {@value #SCHEMA} (see {@link SchemaHistory}); Flyway's default name, kept. */
    static final String HISTORY_TABLE = "flyway_schema_history";

    /** What each migration applied one at a time is held to; it keeps no state, so every run shares it. */
    private static final Callback EACH_MIGRATION = new EachMigration(null);

    /** Where no migrations are: the scripts come from the request, never from the class path. */
    private static final String NO_LOCATION = "classpath:dev/dbcloud/migration/migrating/none";

    /**
     * Flyway's defaults with its plugins (database types, parsers, extensions) looked up, once. A configuration made
     * from scratch looks them up again, with a {@link java.util.ServiceLoader} over the whole class path, for each
     * of the Flyway commands of a run (one when it goes well, more when it does not); in the packaged service (jars
     * nested in a jar) that costs more than applying a small migration. A configuration made from this one copies the plugins
     * found instead (Flyway's own {@link FluentConfiguration#configuration(Configuration)}); the lookup is done
     * here, before any copy, and this configuration is never changed after, so copies made by several threads at
     * once only read it. {@link ScriptStatements} parses with it, as it is: placeholders off, as in every command.
     */
    static final Configuration DEFAULTS = defaultsWithPluginsFound();

    /**
     * @param dataSource sessions on the application's database
     * @param owner the role every session switches to before any migration runs, or null to stay the login role
     * @param target the last version to apply
     */
    static Flyway migrating(DataSource dataSource, String owner, RequestedScripts scripts, MigrationVersion target) {
        return configure(dataSource, owner, scripts).target(target).callbacks(EACH_MIGRATION).load();
    }

    /**
     * For applying every pending migration in one transaction, Flyway's {@code group}: a failure anywhere rolls them
     * all back. Every pending migration must be able to run in a transaction.
     *
     * @param last the last pending version (see {@link EachMigration})
     * @param guard called back before and after each migration, within the transaction; null for none
     */
    static Flyway together(DataSource dataSource, String owner, RequestedScripts scripts, MigrationVersion last,
            Callback guard) {
        FluentConfiguration configuration = configure(dataSource, owner, scripts).group(true);
        Callback eachMigration = new EachMigration(last);
        return (guard == null ? configuration.callbacks(eachMigration)
                : configuration.callbacks(guard, eachMigration)).load();
    }

    /** For validating what was applied before: pending migrations and applied ones newer than the request pass. */
    static Flyway validating(DataSource dataSource, String owner, RequestedScripts scripts) {
        return configure(dataSource, owner, scripts).ignoreMigrationPatterns("*:future", "*:pending").load();
    }

    private static FluentConfiguration configure(DataSource dataSource, String owner, RequestedScripts scripts) {
        return Flyway.configure(ApplicationFlyway.class.getClassLoader())
                .configuration(DEFAULTS)
                .dataSource(dataSource)
                .initSql(owner == null ? null : "SET ROLE " + SqlIdentifiers.quote(owner))
                .defaultSchema(SCHEMA)
                .table(HISTORY_TABLE)
                .resourceProvider(scripts)
                .javaMigrationClassProvider(List::of)
                .locations(NO_LOCATION)
                .failOnMissingLocations(false)
                .skipDefaultCallbacks(true)
                .placeholderReplacement(false)
                .validateMigrationNaming(true)
                .validateOnMigrate(true)
                .cleanDisabled(true)
                .outOfOrder(false)
                .baselineOnMigrate(false)
                .group(false)
                .mixed(false)
                .connectRetries(0);
    }

    private static Configuration defaultsWithPluginsFound() {
        ClassicConfiguration defaults = new ClassicConfiguration(ApplicationFlyway.class.getClassLoader());
        defaults.setPlaceholderReplacement(false);
        new ClassicConfiguration(defaults); // a copy makes the original look its plugins up
        // Flyway's lock on its history a session holds, not a transaction: a transaction held open beside the
        // migrations makes CREATE INDEX CONCURRENTLY wait for it until lock_timeout. Flyway then also works on one
        // session, so a migration and its row in the history commit together.
        defaults.getPluginRegister().getExact(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return defaults;
    }

    private ApplicationFlyway() {
    }
}
