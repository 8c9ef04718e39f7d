package dev.dbcloud.common.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TenantRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"abc", "acme", "acme-corp", "a1-2-3", "abcdefghijklmnopqrstuvwxyz012345"})
    void acceptsTenantNames(String name) {
        assertThat(TenantRules.tenantName("name", name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "abcdefghijklmnopqrstuvwxyz0123456"})
    void refusesTenantNamesOfTheWrongLength(String name) {
        assertThat(TenantRules.tenantName("name", name)).extracting(Violation::rule).containsExactly(Rule.LENGTH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Acme", "acme/corp", "acme_corp", "acme corp", "acme'--", "acme;drop", "аcme", "acme\0x"})
    void refusesCharactersOutsideTheAlphabet(String name) {
        assertThat(TenantRules.tenantName("name", name)).extracting(Violation::rule)
                .containsExactly(Rule.ALLOWED_CHARACTERS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1acme", "-acme"})
    void requiresALetterFirst(String name) {
        assertThat(TenantRules.tenantName("name", name)).extracting(Violation::rule)
                .containsExactly(Rule.STARTS_WITH_LETTER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"acme-", "acme--corp"})
    void refusesHyphensAtTheEndOrTwoInARow(String name) {
        assertThat(TenantRules.tenantName("name", name)).extracting(Violation::rule).containsExactly(Rule.FORMAT);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = "")
    void requiresATenantName(String name) {
        assertThat(TenantRules.tenantName("name", name)).extracting(Violation::rule).containsExactly(Rule.REQUIRED);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "ci deploys", "clé de déploiement"})
    void acceptsKeyLabels(String label) {
        assertThat(TenantRules.keyName("name", label)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"line\nbreak", "nul\0", "bell\u0007"})
    void refusesControlCharactersInKeyLabels(String label) {
        assertThat(TenantRules.keyName("name", label)).extracting(Violation::rule)
                .containsExactly(Rule.FORBIDDEN_CHARACTER);
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 65})
    void boundsKeyLabels(int length) {
        assertThat(TenantRules.keyName("name", "x".repeat(length))).hasSize(length > 64 ? 1 : 0);
    }
}
