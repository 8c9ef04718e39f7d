package dev.dbcloud.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectionUrlsTest {

    private static final String URL = "postgresql://alice@localhost:15432/postgres";

    @ParameterizedTest
    @ValueSource(strings = {"plainpassword1", "per%cent12", "plus+sign12", "co:lon:1234", "hash#tag1234",
        "question?123", "and&more1234", "equals=12345", "bracket[1234", "bracket]1234", "caf\u00e9cr\u00e8me",
        "space in it1", "tilde~star*1", "mix%+:#?&=[]\u00e9", "%2Balready12", "\u65e5\u672c\u8a9e\u30d1\u30b9"})
    void keepsEveryCharacterOfThePasswordInTheUserInfo(String password) {
        URI uri = URI.create(ConnectionUrls.withPassword(URL, password));

        assertThat(uri.getUserInfo()).isEqualTo("alice:" + password);
        assertThat(uri.getScheme()).isEqualTo("postgresql");
        assertThat(uri.getHost()).isEqualTo("localhost");
        assertThat(uri.getPort()).isEqualTo(15432);
        assertThat(uri.getPath()).isEqualTo("/postgres");
        assertThat(uri.getQuery()).isNull();
        assertThat(uri.getFragment()).isNull();
    }

    @Test
    void encodesPlusAsPercentTwoBRatherThanLeavingItAsAPlus() {
        String url = ConnectionUrls.withPassword(URL, "a+b+c+d+");

        assertThat(url).isEqualTo("postgresql://alice:a%2Bb%2Bc%2Bd%2B@localhost:15432/postgres");
    }

    @Test
    void encodesSpaceAsPercentTwentyRatherThanAsAPlus() {
        String url = ConnectionUrls.withPassword(URL, "a b");

        assertThat(url).isEqualTo("postgresql://alice:a%20b@localhost:15432/postgres");
    }

    @Test
    void encodesNonAsciiCharactersAsUtf8Bytes() {
        assertThat(ConnectionUrls.withPassword(URL, "\u00e9t\u00e9")).isEqualTo(
                "postgresql://alice:%C3%A9t%C3%A9@localhost:15432/postgres");
    }

    @Test
    void keepsTheRestOfTheUrlAsItWasIncludingAQuery() {
        String url = ConnectionUrls.withPassword("postgresql://bob@db.example.com:5432/shop?sslmode=require", "p#ss");

        assertThat(url).isEqualTo("postgresql://bob:p%23ss@db.example.com:5432/shop?sslmode=require");
        assertThat(URI.create(url).getQuery()).isEqualTo("sslmode=require");
    }

    @Test
    void refusesAUrlThatNamesNoUser() {
        assertThatThrownBy(() -> ConnectionUrls.withPassword("postgresql://localhost:5432/postgres", "password1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("password1");
    }
}
