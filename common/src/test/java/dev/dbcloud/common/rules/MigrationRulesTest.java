package dev.dbcloud.common.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.dbcloud.common.rules.MigrationRules.Script;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MigrationRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"1", "1.1", "2024.01.02", "2024_01_02", "10.2_3", "007"})
    void acceptsFlywayVersions(String version) {
        assertThat(MigrationRules.version("v", version)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "1.", ".1", "1..2", "1-2", "1.a", " 1", "１"})
    void rejectsOtherVersions(String version) {
        assertThat(MigrationRules.version("v", version)).extracting(Violation::rule).containsExactly(Rule.FORMAT);
    }

    @Test
    void boundsVersionsAtFiftyCharacters() {
        assertThat(MigrationRules.version("v", "1".repeat(50))).isEmpty();
        assertThat(MigrationRules.version("v", "1".repeat(51))).extracting(Violation::rule).containsExactly(Rule.FORMAT);
    }

    @Test
    void requiresAtLeastOneMigration() {
        assertThat(MigrationRules.migrations("migrations", List.of()))
                .extracting(Violation::field, Violation::rule).containsExactly(tuple("migrations", Rule.REQUIRED));
        assertThat(MigrationRules.migrations("migrations", null)).hasSize(1);
    }

    @Test
    void refusesMoreThanAThousandMigrations() {
        List<Script> scripts = new ArrayList<>();
        for (int i = 1; i <= 1001; i++) {
            scripts.add(new Script(Integer.toString(i), "step", "SELECT 1"));
        }
        assertThat(MigrationRules.migrations("migrations", scripts.subList(0, 1000))).isEmpty();
        assertThat(MigrationRules.migrations("migrations", scripts))
                .extracting(Violation::field, Violation::rule).containsExactly(tuple("migrations", Rule.LENGTH));
    }

    @Test
    void refusesVersionsThatFlywayTakesForTheSame() {
        List<Script> scripts = List.of(new Script("1", "a", "SELECT 1"), new Script("2", "b", "SELECT 1"),
                new Script("1.0", "c", "SELECT 1"), new Script("02", "d", "SELECT 1"));

        assertThat(MigrationRules.migrations("migrations", scripts))
                .extracting(Violation::field, Violation::rule)
                .containsExactly(tuple("migrations[2].version", Rule.UNIQUE), tuple("migrations[3].version", Rule.UNIQUE));
    }

    @Test
    void namesEachBrokenFieldOfEachMigration() {
        List<Script> scripts = new ArrayList<>(List.of(new Script("x", "", " ")));
        scripts.add(null);

        assertThat(MigrationRules.migrations("migrations", scripts))
                .extracting(Violation::field, Violation::rule)
                .containsExactly(tuple("migrations[0].version", Rule.FORMAT),
                        tuple("migrations[0].description", Rule.REQUIRED), tuple("migrations[0].sql", Rule.REQUIRED),
                        tuple("migrations[1]", Rule.REQUIRED));
    }

    @Test
    void boundsDescriptionsAndRefusesControlCharacters() {
        assertThat(MigrationRules.description("d", "d".repeat(200))).isEmpty();
        assertThat(MigrationRules.description("d", "create orders")).isEmpty();
        assertThat(MigrationRules.description("d", "d".repeat(201))).extracting(Violation::rule).containsExactly(Rule.LENGTH);
        assertThat(MigrationRules.description("d", "two\nlines")).extracting(Violation::rule).containsExactly(Rule.LENGTH);
    }

    @Test
    void measuresScriptsInUtf8Bytes() {
        List<Script> scripts = List.of(new Script("1", "a", "é".repeat(10)), new Script("2", "b", "x"));
        assertThat(MigrationRules.totalSqlBytes(scripts)).isEqualTo(21);
        assertThat(MigrationRules.totalSqlBytes(Collections.nCopies(2, new Script("1", "a",
                "x".repeat(MigrationRules.TOTAL_SQL_BYTES_MAX / 2))))).isEqualTo(MigrationRules.TOTAL_SQL_BYTES_MAX);
    }
}
