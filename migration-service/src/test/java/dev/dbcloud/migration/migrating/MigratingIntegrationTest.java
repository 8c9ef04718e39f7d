package dev.dbcloud.migration.migrating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.AppliedMigration;
import dev.dbcloud.events.DatabaseCreated;
import dev.dbcloud.events.MigrateRequested;
import dev.dbcloud.events.Migration;
import dev.dbcloud.events.MigrationFailed;
import dev.dbcloud.events.MigrationFailureReason;
import dev.dbcloud.events.MigrationSucceeded;
import dev.dbcloud.migration.MigrationServiceIntegrationTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MigratingIntegrationTest extends MigrationServiceIntegrationTest {

    private static final Migration ORDERS = migration("1", "create orders",
            "CREATE TABLE orders (id bigint PRIMARY KEY, note text, amount integer);");
    /** {@link #ORDERS}'s version with a script of another checksum. */
    private static final Migration ORDERS_CHANGED = migration("1", "create orders",
            "CREATE TABLE orders (id bigint PRIMARY KEY, note text, amount integer, extra text);");
    private static final Migration CUSTOMERS = migration("2", "create customers",
            "CREATE TABLE customers (id bigint PRIMARY KEY, name text);");

    @Test
    void createsTheDatabaseAndAppliesTheMigrationsAsItsOwner() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        MigrateRequested command = migrateCommand(instance, database, false, ORDERS, CUSTOMERS,
                migration("2.1", "add customer email and index",
                        "ALTER TABLE customers ADD COLUMN email text; CREATE INDEX customers_email ON customers (email);"));

        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class, command);

        assertThat(succeeded.getAppliedVersions()).containsExactly("1", "2", "2.1");
        assertThat(succeeded.getCurrentVersion()).isEqualTo("2.1");
        assertThat(succeeded.getDatabase()).isEqualTo(database);
        assertThat(succeeded.getHistory()).extracting(AppliedMigration::getVersion, AppliedMigration::getDescription)
                .containsExactly(tuple("1", "create orders"),
                        tuple("2", "create customers"),
                        tuple("2.1", "add customer email and index"));
        assertThat(succeeded.getHistory()).allSatisfy(applied -> {
            assertThat(applied.getChecksum()).isNotNull();
            assertThat(applied.getAppliedAt()).isBetween(before.minusSeconds(5), Instant.now().plusSeconds(5));
        });
        assertThat(events(command.getOperationId())).noneMatch(DatabaseCreated.class::isInstance);

        assertThat(query(database, "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"))
                .containsExactly(List.of("customers", OWNER), List.of("flyway_schema_history", OWNER),
                        List.of("orders", OWNER));
        assertThat(query(database, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"))
                .containsExactly(List.of(OWNER));
        assertThat(query(database, "SELECT count(*) FROM pg_database d, aclexplode(d.datacl) acl "
                + "WHERE d.datname = current_database() AND acl.grantee = 0")).containsExactly(List.of("0"));
        assertThat(query(database, "SELECT DISTINCT installed_by FROM flyway_schema_history"))
                .containsExactly(List.of(OWNER));
    }

    @Test
    void aFailedMigrationLeavesTheOnesBeforeItAppliedAndTheFixedSetAppliesOnlyIt() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        Migration broken = migration("3", "add notes",
                "CREATE TABLE notes (id bigint);\nALTER TABLE missing ADD COLUMN note text;");

        MigrationFailed failed = migrate(MigrationFailed.class,
                migrateCommand(instance, database, false, ORDERS, CUSTOMERS, broken));

        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.SQL_ERROR);
        assertThat(failed.getFailedVersion()).isEqualTo("3");
        assertThat(failed.getSqlState()).isEqualTo("42P01");
        assertThat(failed.getMessage()).contains("version 3", "line 2", "relation \"missing\" does not exist")
                .doesNotContain(CONTROL_PASSWORD);
        assertThat(appliedVersions(database)).containsExactly("1", "2");
        assertThat(failed.getHistory()).as("the failure reports what stayed applied")
                .extracting(AppliedMigration::getVersion).containsExactly("1", "2");
        assertThat(query(database, "SELECT count(*) FROM flyway_schema_history WHERE version = '3'"))
                .containsExactly(List.of("0"));
        assertThat(query(database, "SELECT to_regclass('public.notes') IS NULL")).containsExactly(List.of("t"));

        Migration fixed = migration("3", "add notes", "CREATE TABLE notes (id bigint);");
        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class,
                migrateCommand(instance, database, false, ORDERS, CUSTOMERS, fixed));

        assertThat(succeeded.getAppliedVersions()).containsExactly("3");
        assertThat(succeeded.getHistory()).extracting(AppliedMigration::getVersion).containsExactly("1", "2", "3");
        assertThat(appliedVersions(database)).containsExactly("1", "2", "3");
    }

    @Test
    void sendingAppliedMigrationsAgainAppliesNothingAndSucceeds() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        MigrationSucceeded first = migrate(MigrationSucceeded.class,
                migrateCommand(instance, database, false, ORDERS, CUSTOMERS));

        MigrateRequested again = migrateCommand(instance, database, false, ORDERS, CUSTOMERS);
        MigrationSucceeded second = migrate(MigrationSucceeded.class, again);

        assertThat(second.getAppliedVersions()).isEmpty();
        assertThat(second.getCurrentVersion()).isEqualTo("2");
        assertThat(second.getHistory()).isEqualTo(first.getHistory());
        assertThat(events(again.getOperationId())).noneMatch(DatabaseCreated.class::isInstance);
        assertThat(appliedVersions(database)).containsExactly("1", "2");
    }

    @Test
    void aChangedScriptOfAnAppliedVersionFailsWithAChecksumMismatch() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, ORDERS));

        MigrationFailed failed = migrate(MigrationFailed.class,
                migrateCommand(instance, database, false, ORDERS_CHANGED, CUSTOMERS));

        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.CHECKSUM_MISMATCH);
        assertThat(failed.getFailedVersion()).isEqualTo("1");
        assertThat(appliedVersions(database)).containsExactly("1");
    }

    /** The request disagreeing with what was applied is told first, before anything about the pending versions. */
    @ParameterizedTest
    @MethodSource("refusedPendingVersions")
    void aChangedScriptOfAnAppliedVersionIsToldBeforeWhatIsWrongWithAPendingOne(String pendingSql)
            throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, ORDERS));

        MigrationFailed failed = migrate(MigrationFailed.class,
                migrateCommand(instance, database, false, ORDERS_CHANGED, migration("2", "pending", pendingSql)));

        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.CHECKSUM_MISMATCH);
        assertThat(failed.getFailedVersion()).isEqualTo("1");
        assertThat(appliedVersions(database)).containsExactly("1");
    }

    static Stream<String> refusedPendingVersions() {
        return Stream.of("ALTER TABLE orders DROP COLUMN note;", "ALTER TABLE orders ADD COLUMN extra text;\nCOMMIT;",
                "SELECT * FROM no_such_table;");
    }

    static Stream<Arguments> breakingChanges() {
        return Stream.of(
                Arguments.of("ALTER TABLE orders DROP COLUMN note;", "column public.orders.note dropped"),
                Arguments.of("ALTER TABLE orders RENAME COLUMN note TO remark;",
                        "column public.orders.note renamed to remark"),
                Arguments.of("ALTER TABLE orders ALTER COLUMN amount TYPE bigint;",
                        "column public.orders.amount type changed from integer to bigint"),
                Arguments.of("DROP TABLE orders;", "table public.orders dropped"),
                Arguments.of("ALTER TABLE orders RENAME TO purchases;", "table public.orders renamed to public.purchases"));
    }

    @ParameterizedTest
    @MethodSource("breakingChanges")
    void refusesABreakingChangeNamingWhatItBreaksAndAppliesNothing(String change, String named) throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, ORDERS));
        String statement = change.substring(0, change.length() - 1);

        MigrationFailed failed = migrate(MigrationFailed.class, migrateCommand(instance, database, false, ORDERS,
                CUSTOMERS, migration("3", "change orders", "CREATE TABLE archive (id bigint);\n" + change)));

        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.BREAKING_CHANGE);
        assertThat(failed.getFailedVersion()).isEqualTo("3");
        assertThat(failed.getMessage()).contains(named, "line 2: " + statement);
        assertThat(appliedVersions(database)).containsExactly("1");
        assertThat(query(database, "SELECT column_name, data_type FROM information_schema.columns "
                + "WHERE table_name = 'orders' ORDER BY ordinal_position"))
                .containsExactly(List.of("id", "bigint"), List.of("note", "text"), List.of("amount", "integer"));
        assertThat(query(database, "SELECT to_regclass('public.customers') IS NULL")).containsExactly(List.of("t"));
    }

    @Test
    void aBreakingChangeToWhatAnEarlierPendingMigrationCreatedIsRefused() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");

        MigrationFailed failed = migrate(MigrationFailed.class, migrateCommand(instance, database, false, ORDERS,
                CUSTOMERS, migration("3", "widen customers", "ALTER TABLE customers ADD COLUMN email text;"),
                migration("4", "drop customer names", "ALTER TABLE customers DROP COLUMN name;")));

        // Each migration is compared with the shape the ones before it left, not with the shape before the run.
        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.BREAKING_CHANGE);
        assertThat(failed.getFailedVersion()).isEqualTo("4");
        assertThat(failed.getMessage()).contains("column public.customers.name dropped");
        assertThat(query(database, "SELECT to_regclass('public.orders') IS NULL, to_regclass('public.customers') IS NULL"))
                .containsExactly(List.of("t", "t"));
    }

    @Test
    void appliesABreakingChangeWhenTheRequestAllowsIt() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, ORDERS));

        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class, migrateCommand(instance, database, true,
                ORDERS, migration("2", "drop note", "ALTER TABLE orders DROP COLUMN note;")));

        assertThat(succeeded.getAppliedVersions()).containsExactly("2");
        assertThat(query(database, "SELECT count(*) FROM information_schema.columns "
                + "WHERE table_name = 'orders' AND column_name = 'note'")).containsExactly(List.of("0"));
    }

    /**
     * The guard watches the run that applies the migrations rather than rehearsing it: a statement runs once, so what
     * a rollback does not undo (a sequence's next value, here) happens once. The pending migrations commit together.
     */
    @Test
    void aRunTheGuardPassesRunsEachStatementOnceAndCommitsTheMigrationsTogether() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        Migration tickets = migration("1", "tickets",
                "CREATE SEQUENCE tickets; CREATE TABLE issued (ticket bigint, version text);");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, tickets));

        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class, migrateCommand(instance, database, false,
                tickets,
                migration("2", "first ticket", "INSERT INTO issued SELECT nextval('tickets'), '2';"),
                migration("3", "second ticket", "INSERT INTO issued SELECT nextval('tickets'), '3';"),
                migration("4", "archive", "CREATE TABLE archive (ticket bigint);")));

        assertThat(succeeded.getAppliedVersions()).containsExactly("2", "3", "4");
        assertThat(query(database, "SELECT ticket, version FROM issued ORDER BY ticket"))
                .containsExactly(List.of("1", "2"), List.of("2", "3"));
        assertThat(query(database, "SELECT count(DISTINCT xmin::text) FROM issued"))
                .as("the rows of versions 2 and 3, committed in one transaction").containsExactly(List.of("1"));
    }

    @Test
    void aMigrationCreatingAnIndexConcurrentlyIsAppliedOutsideATransaction() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");

        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class, migrateCommand(instance, database, false,
                ORDERS, migration("2", "index notes", "CREATE INDEX CONCURRENTLY orders_note ON orders (note);"),
                migration("3", "create customers", "CREATE TABLE customers (id bigint PRIMARY KEY);")));

        assertThat(succeeded.getAppliedVersions()).containsExactly("1", "2", "3");
        assertThat(query(database, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_note'::regclass"))
                .containsExactly(List.of("t"));
    }

    /**
     * Flyway keeps a failed migration that ran outside a transaction in its history, and would refuse every request
     * after it until someone ran its repair, which a user of dbcloud cannot: the next request tries it again.
     */
    @Test
    void aFailedMigrationOutsideATransactionIsTriedAgainByTheNextRequest() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");

        MigrationFailed failed = migrate(MigrationFailed.class, migrateCommand(instance, database, false, ORDERS,
                migration("2", "index", "CREATE INDEX CONCURRENTLY orders_missing ON missing (id);")));

        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.SQL_ERROR);
        assertThat(failed.getFailedVersion()).isEqualTo("2");
        assertThat(failed.getSqlState()).isEqualTo("42P01");
        assertThat(failed.getMessage()).contains("version 2 ran outside a transaction", "retry version 2");
        assertThat(failed.getHistory()).extracting(AppliedMigration::getVersion).containsExactly("1");
        assertThat(query(database, "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank"))
                .containsExactly(List.of("1", "t"), List.of("2", "f"));

        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class, migrateCommand(instance, database, false,
                ORDERS, migration("2", "index", "CREATE INDEX CONCURRENTLY orders_note ON orders (note);"),
                migration("3", "create customers", "CREATE TABLE customers (id bigint PRIMARY KEY);")));

        assertThat(succeeded.getAppliedVersions()).containsExactly("2", "3");
        assertThat(query(database, "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank"))
                .containsExactly(List.of("1", "t"), List.of("2", "t"), List.of("3", "t"));
    }

    /**
     * The owner can write anything into Flyway's history table; a row Flyway could not have written is refused, even
     * a row of a version the request does not hold (one applied by a newer version of the application).
     */
    @ParameterizedTest
    @ValueSource(strings = {"type = 'NONSENSE'", "version = 'two'", "installed_on = NULL", "description = NULL",
        "success = NULL"})
    void aSchemaHistoryTheOwnerMangledIsRefusedAsInvalid(String mangled) throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, ORDERS, CUSTOMERS));
        execute(database, "ALTER TABLE flyway_schema_history ALTER COLUMN installed_on DROP NOT NULL, "
                + "ALTER COLUMN description DROP NOT NULL, ALTER COLUMN success DROP NOT NULL");
        execute(database, "UPDATE flyway_schema_history SET " + mangled + " WHERE version = '2'");

        MigrationFailed failed = migrate(MigrationFailed.class, migrateCommand(instance, database, false, ORDERS));

        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.INVALID_MIGRATION);
        assertThat(failed.getMessage()).contains("schema history");
    }

    /**
     * With its schema, the history is gone (reading it finds no table, 42P01, not a missing schema): as Flyway does,
     * the run makes the schema again and applies everything.
     */
    @Test
    void aDatabaseWhoseSchemaWasDroppedIsMigratedAfresh() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, ORDERS));
        execute(database, "DROP SCHEMA public CASCADE");

        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class,
                migrateCommand(instance, database, false, ORDERS, CUSTOMERS));

        assertThat(succeeded.getAppliedVersions()).containsExactly("1", "2");
        assertThat(succeeded.getHistory()).extracting(AppliedMigration::getVersion).containsExactly("1", "2");
    }

    /** A version taken back by a later row of the history (Flyway's repair of a missing one) is pending again. */
    @Test
    void aVersionTheHistoryTookBackIsAppliedAgain() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, ORDERS, CUSTOMERS));
        execute(database, "DROP TABLE customers");
        execute(database, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                + "checksum, installed_by, execution_time, success) "
                + "SELECT 3, '2', 'create customers', 'DELETE', 'V2__create_customers.sql', NULL, current_user, 0, "
                + "true");

        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class,
                migrateCommand(instance, database, false, ORDERS, CUSTOMERS));

        assertThat(succeeded.getAppliedVersions()).containsExactly("2");
        assertThat(query(database, "SELECT to_regclass('public.customers') IS NOT NULL")).containsExactly(List.of("t"));
    }

    /**
     * Each migration begins with the settings the session began with, whether the run applies them together or one
     * at a time (version 3 cannot run in a transaction, so the second request goes one at a time).
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aSettingAMigrationMadeDoesNotReachTheNextMigration(boolean together) throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        String record = "INSERT INTO seen SELECT current_setting('TimeZone'), current_setting('lock_timeout'),"
                + " '2024-01-01 00:00';";
        List<Migration> migrations = new ArrayList<>(List.of(
                migration("1", "settings", "CREATE TABLE seen (time_zone text, lock_timeout text, at timestamptz); "
                        + record + " SET LOCAL TIME ZONE 'Pacific/Kiritimati'; SET lock_timeout = '1h';"),
                migration("2", "record", record)));
        if (!together) {
            migrations.add(migration("3", "index", "CREATE INDEX CONCURRENTLY seen_at ON seen (at);"));
        }

        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false,
                migrations.toArray(Migration[]::new)));

        // Version 2 saw what version 1 saw before its SETs: the login's time zone and its lock_timeout (the run's
        // limit, which the reset keeps), so the same literal is the same instant.
        List<List<String>> seen = query(database, "SELECT time_zone, lock_timeout, at FROM seen");
        assertThat(seen).hasSize(2).containsOnly(seen.get(0));
        assertThat(query(database, "SELECT DISTINCT lock_timeout FROM seen")).containsExactly(List.of("1s"));
    }

    /** Flyway's lock on its history is its session's; a migration releasing it would leave Flyway failing after. */
    @Test
    void aMigrationReleasingTheSessionsAdvisoryLocksIsRefusedAndRolledBack() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");

        MigrationFailed failed = migrate(MigrationFailed.class, migrateCommand(instance, database, false, ORDERS,
                migration("2", "unlock", "SELECT pg_advisory_unlock_all(); CREATE TABLE unlocked (id int);"),
                migration("3", "create customers", "CREATE TABLE customers (id bigint PRIMARY KEY);")));

        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.INVALID_MIGRATION);
        assertThat(failed.getFailedVersion()).isEqualTo("2");
        assertThat(failed.getMessage()).contains("released the advisory locks");
        assertThat(appliedVersions(database)).containsExactly("1");
        assertThat(query(database, "SELECT to_regclass('public.unlocked') IS NULL")).containsExactly(List.of("t"));
    }

    /** Flyway runs ALTER TYPE ... ADD VALUE in a transaction on this server: its failure undid all of it. */
    @Test
    void aFailureInATransactionDoesNotSayItRanOutsideOne() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        Migration moods = migration("1", "moods", "CREATE TYPE mood AS ENUM ('happy');");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, moods));

        MigrationFailed failed = migrate(MigrationFailed.class, migrateCommand(instance, database, false, moods,
                migration("2", "more moods", "ALTER TYPE mood ADD VALUE 'sad';\nALTER TYPE mood ADD VALUE 'happy';")));

        assertThat(failed.getFailedVersion()).isEqualTo("2");
        assertThat(failed.getMessage()).contains("line 2").doesNotContain("outside a transaction");
        assertThat(query(database, "SELECT enumlabel FROM pg_enum WHERE enumtypid = 'mood'::regtype"))
                .containsExactly(List.of("happy"));
    }

    /** Were they committed apart, a crash between the two would leave a migration applied that the history lacks. */
    @Test
    void aMigrationAndItsRowInTheHistoryCommitTogether() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");

        migrate(MigrationSucceeded.class, migrateCommand(instance, database, true, ORDERS,
                migration("2", "first order", "INSERT INTO orders (id) VALUES (1);")));

        assertThat(query(database, "SELECT (SELECT xmin::text FROM flyway_schema_history WHERE version = '2') "
                + "= (SELECT xmin::text FROM orders WHERE id = 1)")).containsExactly(List.of("t"));
    }

    @Test
    void aMigrationTheDryRunCannotRunYetIsInspectedOnceTheOnesBeforeItAreApplied() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        Migration states = migration("1", "states",
                "CREATE TYPE state AS ENUM ('new'); CREATE TABLE orders (id bigint, state state);");
        Migration paid = migration("2", "paid", "ALTER TYPE state ADD VALUE 'paid';");
        // A value added to an enum cannot be used before its transaction commits, so a dry run of versions 2 and 3
        // in one transaction stops at 3; 3 runs once 2 is applied.
        Migration payAll = migration("3", "pay all", "UPDATE orders SET state = 'paid';");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, states));

        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class,
                migrateCommand(instance, database, false, states, paid, payAll));

        assertThat(succeeded.getAppliedVersions()).containsExactly("2", "3");

        MigrationFailed failed = migrate(MigrationFailed.class, migrateCommand(instance, database, false, states, paid,
                payAll, migration("4", "sent", "ALTER TYPE state ADD VALUE 'sent';"),
                migration("5", "send all", "UPDATE orders SET state = 'sent';\nALTER TABLE orders DROP COLUMN state;")));

        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.BREAKING_CHANGE);
        assertThat(failed.getFailedVersion()).isEqualTo("5");
        assertThat(failed.getMessage()).contains("column public.orders.state dropped", "line 2",
                "version 4 was applied before");
        assertThat(appliedVersions(database)).containsExactly("1", "2", "3", "4");
    }

    /** The run's sessions are shared by its steps, but what a migration sets in its session ends with its command. */
    @Test
    void aSettingAMigrationLeftInItsSessionDoesNotReachTheNextCommand() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        Migration states = migration("1", "states",
                "CREATE TYPE state AS ENUM ('new'); CREATE TABLE orders (id bigint, state state, flag_seen boolean);");
        // Version 3 uses the value 2 adds, so 2 is applied by one migrate and 3 by the next (see above).
        Migration paid = migration("2", "paid",
                "SELECT pg_catalog.set_config('app.flag', 'left', false); ALTER TYPE state ADD VALUE 'paid';");
        Migration payAll = migration("3", "pay all", "INSERT INTO orders VALUES (1, 'paid', "
                + "coalesce(pg_catalog.current_setting('app.flag', true), '') = 'left');");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, states));

        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class,
                migrateCommand(instance, database, false, states, paid, payAll));

        assertThat(succeeded.getAppliedVersions()).containsExactly("2", "3");
        assertThat(query(database, "SELECT flag_seen FROM orders")).containsExactly(List.of("f"));
    }

    @Test
    void aRunLeavesNoSessionOnTheDatabaseWhetherItSucceedsOrFails() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, ORDERS));
        awaitNoSessionOn(database);

        migrate(MigrationFailed.class, migrateCommand(instance, database, false, ORDERS,
                migration("2", "drop note", "ALTER TABLE orders DROP COLUMN note;")));
        awaitNoSessionOn(database);

        migrate(MigrationFailed.class, migrateCommand(instance, database, true, ORDERS,
                migration("2", "broken", "ALTER TABLE no_such_table ADD COLUMN note text;")));
        awaitNoSessionOn(database);
    }

    private static void awaitNoSessionOn(String database) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(query("postgres",
                "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database + "'"))
                .containsExactly(List.of("0")));
    }

    @Test
    void aMigrationCannotLeaveTheOwnerRole() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class, migrateCommand(instance, database, false,
                migration("1", "escape", "RESET ROLE; CREATE TABLE escaped AS SELECT current_user AS who, "
                        + "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser;")));
        assertThat(succeeded.getAppliedVersions()).containsExactly("1");
        assertThat(query(database, "SELECT superuser FROM escaped")).containsExactly(List.of("f"));
        assertThat(query(database, "SELECT tableowner FROM pg_tables WHERE tablename = 'escaped'"))
                .containsExactly(List.of(OWNER));

        MigrationFailed failed = migrate(MigrationFailed.class, migrateCommand(instance, database, false,
                migration("1", "escape", "RESET ROLE; CREATE TABLE escaped AS SELECT current_user AS who, "
                        + "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser;"),
                migration("2", "shell", "RESET ROLE; COPY (SELECT 1) TO PROGRAM 'true';")));

        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.SQL_ERROR);
        assertThat(failed.getSqlState()).isEqualTo("42501");
        assertThat(query("postgres", "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'dbosadmin_migrations'"))
                .containsExactly(List.of("f"));
    }

    @Test
    void refusesAMigrationThatCommitsItsOwnTransaction() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, ORDERS));

        MigrationFailed failed = migrate(MigrationFailed.class, migrateCommand(instance, database, false, ORDERS,
                migration("2", "sneaky", "ALTER TABLE orders DROP COLUMN note;\nCOMMIT;\nSELECT 1;")));

        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.INVALID_MIGRATION);
        assertThat(failed.getFailedVersion()).isEqualTo("2");
        assertThat(failed.getMessage()).contains("line 2: COMMIT");
        assertThat(query(database, "SELECT count(*) FROM information_schema.columns "
                + "WHERE table_name = 'orders' AND column_name = 'note'")).containsExactly(List.of("1"));
    }

    @Test
    void aSchemaNamedLikeTheOwnerLeavesTheHistoryWhereItIs() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        Migration ownSchema = migration("1", "own schema", "CREATE SCHEMA " + OWNER + "; CREATE TABLE things (id bigint);");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, ownSchema));

        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class, migrateCommand(instance, database, false,
                ownSchema, migration("2", "more things", "ALTER TABLE things ADD COLUMN name text;")));

        assertThat(succeeded.getAppliedVersions()).containsExactly("2");
        assertThat(query(database, "SELECT schemaname, tablename FROM pg_tables WHERE tablename IN "
                + "('things', 'flyway_schema_history') ORDER BY 2"))
                .containsExactly(List.of("public", "flyway_schema_history"), List.of("public", "things"));
    }

    @Test
    void aVersionBelowAnAppliedOneIsInvalid() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, ORDERS, CUSTOMERS));

        MigrationFailed failed = migrate(MigrationFailed.class, migrateCommand(instance, database, false, ORDERS,
                migration("1.5", "late", "CREATE TABLE late (id bigint);"), CUSTOMERS));

        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.INVALID_MIGRATION);
        assertThat(failed.getFailedVersion()).isEqualTo("1.5");
        assertThat(appliedVersions(database)).containsExactly("1", "2");
    }

    @Test
    void aMigrationBlockedByTheApplicationsLocksTimesOut() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        migrate(MigrationSucceeded.class, migrateCommand(instance, database, false, ORDERS));

        try (Connection application = server.getDatabase("postgres", database).getConnection()) {
            application.setAutoCommit(false);
            try (Statement statement = application.createStatement()) {
                statement.execute("LOCK TABLE orders IN ACCESS SHARE MODE");
            }
            MigrationFailed failed = migrate(MigrationFailed.class, migrateCommand(instance, database, false, ORDERS,
                    migration("2", "add status", "ALTER TABLE orders ADD COLUMN status text;")));

            assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.TIMEOUT);
            assertThat(failed.getFailedVersion()).isEqualTo("2");
            assertThat(failed.getSqlState()).isEqualTo("55P03");
            application.rollback();
        }
        assertThat(appliedVersions(database)).containsExactly("1");
    }

    @Test
    void aRedeliveredRequestEmitsItsOutcomeAgainAndNeverRunsAgain() throws SQLException {
        InstanceRef instance = knownLocalInstance();
        String database = uniqueDatabase("shop");
        MigrateRequested command = migrateCommand(instance, database, false, ORDERS);
        MigrationSucceeded first = migrate(MigrationSucceeded.class, command);
        // Were the request to run again, Flyway would find nothing applied and fail to create orders again.
        execute(database, "DELETE FROM flyway_schema_history");

        send(command);
        await().atMost(BOUND).until(() -> events(command.getOperationId()).stream()
                .filter(MigrationSucceeded.class::isInstance).count() == 2);

        List<MigrationSucceeded> outcomes = events(command.getOperationId()).stream()
                .filter(MigrationSucceeded.class::isInstance).map(MigrationSucceeded.class::cast).toList();
        assertThat(outcomes).containsExactly(first, first);
        assertThat(events(command.getOperationId())).noneMatch(DatabaseCreated.class::isInstance);
        assertThat(events(command.getOperationId())).noneMatch(MigrationFailed.class::isInstance);
    }

    @Test
    void aRequestForAnUnknownInstanceFailsAfterWaitingForIt() {
        InstanceRef unknown = new InstanceRef(uniqueTenant(), "nowhere");
        Instant sent = Instant.now();

        MigrationFailed failed = migrate(MigrationFailed.class,
                migrateCommand(unknown, uniqueDatabase("shop"), false, ORDERS));

        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.INSTANCE_NOT_AVAILABLE);
        assertThat(failed.getMessage()).contains("nowhere");
        assertThat(failed.getHistory()).as("nothing could be read").isNull();
        assertThat(failed.getOccurredAt()).isAfterOrEqualTo(sent.plus(INSTANCE_WAIT).truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void aRequestWaitsForTheAnnouncementItOvertook() {
        InstanceRef instance = new InstanceRef(uniqueTenant(), "late");
        MigrateRequested command = migrateCommand(instance, uniqueDatabase("shop"), false, ORDERS);

        send(command);
        publish(provisioned(instance, Instant.now()));

        assertThat(awaitOutcome(MigrationSucceeded.class, command.getOperationId()).getAppliedVersions())
                .containsExactly("1");
    }
}
