package dev.dbcloud.migration.migrating;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.events.Migration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptStatementsTest {

    @Test
    void cutsAScriptWhereFlywayWouldWithTheLineEachStartsOn() {
        List<ScriptStatements.Statement> statements = statements("""
                CREATE TABLE orders (id int, note text);
                -- a comment; with a semicolon
                DO $$ BEGIN PERFORM 1; END $$;
                CREATE INDEX CONCURRENTLY orders_id ON orders (id);
                COPY orders (id) FROM STDIN;
                1
                \\.
                ALTER TABLE orders DROP COLUMN note;
                """);

        assertThat(statements).extracting(ScriptStatements.Statement::line).containsExactly(1, 3, 4, 5, 8);
        assertThat(statements.get(1).excerpt()).isEqualTo("DO $$ BEGIN PERFORM 1; END $$");
        assertThat(statements.get(2).inTransaction()).isFalse();
        assertThat(statements.get(3).copiesData()).isTrue();
        assertThat(statements.get(4).excerpt()).isEqualTo("ALTER TABLE orders DROP COLUMN note");
    }

    @Test
    void tellsStatementsThatControlTheirTransaction() {
        List<ScriptStatements.Statement> statements = statements("""
                BEGIN;
                CREATE TABLE t (id int);
                SAVEPOINT s;
                ROLLBACK TO SAVEPOINT s;
                /* nested /* comment */ */ COMMIT;
                end;
                PREPARE TRANSACTION 'x';
                PREPARE plan AS SELECT 1;
                ROLLBACK;
                """);

        assertThat(statements).extracting(ScriptStatements.Statement::controlsTransaction)
                .containsExactly(true, false, false, false, true, true, true, false, true);
    }

    @Test
    void aRequestedScriptIsCutOnceHoweverOftenItsStatementsAreAsked() {
        RequestedScripts.Script script = new RequestedScripts(List.of(new Migration("1", "test",
                "CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN note text;"))).script(
                org.flywaydb.core.api.MigrationVersion.fromVersion("1")).orElseThrow();

        List<ScriptStatements.Statement> statements = script.statements();

        assertThat(statements).extracting(ScriptStatements.Statement::line).containsExactly(1, 2);
        assertThat(script.statements()).isSameAs(statements);
    }

    private static List<ScriptStatements.Statement> statements(String sql) {
        return ScriptStatements.of(new RequestedScripts(List.of(new Migration("1", "test", sql))).script(
                org.flywaydb.core.api.MigrationVersion.fromVersion("1")).orElseThrow());
    }
}
