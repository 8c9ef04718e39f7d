package dev.dbcloud.gateway.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.Topics;
import dev.dbcloud.events.MigrateRequested;
import dev.dbcloud.gateway.GatewayIntegrationTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** {@code POST /v1/instances/{name}/migrations}: what is accepted, what is refused, and the command it becomes. */
class MigrationRequestTest extends GatewayIntegrationTest {

    private static final String TWO_MIGRATIONS = """
            [{"version": "1", "description": "create orders", "sql": "CREATE TABLE orders (id bigint PRIMARY KEY);"},
             {"version": "1.1", "description": "add note", "sql": "ALTER TABLE orders ADD COLUMN note text;"}]""";

    @Autowired JdbcClient jdbc;

    @Test
    void acceptedMigrationsBecomeOneCommandOnTheMigrationTopic() throws Exception {
        String name = provisioned();

        HttpResponse<String> migrate = migrate(name, """
                {"application": "shop", "migrations": %s}""".formatted(TWO_MIGRATIONS), null);

        assertThat(migrate.statusCode()).isEqualTo(202);
        assertThat(migrate.body()).contains("\"type\":\"MIGRATE\"", "\"status\":\"PENDING\"");
        MigrateRequested command = published(operationId(migrate));
        assertThat(command.getTenant()).isEqualTo("acme");
        assertThat(command.getInstanceName()).isEqualTo(name);
        assertThat(command.getApplication()).isEqualTo("shop");
        assertThat(command.getAppDbName()).as("the application's name by default").isEqualTo("shop");
        assertThat(command.getAllowBreakingChanges()).isFalse();
        assertThat(command.getMigrations()).extracting(m -> m.getVersion(), m -> m.getDescription())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("1", "create orders"),
                        org.assertj.core.groups.Tuple.tuple("1.1", "add note"));
        assertThat(command.getMigrations().get(1).getSql()).isEqualTo("ALTER TABLE orders ADD COLUMN note text;");
    }

    @Test
    void theDatabaseAndTheBreakingChangesSwitchAreTheCallers() throws Exception {
        String name = provisioned();

        HttpResponse<String> migrate = migrate(name, """
                {"application": "shop", "appDbName": "shop_v2", "allowBreakingChanges": true, "migrations": %s}"""
                .formatted(TWO_MIGRATIONS), null);

        MigrateRequested command = published(operationId(migrate));
        assertThat(command.getAppDbName()).isEqualTo("shop_v2");
        assertThat(command.getAllowBreakingChanges()).isTrue();
    }

    @Test
    void refusesEveryBrokenRuleAtOnceAndChangesNothing() throws Exception {
        String name = provisioned();

        HttpResponse<String> migrate = migrate(name, """
                {"application": "Shop!", "appDbName": "template1", "migrations": [
                  {"version": "v1", "description": "x", "sql": "SELECT 1"},
                  {"version": "2", "description": "", "sql": " "},
                  {"version": "2.0", "description": "again", "sql": "SELECT 1"}]}""", null);

        assertThat(migrate.statusCode()).isEqualTo(400);
        assertThat(migrate.body()).contains(
                "{\"field\":\"application\",\"rule\":\"ALLOWED_CHARACTERS\"",
                "{\"field\":\"appDbName\",\"rule\":\"RESERVED\"",
                "{\"field\":\"migrations[0].version\",\"rule\":\"FORMAT\"",
                "{\"field\":\"migrations[1].description\",\"rule\":\"REQUIRED\"",
                "{\"field\":\"migrations[1].sql\",\"rule\":\"REQUIRED\"",
                "{\"field\":\"migrations[2].version\",\"rule\":\"UNIQUE\"");
        assertThat(operationsOf(name)).isEqualTo(1);
    }

    @Test
    void refusesAnEmptySet() throws Exception {
        String name = provisioned();

        HttpResponse<String> migrate = migrate(name, "{\"application\": \"shop\", \"migrations\": []}", null);

        assertThat(migrate.statusCode()).isEqualTo(400);
        assertThat(migrate.body()).contains("{\"field\":\"migrations\",\"rule\":\"REQUIRED\"");
    }

    @Test
    void refusesMoreSqlThanOneRequestTakesWith413() throws Exception {
        String name = provisioned();
        String big = "-- " + "x".repeat(300 * 1024) + "\\nSELECT 1;";

        HttpResponse<String> migrate = migrate(name, """
                {"application": "shop", "migrations": [{"version": "1", "description": "a", "sql": "%s"},
                                                       {"version": "2", "description": "b", "sql": "%s"}]}"""
                .formatted(big, big), null);

        assertThat(migrate.statusCode()).isEqualTo(413);
        assertThat(migrate.body()).contains("\"code\":\"MIGRATIONS_TOO_LARGE\"");
        assertThat(operationsOf(name)).isEqualTo(1);
    }

    @Test
    void migratingAnInstanceTheTenantDoesNotHaveAnswers404() throws Exception {
        HttpResponse<String> migrate = migrate(uniqueName(), """
                {"application": "shop", "migrations": %s}""".formatted(TWO_MIGRATIONS), null);

        assertThat(migrate.statusCode()).isEqualTo(404);
    }

    @Test
    void aReplayedIdempotencyKeyAnswersTheSameMigrationAndAChangedScriptIsAnotherRequest() throws Exception {
        String name = provisioned();
        String key = UUID.randomUUID().toString();
        String body = "{\"application\": \"shop\", \"migrations\": %s}".formatted(TWO_MIGRATIONS);

        HttpResponse<String> first = migrate(name, body, key);
        HttpResponse<String> replay = migrate(name, body, key);
        HttpResponse<String> changed = migrate(name, body.replace("note text", "note varchar(10)"), key);

        assertThat(operationId(replay)).isEqualTo(operationId(first));
        assertThat(changed.statusCode()).isEqualTo(422);
        assertThat(operationsOf(name)).isEqualTo(2);
    }

    private String provisioned() throws Exception {
        String name = uniqueName();
        assertThat(send("POST", "/v1/instances", """
                {"name": "%s", "username": "alice", "password": "Migrate-Pa55word"}""".formatted(name))
                .statusCode()).isEqualTo(202);
        return name;
    }

    private HttpResponse<String> migrate(String name, String body, String idempotencyKey) throws Exception {
        return idempotencyKey == null
                ? send("POST", "/v1/instances/" + name + "/migrations", body)
                : send("POST", "/v1/instances/" + name + "/migrations", body, "Idempotency-Key", idempotencyKey);
    }

    private MigrateRequested published(String operationId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !commands(operationId).isEmpty());
        return commands(operationId).get(0);
    }

    private List<MigrateRequested> commands(String operationId) {
        return recorder.events(Topics.MIGRATION_COMMANDS, MigrateRequested.class,
                c -> c.getOperationId().equals(operationId));
    }

    private long operationsOf(String name) {
        return jdbc.sql("SELECT count(*) FROM operations WHERE tenant = 'acme' AND instance_name = ?")
                .param(name).query(Long.class).single();
    }
}
