package dev.dbcloud.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {

    @TempDir
    Path folder;

    @Test
    void readsBackWhatItWrote() {
        Path file = folder.resolve(Credentials.FILE_NAME);
        Credentials written = new Credentials("http://localhost:8080", "dbc_api_key_1", "dbc_admin_key_2",
                "127.0.0.1:9092");

        written.write(file);

        assertThat(Credentials.read(file)).isEqualTo(written);
    }

    @Test
    void aFileWithoutTheBrokerReadsAsNoBroker() throws IOException {
        Path file = folder.resolve(Credentials.FILE_NAME);
        Files.writeString(file, "url=http://localhost:8080\napi_key=a\nadmin_key=b\n");

        assertThat(Credentials.read(file).kafka()).isNull();
        assertThat(Credentials.read(file)).isEqualTo(new Credentials("http://localhost:8080", "a", "b"));
    }

    @Test
    void writesOneKeyValueLinePerPart() throws IOException {
        Path file = folder.resolve(Credentials.FILE_NAME);

        new Credentials("http://localhost:8080", "api", "admin").write(file);

        assertThat(Files.readAllLines(file)).containsExactly("url=http://localhost:8080", "api_key=api",
                "admin_key=admin");
    }

    @Test
    void keepsValuesWithCharactersSpecialToPropertiesFiles() {
        Path file = folder.resolve(Credentials.FILE_NAME);
        Credentials written = new Credentials("http://localhost:8080/a?b=c#d", "key=with:colon", "caf\u00e9");

        written.write(file);

        assertThat(Credentials.read(file)).isEqualTo(written);
    }

    @Test
    void writesTheFileReadableByItsOwnerOnly() throws IOException {
        Path file = folder.resolve(Credentials.FILE_NAME);

        new Credentials("http://localhost:8080", "api", null).write(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void leavesMissingPartsOutOfTheFile() throws IOException {
        Path file = folder.resolve(Credentials.FILE_NAME);

        new Credentials(null, "api", null).write(file);

        String text = Files.readString(file);
        assertThat(text).isEqualTo("api_key=api\n").doesNotContain("null").doesNotContain("url=")
                .doesNotContain("admin_key=");
        assertThat(Credentials.read(file)).isEqualTo(new Credentials(null, "api", null));
    }

    @Test
    void writesAnEmptyFileWhenEveryPartIsMissing() throws IOException {
        Path file = folder.resolve(Credentials.FILE_NAME);

        new Credentials(null, null, null).write(file);

        assertThat(Files.readString(file)).isEmpty();
        assertThat(Credentials.read(file)).isEqualTo(new Credentials(null, null, null));
    }

    @Test
    void readsAMissingFileAsAllPartsMissing() {
        assertThat(Credentials.read(folder.resolve("nowhere").resolve(Credentials.FILE_NAME)))
                .isEqualTo(new Credentials(null, null, null));
    }

    @Test
    void readsAFileWrittenByHandWithCommentsAndOnlySomeParts() throws IOException {
        Path file = folder.resolve(Credentials.FILE_NAME);
        Files.writeString(file, "# written by hand\nurl=https://dbcloud.example.com\n\n");

        assertThat(Credentials.read(file)).isEqualTo(new Credentials("https://dbcloud.example.com", null, null));
    }

    @Test
    void createsAMissingFolderForItsOwnerOnly() throws IOException {
        Path home = folder.resolve("a").resolve(".dbcloud");
        Path file = home.resolve(Credentials.FILE_NAME);

        new Credentials("http://localhost:8080", "api", "admin").write(file);

        assertThat(file).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Credentials.read(file)).isEqualTo(new Credentials("http://localhost:8080", "api", "admin"));
    }

    @Test
    void makesAnExistingWorldReadableFileOwnerOnlyWhenOverwritingIt() throws IOException {
        Path file = folder.resolve(Credentials.FILE_NAME);
        Files.writeString(file, "url=http://old\napi_key=old\nadmin_key=old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        new Credentials("http://new", "new", null).write(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Credentials.read(file)).isEqualTo(new Credentials("http://new", "new", null));
        assertThat(Files.readString(file)).doesNotContain("old");
    }

    @Test
    void findsTheHomeInDbcloudHome() {
        assertThat(Credentials.home(Map.of("DBCLOUD_HOME", "/x"))).isEqualTo(Path.of("/x"));
    }

    @Test
    void defaultsTheHomeToDotDbcloudInTheUsersHome() {
        Path expected = Path.of(System.getProperty("user.home"), ".dbcloud");

        assertThat(Credentials.home(Map.of())).isEqualTo(expected);
        Map<String, String> blank = new HashMap<>();
        blank.put("DBCLOUD_HOME", "  ");
        assertThat(Credentials.home(blank)).isEqualTo(expected);
    }

    @Test
    void hidesTheKeysInToString() {
        String text = new Credentials("http://localhost:8080", "secret-api-key", "secret-admin-key").toString();

        assertThat(text).contains("http://localhost:8080").doesNotContain("secret-api-key")
                .doesNotContain("secret-admin-key");
    }
}
