package dev.dbcloud.common.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InstanceRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"abc", "a_1", "0db", "___", "abcdefghijklmnop", "prod_db_2024"})
    void acceptsInstanceNamesOfThreeToSixteenAllowedCharacters(String name) {
        assertThat(InstanceRules.instanceName("name", name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "abcdefghijklmnopq", "a"})
    void rejectsInstanceNamesOutsideThreeToSixteenCharacters(String name) {
        assertThat(rules(InstanceRules.instanceName("name", name))).containsExactly(Rule.LENGTH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Abc", "ab-c", "ab c", "ab.c", "abé", "ab\"c", "ab;c", "abc\u0000", "аbc"})
    void rejectsInstanceNamesWithOtherCharacters(String name) {
        assertThat(rules(InstanceRules.instanceName("name", name))).containsExactly(Rule.ALLOWED_CHARACTERS);
    }

    @Test
    void reportsEveryViolationOfOneNameAtOnce() {
        assertThat(InstanceRules.instanceName("name", "A-"))
                .extracting(Violation::field, Violation::rule)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("name", Rule.LENGTH),
                        org.assertj.core.groups.Tuple.tuple("name", Rule.ALLOWED_CHARACTERS));
    }

    @Test
    void requiresANameAndAUsername() {
        assertThat(rules(InstanceRules.instanceName("name", null))).containsExactly(Rule.REQUIRED);
        assertThat(rules(InstanceRules.username("username", ""))).containsExactly(Rule.REQUIRED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "a12", "a_b", "abcdefghijklmnop", "dbosadmin1", "admins"})
    void acceptsUsernamesThatStartWithALetter(String username) {
        assertThat(InstanceRules.username("username", username)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1abc", "_abc", "9__"})
    void rejectsUsernamesThatDoNotStartWithALetter(String username) {
        assertThat(rules(InstanceRules.username("username", username))).containsExactly(Rule.STARTS_WITH_LETTER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dbosadmin", "dbos", "postgres", "admin"})
    void rejectsReservedUsernames(String username) {
        assertThat(rules(InstanceRules.username("username", username))).containsExactly(Rule.RESERVED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "abcdefghijklmnopq"})
    void rejectsUsernamesOutsideThreeToSixteenCharacters(String username) {
        assertThat(rules(InstanceRules.username("username", username))).containsExactly(Rule.LENGTH);
    }

    @Test
    void acceptsPasswordsOfEightToOneHundredTwentyEightCharacters() {
        assertThat(InstanceRules.password("password", "a".repeat(8))).isEmpty();
        assertThat(InstanceRules.password("password", "a".repeat(128))).isEmpty();
        assertThat(InstanceRules.password("password", "Ünïcødé!#$%^&*()-+=[]{}|\\:;<>,.?~`")).isEmpty();
    }

    @Test
    void rejectsPasswordsOutsideEightToOneHundredTwentyEightCharacters() {
        assertThat(rules(InstanceRules.password("password", "a".repeat(7)))).containsExactly(Rule.LENGTH);
        assertThat(rules(InstanceRules.password("password", "a".repeat(129)))).containsExactly(Rule.LENGTH);
        assertThat(rules(InstanceRules.password("password", null))).containsExactly(Rule.REQUIRED);
    }

    @Test
    void countsPasswordLengthInCharactersNotUtf16Units() {
        String sevenEmoji = "😀".repeat(7);
        assertThat(rules(InstanceRules.password("password", sevenEmoji))).containsExactly(Rule.LENGTH);
        assertThat(InstanceRules.password("password", sevenEmoji + "a")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "\"", "@", "'", " ", "\t", "\n", "\r", "\u00a0", "\u2003", "\u3000", "\u000b"})
    void rejectsForbiddenCharactersAndWhitespaceInPasswords(String forbidden) {
        assertThat(rules(InstanceRules.password("password", "goodpass" + forbidden + "word")))
                .containsExactly(Rule.FORBIDDEN_CHARACTER);
    }

    @Test
    void neverRepeatsThePasswordInAMessage() {
        String password = "sec ret/pass'word";
        assertThat(InstanceRules.password("password", password))
                .isNotEmpty()
                .allSatisfy(v -> assertThat(v.message()).doesNotContain(password).doesNotContain("sec"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "_", "orders", "orders_v2", "_x9", "postgres",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"})
    void acceptsDatabaseNamesThatAreLowercaseIdentifiersUpToSixtyThreeCharacters(String name) {
        assertThat(name.length()).isLessThanOrEqualTo(63);
        assertThat(InstanceRules.databaseName("database", name)).isEmpty();
    }

    @Test
    void rejectsDatabaseNamesOfSixtyFourCharacters() {
        assertThat(rules(InstanceRules.databaseName("database", "a".repeat(64)))).containsExactly(Rule.LENGTH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Orders", "ord-ers", "ord\"ers", "o;drop", "o--x", "ord ers", "o\u0000", "оrders"})
    void rejectsDatabaseNamesWithOtherCharacters(String name) {
        assertThat(rules(InstanceRules.databaseName("database", name))).containsExactly(Rule.ALLOWED_CHARACTERS);
    }

    @Test
    void rejectsDatabaseNamesStartingWithADigitAndMissingOnes() {
        assertThat(rules(InstanceRules.databaseName("database", "1st"))).containsExactly(Rule.STARTS_WITH_LETTER);
        assertThat(rules(InstanceRules.databaseName("database", ""))).containsExactly(Rule.REQUIRED);
        assertThat(rules(InstanceRules.databaseName("database", null))).containsExactly(Rule.REQUIRED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "template0", "template1"})
    void reservesTheDatabasesEveryServerHasForItself(String name) {
        assertThat(rules(InstanceRules.applicationDatabaseName("name", name))).containsExactly(Rule.RESERVED);
        assertThat(InstanceRules.applicationDatabaseName("name", name + "_app")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "db.example.com", "DB-1.internal", "10.0.0.7", "::1", "fe80::1"})
    void acceptsHostNamesAndAddresses(String host) {
        assertThat(InstanceRules.hostName("hostName", host)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-db", "db-", "a..b", ".db", "db/x", "db x", "user@db", "db;x", "db\u0000"})
    void rejectsMalformedHostNames(String host) {
        assertThat(rules(InstanceRules.hostName("hostName", host))).containsExactly(Rule.ALLOWED_CHARACTERS);
    }

    @Test
    void boundsHostNamesAtTwoHundredFiftyThreeCharacters() {
        String label = "a".repeat(49);
        String host = String.join(".", label, label, label, label, label) + ".abc"; // 5 x 49 + 4 dots + 4
        assertThat(host).hasSize(253);
        assertThat(InstanceRules.hostName("hostName", host)).isEmpty();
        assertThat(rules(InstanceRules.hostName("hostName", host + "c"))).containsExactly(Rule.LENGTH);
    }

    @Test
    void acceptsPortsFromOneTo65535() {
        assertThat(InstanceRules.port("port", 1)).isEmpty();
        assertThat(InstanceRules.port("port", 65535)).isEmpty();
        assertThat(rules(InstanceRules.port("port", 0))).containsExactly(Rule.RANGE);
        assertThat(rules(InstanceRules.port("port", 65536))).containsExactly(Rule.RANGE);
        assertThat(rules(InstanceRules.port("port", null))).containsExactly(Rule.REQUIRED);
    }

    @Test
    void takesAnyLinkedPasswordUpTo1024CharactersWithoutNul() {
        assertThat(InstanceRules.linkedPassword("password", "p@ss w/'\"")).isEmpty();
        assertThat(InstanceRules.linkedPassword("password", "x".repeat(1024))).isEmpty();
        assertThat(rules(InstanceRules.linkedPassword("password", "x".repeat(1025)))).containsExactly(Rule.LENGTH);
        assertThat(rules(InstanceRules.linkedPassword("password", "ab\u0000cd"))).containsExactly(Rule.LENGTH);
        assertThat(rules(InstanceRules.linkedPassword("password", ""))).containsExactly(Rule.REQUIRED);
    }

    private static List<Rule> rules(List<Violation> violations) {
        return violations.stream().map(Violation::rule).toList();
    }
}
