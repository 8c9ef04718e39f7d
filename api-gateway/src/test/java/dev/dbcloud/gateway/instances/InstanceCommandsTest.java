package dev.dbcloud.gateway.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.common.Topics;
import dev.dbcloud.common.secrets.ControlPasswordCipher;
import dev.dbcloud.events.CreateDatabaseRequested;
import dev.dbcloud.events.DestroyFailed;
import dev.dbcloud.events.DestroyFailureReason;
import dev.dbcloud.events.DestroyRequested;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceUnlinked;
import dev.dbcloud.events.LinkRequested;
import dev.dbcloud.events.PasswordResetRequested;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.events.StartRequested;
import dev.dbcloud.events.StopRequested;
import dev.dbcloud.events.UnlinkFailed;
import dev.dbcloud.events.UnlinkFailureReason;
import dev.dbcloud.events.UnlinkRequested;
import dev.dbcloud.gateway.GatewayIntegrationTest;
import dev.dbcloud.messaging.outbox.Outbox;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** What the gateway decides on its own: names, idempotency, validation, and which command each request becomes. */
class InstanceCommandsTest extends GatewayIntegrationTest {

    private static final String PASSWORD = "Commands-Pa55word!";

    @Autowired JdbcClient jdbc;
    @Autowired Outbox outbox;
    @Autowired TransactionTemplate transactions;
    @Autowired ControlPasswordCipher cipher;

    @Test
    void aNameIsTakenUntilItsInstanceIsDestroyed() throws Exception {
        String name = uniqueName();
        assertThat(provision(name, null).statusCode()).isEqualTo(202);

        HttpResponse<String> again = provision(name, null);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("\"code\":\"INSTANCE_NAME_TAKEN\"");
        assertThat(commandsFor(name, ProvisionRequested.class)).isEqualTo(1);

        HttpResponse<String> destroy = send("DELETE", "/v1/instances/" + name, null);
        assertThat(destroy.statusCode()).isEqualTo(202);
        assertThat(provision(name, null).statusCode()).as("still destroying").isEqualTo(409);

        emit(new InstanceDestroyed(), operationId(destroy), name);
        await().atMost(Duration.ofSeconds(30)).until(() -> provision(name, null).statusCode() == 202);
        assertThat(commandsFor(name, ProvisionRequested.class)).isEqualTo(2);
    }

    @Test
    void aSecondDestroyWhileOneIsUnderWayAnswersTheFirstAndAFailedOneCanBeRetried() throws Exception {
        String name = uniqueName();
        provision(name, null);
        String first = operationId(send("DELETE", "/v1/instances/" + name, null));

        assertThat(operationId(send("DELETE", "/v1/instances/" + name, null))).isEqualTo(first);
        assertThat(commandsFor(name, DestroyRequested.class)).isEqualTo(1);

        DestroyFailed failed = new DestroyFailed();
        failed.setReason(DestroyFailureReason.DRIVER_ERROR);
        failed.setMessage("pg_ctl stop failed");
        emit(failed, first, name);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                !operationId(send("DELETE", "/v1/instances/" + name, null)).equals(first));
        assertThat(commandsFor(name, DestroyRequested.class)).isEqualTo(2);
    }

    @Test
    void aFailedUnlinkCanBeRetried() throws Exception {
        String name = uniqueName();
        assertThat(send("POST", "/v1/linked-instances", """
                {"name": "%s", "hostName": "10.0.0.7", "port": 5432, "adminRole": "owner", "password": "secret"}"""
                .formatted(name)).statusCode()).isEqualTo(202);
        String first = operationId(send("DELETE", "/v1/linked-instances/" + name, null));

        UnlinkFailed failed = new UnlinkFailed();
        failed.setReason(UnlinkFailureReason.WRONG_DRIVER);
        failed.setMessage("a local instance is destroyed, not unlinked");
        emit(failed, first, name);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                !operationId(send("DELETE", "/v1/linked-instances/" + name, null)).equals(first));
    }

    @Test
    void aDestroyThatGotNoOutcomeInTimeNeverBlocksTheInstance() throws Exception {
        String name = uniqueName();
        provision(name, null);
        String lost = operationId(send("DELETE", "/v1/instances/" + name, null));
        // Its command was lost and the operation timed out: as if it had been accepted eleven minutes ago.
        jdbc.sql("UPDATE operations SET created_at = created_at - interval '11 minutes' WHERE id = ?")
                .param(UUID.fromString(lost)).update();

        HttpResponse<String> again = send("DELETE", "/v1/instances/" + name, null);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(operationId(again)).as("a new destroy, not the lost one").isNotEqualTo(lost);
        await().atMost(Duration.ofSeconds(30)).until(() -> commandsFor(name, DestroyRequested.class) == 2);
        assertThat(operationId(send("DELETE", "/v1/instances/" + name, null))).as("the new one is under way")
                .isEqualTo(operationId(again));
    }

    @Test
    void aPasswordResetAfterADestroyThatTimedOutIsAccepted() throws Exception {
        String name = uniqueName();
        provision(name, null);
        String lost = operationId(send("DELETE", "/v1/instances/" + name, null));
        assertThat(send("POST", "/v1/instances/" + name + "/password", "{\"password\":\"another-pass-42\"}")
                .statusCode()).as("while the destroy is under way").isEqualTo(409);
        jdbc.sql("UPDATE operations SET created_at = created_at - interval '11 minutes' WHERE id = ?")
                .param(UUID.fromString(lost)).update();

        assertThat(send("POST", "/v1/instances/" + name + "/password", "{\"password\":\"another-pass-42\"}")
                .statusCode()).isEqualTo(202);
    }

    @Test
    void theSameIdempotencyKeyAndRequestAnswerTheSameOperationAndPublishNothingNew() throws Exception {
        String name = uniqueName();
        String key = UUID.randomUUID().toString();

        HttpResponse<String> first = provision(name, key);
        HttpResponse<String> replay = provision(name, key);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(operationId(replay)).isEqualTo(operationId(first));
        assertThat(jdbc.sql("SELECT count(*) FROM operations WHERE tenant = 'acme' AND instance_name = ?")
                .param(name).query(Long.class).single()).isEqualTo(1);
        assertThat(commandsFor(name, ProvisionRequested.class)).isEqualTo(1);
    }

    @Test
    void theSameIdempotencyKeyWithAnotherRequestIsRefusedAndChangesNothing() throws Exception {
        String name = uniqueName();
        String key = UUID.randomUUID().toString();
        provision(name, key);

        HttpResponse<String> otherPassword = send("POST", "/v1/instances", """
                {"name": "%s", "username": "alice", "password": "Another-Pa55word"}""".formatted(name),
                "Idempotency-Key", key);
        HttpResponse<String> otherName = provision(uniqueName(), key);
        HttpResponse<String> otherEndpoint = send("DELETE", "/v1/instances/" + name, null, "Idempotency-Key", key);

        assertThat(otherPassword.statusCode()).isEqualTo(422);
        assertThat(otherPassword.body()).contains("\"code\":\"IDEMPOTENCY_KEY_REUSED\"");
        assertThat(otherName.statusCode()).isEqualTo(422);
        assertThat(otherEndpoint.statusCode()).isEqualTo(422);
        assertThat(commandsFor(name, ProvisionRequested.class)).isEqualTo(1);
        assertThat(commandsFor(name, DestroyRequested.class)).isZero();
        assertThat(jdbc.sql("SELECT secret_hash FROM idempotency_keys WHERE key = ?").param(key)
                .query(byte[].class).single()).asString(StandardCharsets.UTF_8).doesNotContain(PASSWORD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "with space"})
    void refusesIdempotencyKeysThatAreNotOneTo255VisibleAsciiCharacters(String key) throws Exception {
        String name = uniqueName();
        HttpResponse<String> response = provision(name, key.isEmpty() ? "x".repeat(256) : key);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"field\":\"Idempotency-Key\"");
        assertThat(commandsFor(name, ProvisionRequested.class)).isZero();
    }

    @Test
    void aPasswordResetPublishesOnlyTheNewVerifier() throws Exception {
        String name = uniqueName();
        provision(name, null);

        HttpResponse<String> reset = send("POST", "/v1/instances/" + name + "/password",
                "{\"password\": \"Brand-New-Pa55\"}");

        assertThat(reset.statusCode()).isEqualTo(202);
        assertThat(reset.body()).contains("\"type\":\"PASSWORD_RESET\"").doesNotContain("Brand-New-Pa55");
        assertThat(commandsFor(name, PasswordResetRequested.class)).isEqualTo(1);
        PasswordResetRequested command = recorder.events(Topics.INSTANCE_COMMANDS, PasswordResetRequested.class,
                c -> c.getInstanceName().equals(name)).get(0);
        assertThat(command.getOperationId()).isEqualTo(operationId(reset));
        assertThat(command.getPasswordVerifier()).startsWith("SCRAM-SHA-256$4096:").doesNotContain("Brand-New-Pa55");
    }

    @Test
    void stopAndStartBecomeCommandsAndALinkedInstanceIsRefused() throws Exception {
        String name = uniqueName();
        provision(name, null);

        HttpResponse<String> stop = send("POST", "/v1/instances/" + name + "/stop", null);
        HttpResponse<String> start = send("POST", "/v1/instances/" + name + "/start", null);

        assertThat(stop.statusCode()).isEqualTo(202);
        assertThat(stop.body()).contains("\"type\":\"STOP\"");
        assertThat(start.statusCode()).isEqualTo(202);
        assertThat(start.body()).contains("\"type\":\"START\"");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(recorder.events(Topics.INSTANCE_COMMANDS, StopRequested.class,
                    c -> c.getInstanceName().equals(name)))
                    .singleElement().extracting(StopRequested::getOperationId).isEqualTo(operationId(stop));
            assertThat(recorder.events(Topics.INSTANCE_COMMANDS, StartRequested.class,
                    c -> c.getInstanceName().equals(name)))
                    .singleElement().extracting(StartRequested::getOperationId).isEqualTo(operationId(start));
        });

        String linked = uniqueName();
        assertThat(send("POST", "/v1/linked-instances", """
                {"name": "%s", "hostName": "10.0.0.7", "port": 5432, "adminRole": "owner", "password": "secret"}"""
                .formatted(linked)).statusCode()).isEqualTo(202);
        HttpResponse<String> stopLinked = send("POST", "/v1/instances/" + linked + "/stop", null);
        assertThat(stopLinked.statusCode()).isEqualTo(409);
        assertThat(stopLinked.body()).contains("\"code\":\"INSTANCE_IS_LINKED\"");
        assertThat(commandsFor(linked, StopRequested.class)).isZero();
    }

    @Test
    void aPasswordResetBreakingTheRulesIsRefused() throws Exception {
        String name = uniqueName();
        provision(name, null);

        HttpResponse<String> reset = send("POST", "/v1/instances/" + name + "/password", "{\"password\": \"has space\"}");

        assertThat(reset.statusCode()).isEqualTo(400);
        assertThat(reset.body()).contains("\"field\":\"password\"", "\"rule\":\"FORBIDDEN_CHARACTER\"");
        assertThat(commandsFor(name, PasswordResetRequested.class)).isZero();
    }

    @Test
    void commandsOnAnInstanceTheTenantDoesNotHaveAnswer404() throws Exception {
        String name = uniqueName();

        assertThat(send("POST", "/v1/instances/" + name + "/password", "{\"password\": \"Brand-New-Pa55\"}")
                .statusCode()).isEqualTo(404);
        assertThat(send("DELETE", "/v1/instances/" + name, null).statusCode()).isEqualTo(404);
        assertThat(send("POST", "/v1/instances/" + name + "/databases", "{\"name\": \"shop\"}").statusCode())
                .isEqualTo(404);
        assertThat(send("DELETE", "/v1/linked-instances/" + name, null).statusCode()).isEqualTo(404);
        assertThat(send("POST", "/v1/instances/" + name + "/stop", null).statusCode()).isEqualTo(404);
        assertThat(send("POST", "/v1/instances/" + name + "/start", null).statusCode()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT count(*) FROM operations WHERE instance_name = ?").param(name)
                .query(Long.class).single()).isZero();
    }

    @Test
    void anApplicationDatabaseRequestBecomesACommand() throws Exception {
        String name = uniqueName();
        provision(name, null);

        HttpResponse<String> created = send("POST", "/v1/instances/" + name + "/databases", "{\"name\": \"shop\"}");

        assertThat(created.statusCode()).isEqualTo(202);
        assertThat(created.body()).contains("\"type\":\"CREATE_DATABASE\"");
        assertThat(commandsFor(name, CreateDatabaseRequested.class)).isEqualTo(1);
        assertThat(recorder.events(Topics.INSTANCE_COMMANDS, CreateDatabaseRequested.class,
                c -> c.getInstanceName().equals(name)).get(0).getDatabase()).isEqualTo("shop");
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop\\\"; DROP DATABASE postgres; --", "shop'--", "Shop", "sh op", "ѕhop", "shop\\u0000",
            "postgres", "template1", "1shop", ""})
    void refusesApplicationDatabaseNamesThatAreNotPlainIdentifiers(String database) throws Exception {
        String name = uniqueName();
        provision(name, null);

        HttpResponse<String> created = send("POST", "/v1/instances/" + name + "/databases",
                "{\"name\": \"" + database + "\"}");

        assertThat(created.statusCode()).isEqualTo(400);
        assertThat(created.body()).contains("\"field\":\"name\"");
        assertThat(commandsFor(name, CreateDatabaseRequested.class)).isZero();
    }

    @Test
    void refusesAConnectionUrlForADatabaseNameThatIsNotAnIdentifier() throws Exception {
        HttpResponse<String> url = send("GET", "/v1/instances/orders/url?database="
                + URLEncoder.encode("x;drop", StandardCharsets.UTF_8), null);

        assertThat(url.statusCode()).isEqualTo(400);
        assertThat(url.body()).contains("\"field\":\"database\"", "\"rule\":\"ALLOWED_CHARACTERS\"");
    }

    @Test
    void linkingSendsTheControlPasswordOnlyAsCiphertextBoundToTheInstance() throws Exception {
        String name = uniqueName();
        String password = "Link'ed p@ss/word";

        HttpResponse<String> link = send("POST", "/v1/linked-instances", """
                {"name": "%s", "hostName": "db.example.com", "port": 5433, "adminRole": "owner", "password": "%s"}"""
                .formatted(name, password));

        assertThat(link.statusCode()).isEqualTo(202);
        assertThat(link.body()).contains("\"type\":\"LINK\"");
        assertThat(commandsFor(name, LinkRequested.class)).isEqualTo(1);
        LinkRequested command = recorder.events(Topics.INSTANCE_COMMANDS, LinkRequested.class,
                c -> c.getInstanceName().equals(name)).get(0);
        assertThat(command.getHostName()).isEqualTo("db.example.com");
        assertThat(command.getPort()).isEqualTo(5433);
        assertThat(command.getAdminRole()).isEqualTo("owner");
        byte[] ciphertext = new byte[command.getPasswordCiphertext().remaining()];
        command.getPasswordCiphertext().duplicate().get(ciphertext);
        assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain(password);
        assertThat(cipher.decrypt(new InstanceRef("acme", name), ciphertext)).isEqualTo(password);
        assertThat(recorder.records(Topics.INSTANCE_COMMANDS)).allSatisfy(r ->
                assertThat(new String(r.value(), StandardCharsets.ISO_8859_1)).doesNotContain(password));
    }

    @Test
    void refusesALinkBreakingEveryRuleAtOnce() throws Exception {
        HttpResponse<String> link = send("POST", "/v1/linked-instances", """
                {"name": "X", "hostName": "db;rm -rf", "port": 70000, "adminRole": "Owner\\"", "password": ""}""");

        assertThat(link.statusCode()).isEqualTo(400);
        assertThat(link.body()).contains("\"field\":\"name\"", "\"field\":\"hostName\"", "\"field\":\"port\"",
                "\"field\":\"adminRole\"", "\"field\":\"password\"");
    }

    @Test
    void linkedAndLocalInstancesAreReleasedEachTheirOwnWay() throws Exception {
        String local = uniqueName();
        String linked = uniqueName();
        provision(local, null);
        send("POST", "/v1/linked-instances", """
                {"name": "%s", "hostName": "10.0.0.7", "port": 5432, "adminRole": "owner", "password": "secret"}"""
                .formatted(linked));

        HttpResponse<String> unlinkLocal = send("DELETE", "/v1/linked-instances/" + local, null);
        HttpResponse<String> destroyLinked = send("DELETE", "/v1/instances/" + linked, null);
        HttpResponse<String> resetLinked = send("POST", "/v1/instances/" + linked + "/password",
                "{\"password\": \"Brand-New-Pa55\"}");
        assertThat(unlinkLocal.statusCode()).isEqualTo(409);
        assertThat(unlinkLocal.body()).contains("\"code\":\"INSTANCE_NOT_LINKED\"");
        assertThat(destroyLinked.statusCode()).isEqualTo(409);
        assertThat(destroyLinked.body()).contains("\"code\":\"INSTANCE_IS_LINKED\"");
        assertThat(resetLinked.statusCode()).isEqualTo(409);

        HttpResponse<String> unlink = send("DELETE", "/v1/linked-instances/" + linked, null);
        assertThat(unlink.statusCode()).isEqualTo(202);
        assertThat(unlink.body()).contains("\"type\":\"UNLINK\"");
        emit(new InstanceUnlinked(), operationId(unlink), linked);
        await().atMost(Duration.ofSeconds(30)).until(() -> provision(linked, null).statusCode() == 202);
    }

    private HttpResponse<String> provision(String name, String idempotencyKey) throws Exception {
        String body = """
                {"name": "%s", "username": "alice", "password": "%s"}""".formatted(name, PASSWORD);
        return idempotencyKey == null
                ? send("POST", "/v1/instances", body)
                : send("POST", "/v1/instances", body, "Idempotency-Key", idempotencyKey);
    }

    /**
     * How many commands of that type the gateway published for the name: counted once a marker appended after them
     * has arrived, since records with one key keep their order.
     */
    private long commandsFor(String name, Class<? extends SpecificRecordBase> type) {
        String marker = UUID.randomUUID().toString();
        append(Topics.INSTANCE_COMMANDS, new UnlinkRequested(), marker, name);
        await().atMost(Duration.ofSeconds(30)).until(() -> !recorder.events(Topics.INSTANCE_COMMANDS,
                UnlinkRequested.class, c -> c.getOperationId().equals(marker)).isEmpty());
        return recorder.events(Topics.INSTANCE_COMMANDS, type, c -> c.get("instanceName").toString().equals(name)).size();
    }

    /** An outcome as the provisioner would report it. */
    private void emit(SpecificRecordBase outcome, String operationId, String name) {
        append(Topics.INSTANCE_EVENTS, outcome, operationId, name);
    }

    private void append(String topic, SpecificRecordBase record, String operationId, String name) {
        record.put("eventId", UUID.randomUUID().toString());
        record.put("operationId", operationId);
        record.put("tenant", "acme");
        record.put("instanceName", name);
        record.put("occurredAt", Instant.now());
        transactions.executeWithoutResult(tx -> outbox.append(topic, record));
    }
}
