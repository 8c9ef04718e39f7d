package dev.dbcloud.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbosConfigTest {

    @TempDir
    Path folder;

    @Test
    void isEmptyWhenThereIsNoConfigurationFile() {
        assertThat(DbosConfig.in(folder)).isEqualTo(new DbosConfig(null, null));
    }

    @Test
    void readsTheNameAndATopLevelAppDbName() throws IOException {
        write("name: my-app\napp_db_name: shop\nlanguage: node\n");

        assertThat(DbosConfig.in(folder)).isEqualTo(new DbosConfig("my-app", "shop"));
    }

    @Test
    void readsTheAppDbNameUnderDatabaseAsOlderDbosVersionsHaveIt() throws IOException {
        write("name: my-app\ndatabase:\n  app_db_name: legacy\n  hostname: localhost\n");

        assertThat(DbosConfig.in(folder)).isEqualTo(new DbosConfig("my-app", "legacy"));
    }

    @Test
    void prefersTheTopLevelAppDbNameOverTheOneUnderDatabase() throws IOException {
        write("name: my-app\napp_db_name: shop\ndatabase:\n  app_db_name: legacy\n");

        assertThat(DbosConfig.in(folder)).isEqualTo(new DbosConfig("my-app", "shop"));
    }

    @Test
    void leavesTheAppDbNameMissingWhenNoneIsGiven() throws IOException {
        write("name: my-app\n");

        assertThat(DbosConfig.in(folder)).isEqualTo(new DbosConfig("my-app", null));
    }

    @Test
    void refusesBrokenYamlAsAUsageErrorNamingTheFile() throws IOException {
        write("name: [unclosed\napp_db_name: : :\n");

        assertThatThrownBy(() -> DbosConfig.in(folder))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining(DbosConfig.FILE_NAME)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void isEmptyWhenTheYamlIsAList() throws IOException {
        write("- name: my-app\n- app_db_name: shop\n");

        assertThat(DbosConfig.in(folder)).isEqualTo(new DbosConfig(null, null));
    }

    @Test
    void isEmptyWhenTheYamlIsAScalarOrEmpty() throws IOException {
        write("just text\n");
        assertThat(DbosConfig.in(folder)).isEqualTo(new DbosConfig(null, null));

        write("");
        assertThat(DbosConfig.in(folder)).isEqualTo(new DbosConfig(null, null));
    }

    @Test
    void refusesToBuildArbitraryJavaObjectsFromTags() throws IOException {
        write("name: !!java.io.File [\"/tmp\"]\n");

        assertThatThrownBy(() -> DbosConfig.in(folder))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE));
    }

    private void write(String yaml) throws IOException {
        Files.writeString(folder.resolve(DbosConfig.FILE_NAME), yaml);
    }
}
