package dev.dbcloud.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SqlIdentifiersTest {

    @Test
    void quotesAPlainName() {
        assertThat(SqlIdentifiers.quote("alice")).isEqualTo("\"alice\"");
    }

    @Test
    void keepsCaseAndSpacesInsideTheQuotes() {
        assertThat(SqlIdentifiers.quote("Order Items")).isEqualTo("\"Order Items\"");
    }

    @Test
    void doublesEmbeddedDoubleQuotes() {
        assertThat(SqlIdentifiers.quote("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(SqlIdentifiers.quote("\"")).isEqualTo("\"\"\"\"");
        assertThat(SqlIdentifiers.quote("x\" SUPERUSER --")).isEqualTo("\"x\"\" SUPERUSER --\"");
    }

    @Test
    void keepsSemicolonsAndCommentMarkersInsideTheQuotes() {
        assertThat(SqlIdentifiers.quote("a; DROP ROLE dbosadmin"))
                .isEqualTo("\"a; DROP ROLE dbosadmin\"");
        assertThat(SqlIdentifiers.quote("a--b")).isEqualTo("\"a--b\"");
        assertThat(SqlIdentifiers.quote("a/*b*/c")).isEqualTo("\"a/*b*/c\"");
        assertThat(SqlIdentifiers.quote("it's")).isEqualTo("\"it's\"");
    }

    @Test
    void keepsUnicodeLookAlikesOfQuotesAsTheyAre() {
        // Fullwidth quotation mark, right double quotation mark, modifier letter double prime: not SQL quotes.
        String lookAlikes = "a\uFF02b\u201Dc\u02BAd";
        assertThat(SqlIdentifiers.quote(lookAlikes)).isEqualTo("\"" + lookAlikes + "\"");
        assertThat(SqlIdentifiers.quote("ａｌｉｃｅ")).isEqualTo("\"ａｌｉｃｅ\"");
    }

    @Test
    void refusesNullAndEmpty() {
        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifiers.quote(null));
        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifiers.quote(""));
    }

    @Test
    void refusesNulWithoutEchoingTheValue() {
        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifiers.quote("secret\0name"))
                .withMessageNotContaining("secret")
                .withMessageNotContaining("name\"");
        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifiers.quote("\0"));
    }

    @Test
    void takesSixtyThreeBytesAndRefusesSixtyFour() {
        String max = "a".repeat(63);
        assertThat(SqlIdentifiers.quote(max)).isEqualTo("\"" + max + "\"");

        String tooLong = "b".repeat(64);
        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifiers.quote(tooLong))
                .withMessageNotContaining(tooLong)
                .withMessageContaining("63");
    }

    @Test
    void countsBytesInUtf8NotCharacters() {
        // 'é' is 2 bytes, '€' is 3, '😀' is 4 (two UTF-16 chars).
        String sixtyThree = "a" + "é".repeat(31);
        assertThat(sixtyThree.getBytes(StandardCharsets.UTF_8)).hasSize(63);
        assertThat(SqlIdentifiers.quote(sixtyThree)).isEqualTo("\"" + sixtyThree + "\"");

        String sixtyFour = "é".repeat(32);
        assertThat(sixtyFour).hasSize(32);
        assertThat(sixtyFour.getBytes(StandardCharsets.UTF_8)).hasSize(64);
        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifiers.quote(sixtyFour))
                .withMessageNotContaining(sixtyFour);

        String euros = "€".repeat(21);
        assertThat(euros.getBytes(StandardCharsets.UTF_8)).hasSize(63);
        assertThat(SqlIdentifiers.quote(euros)).isEqualTo("\"" + euros + "\"");
        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifiers.quote(euros + "x"));

        String emoji = "😀".repeat(15) + "abc";
        assertThat(emoji.getBytes(StandardCharsets.UTF_8)).hasSize(63);
        assertThat(SqlIdentifiers.quote(emoji)).isEqualTo("\"" + emoji + "\"");
        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifiers.quote("😀".repeat(16)));
    }
}
