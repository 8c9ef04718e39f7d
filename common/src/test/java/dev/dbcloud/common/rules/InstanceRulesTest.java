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

    private static List<Rule> rules(List<Violation> violations) {
        return violations.stream().map(Violation::rule).toList();
    }
}
