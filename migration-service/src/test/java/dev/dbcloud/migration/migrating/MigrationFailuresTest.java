package dev.dbcloud.migration.migrating;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.events.MigrationFailureReason;
import dev.dbcloud.migration.migrating.MigrationOutcome.Refused;
import dev.dbcloud.sql.ServerLogin.SessionLimits;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

/** How each kind of failure is told to the user, without any server: the classification is a pure function. */
class MigrationFailuresTest {

    private static final String PASSWORD = "s3cret-Passw0rd";

    private final MigrationFailures failures = failures(List.of());

    @Test
    void aCancelledStatementOrALockWaitOrASocketTimeoutIsATimeoutThatNamesTheLimit() {
        assertThat(failures.server(new SQLException("canceling statement", "57014"), "3", "version 3"))
                .isEqualTo(new Refused(MigrationFailureReason.TIMEOUT, "3", "57014",
                        "version 3 timed out: a statement ran longer than 60s (statement_timeout)"));
        assertThat(failures.server(new SQLException("lock timeout", "55P03"), "3", "version 3").message())
                .isEqualTo("version 3 timed out: a lock was held longer than 5s (lock_timeout)");
        SQLException socket = new SQLException("I/O error", "08006", new SocketTimeoutException("Read timed out"));
        assertThat(failures.server(socket, null, "migrating").reason()).isEqualTo(MigrationFailureReason.TIMEOUT);
    }

    @Test
    void aServerThatIsNotThereOrRefusesTheLoginIsNotAvailable() {
        assertThat(failures.server(new SQLException("refused", "08001"), null, "preparing the database shop"))
                .isEqualTo(new Refused(MigrationFailureReason.INSTANCE_NOT_AVAILABLE, null, "08001",
                        "preparing the database shop failed: the server at db.test:5432 could not be reached"
                                + " (SQLSTATE 08001)"));
        assertThat(failures.server(new SQLException("starting up", "57P03"), null, "migrating").reason())
                .isEqualTo(MigrationFailureReason.INSTANCE_NOT_AVAILABLE);
        assertThat(failures.server(new SQLException("password", "28P01"), null, "migrating").message())
                .isEqualTo("migrating failed: the server at db.test:5432 refused the login of shop_owner"
                        + " (SQLSTATE 28P01)");
    }

    @Test
    void aRestorePointTheServerCannotMakeLeavesTheInstanceNotAvailableAndSaysNothingRan() {
        Refused refused = failures.restorePoint(new SQLException("recovery is in progress", "55000"),
                "dbcloud-before-42");

        assertThat(refused).isEqualTo(new Refused(MigrationFailureReason.INSTANCE_NOT_AVAILABLE, null, "55000",
                "making the restore point dbcloud-before-42 failed: recovery is in progress; no migration ran, since"
                        + " none runs on a local instance that a restore could not undo"));
        assertThat(failures.restorePoint(new SQLException("refused", "08001"), "dbcloud-before-42").reason())
                .isEqualTo(MigrationFailureReason.INSTANCE_NOT_AVAILABLE);
        assertThat(failures.restorePoint(new SQLException("canceling statement", "57014"), "dbcloud-before-42")
                .reason()).isEqualTo(MigrationFailureReason.TIMEOUT);
    }

    @Test
    void anyOtherStatementFailureIsAnSqlErrorWithTheServersFirstLineAndNoPassword() {
        SQLException e = new SQLException("relation \"orders\" does not exist, password " + PASSWORD + "\nWhere: x",
                "42P01");

        Refused refused = failures.server(e, "2", "version 2, line 4");

        assertThat(refused.reason()).isEqualTo(MigrationFailureReason.SQL_ERROR);
        assertThat(refused.sqlState()).isEqualTo("42P01");
        assertThat(refused.message()).isEqualTo(
                "version 2, line 4 failed: relation \"orders\" does not exist, password ********");
    }

    @Test
    void saysWhatThisRunAppliedBeforeItFailed() {
        SQLException e = new SQLException("syntax error", "42601");

        assertThat(failures(List.of("1")).server(e, "2", "version 2").message())
                .endsWith(" (version 1 was applied before)");
        assertThat(failures(List.of("1", "1.1")).server(e, "2", "version 2").message())
                .endsWith(" (versions 1, 1.1 were applied before)");
    }

    @Test
    void aFlywayFailureWithoutAStatementIsAnInvalidMigrationAndOneWithAStatementIsTheServers() {
        assertThat(failures.flyway(new FlywayException("Found more than one migration with version 1\n  Offenders"), name -> null))
                .isEqualTo(new Refused(MigrationFailureReason.INVALID_MIGRATION, null, null,
                        "Found more than one migration with version 1 Offenders"));
        FlywayException withStatement = new FlywayException("Migration failed", new SQLException("boom", "42601"));
        assertThat(failures.flyway(withStatement, name -> null))
                .isEqualTo(new Refused(MigrationFailureReason.SQL_ERROR, null, "42601", "migrating failed: boom"));
    }

    @Test
    void aBreakingChangeNamesTenChangesAtMostAndTheStatement() {
        List<String> changes = IntStream.rangeClosed(1, 12).mapToObj(i -> "column public.t.c" + i + " dropped").toList();
        ScriptStatements.Statement statement = new ScriptStatements.Statement("ALTER TABLE t DROP COLUMN c1", 3, true,
                false);

        Refused refused = failures.breaking(new BreakingChangeGuard.Breaking(MigrationVersion.fromVersion("4"),
                changes, statement));

        assertThat(refused.reason()).isEqualTo(MigrationFailureReason.BREAKING_CHANGE);
        assertThat(refused.failedVersion()).isEqualTo("4");
        assertThat(refused.message()).startsWith("version 4 would break clients of the current schema: "
                + "column public.t.c1 dropped, ").contains("column public.t.c10 dropped and 2 more (line 3: ")
                .doesNotContain("c11");
    }

    private static MigrationFailures failures(List<String> applied) {
        return new MigrationFailures("db.test:5432", "shop_owner",
                new SessionLimits(Duration.ofSeconds(60), Duration.ofSeconds(5)), applied,
                text -> text.replace(PASSWORD, "********"));
    }
}
