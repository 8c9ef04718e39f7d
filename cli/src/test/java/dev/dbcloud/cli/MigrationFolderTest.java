package dev.dbcloud.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbcloud.common.rules.MigrationRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MigrationFolderTest {

    @TempDir
    Path folder;

    @Test
    void readsEveryVersionedMigrationWithItsVersionDescriptionAndSql() throws IOException {
        write("V1__create_orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);");
        write("V2__add_total.sql", "ALTER TABLE orders ADD COLUMN total numeric;");
        write("V1_1__x.sql", "SELECT 11;");
        write("V10__y.sql", "SELECT 10;");

        // Flyway orders them by version on the server; the request's order does not matter.
        assertThat(MigrationFolder.read(folder)).containsExactlyInAnyOrder(
                new MigrationRules.Script("1", "create orders", "CREATE TABLE orders (id bigint PRIMARY KEY);"),
                new MigrationRules.Script("1.1", "x", "SELECT 11;"),
                new MigrationRules.Script("2", "add total", "ALTER TABLE orders ADD COLUMN total numeric;"),
                new MigrationRules.Script("10", "y", "SELECT 10;"));
    }

    @Test
    void turnsEveryUnderscoreOfTheDescriptionIntoASpace() throws IOException {
        write("V3__add_the_customer_email.sql", "SELECT 1;");

        assertThat(MigrationFolder.read(folder)).singleElement()
                .extracting(MigrationRules.Script::description).isEqualTo("add the customer email");
    }

    @Test
    void readsDottedVersionsAsTheyAre() throws IOException {
        write("V1.2.3__dotted.sql", "SELECT 1;");

        assertThat(MigrationFolder.read(folder)).singleElement()
                .extracting(MigrationRules.Script::version).isEqualTo("1.2.3");
    }

    @Test
    void readsTheSqlAsUtf8TextWithItsLineBreaks() throws IOException {
        String sql = "-- caf\u00e9\nCREATE TABLE t (name text DEFAULT '\u00e9t\u00e9');\n";
        write("V1__unicode.sql", sql);

        assertThat(MigrationFolder.read(folder)).singleElement().extracting(MigrationRules.Script::sql).isEqualTo(sql);
    }

    @Test
    void ignoresFilesThatAreNotSql() throws IOException {
        write("V1__create_orders.sql", "SELECT 1;");
        write("README.md", "# migrations");
        write("V2__notes.txt", "not a migration");
        write("create.sql.bak", "backup");
        Files.createDirectory(folder.resolve("V3__folder.sql"));

        assertThat(MigrationFolder.read(folder)).extracting(MigrationRules.Script::version).containsExactly("1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"create.sql", "V1_create.sql", "v1__lowercase.sql", "V__no_version.sql", "U1__undo.sql",
        "V1__.sql", "Vx__letters.sql"})
    void refusesASqlFileNotNamedAsAVersionedMigration(String name) throws IOException {
        write("V1__create_orders.sql", "SELECT 1;");
        write(name, "SELECT 2;");

        assertUsageError(() -> MigrationFolder.read(folder)).hasMessageContaining(name)
                .hasMessageContaining("V<version>__<description>.sql");
    }

    @Test
    void refusesARepeatableMigrationSayingRepeatablesAreNotSupported() throws IOException {
        write("V1__create_orders.sql", "SELECT 1;");
        write("R__views.sql", "CREATE VIEW v AS SELECT 1;");

        assertUsageError(() -> MigrationFolder.read(folder)).hasMessageContaining("R__views.sql")
                .hasMessageContaining("repeatable");
    }

    @Test
    void refusesAFolderWithoutMigrations() throws IOException {
        write("README.md", "nothing here");

        assertUsageError(() -> MigrationFolder.read(folder)).hasMessageContaining(folder.toString());
    }

    @Test
    void refusesAnEmptyFolder() {
        assertUsageError(() -> MigrationFolder.read(folder)).hasMessageContaining(folder.toString());
    }

    @Test
    void refusesAMissingFolderPointingAtDir() {
        Path missing = folder.resolve("nowhere");

        assertUsageError(() -> MigrationFolder.read(missing)).hasMessageContaining(missing.toString())
                .hasMessageContaining("--dir");
    }

    @Test
    void refusesAFileInPlaceOfTheFolder() throws IOException {
        write("migrations", "not a folder");

        assertUsageError(() -> MigrationFolder.read(folder.resolve("migrations")));
    }

    @Test
    void refusesAMigrationThatIsNotUtf8Text() throws IOException {
        Files.write(folder.resolve("V1__latin1.sql"), new byte[] {'S', 'E', 'L', (byte) 0xE9, ';'});

        assertUsageError(() -> MigrationFolder.read(folder)).hasMessageContaining("V1__latin1.sql")
                .hasMessageContaining("UTF-8");
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(folder.resolve(name), content);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertUsageError(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return assertThatThrownBy(call).isInstanceOfSatisfying(CliException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE));
    }
}
