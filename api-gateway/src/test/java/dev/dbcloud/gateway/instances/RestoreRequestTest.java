package dev.dbcloud.gateway.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.Topics;
import dev.dbcloud.events.RestoreRequested;
import dev.dbcloud.events.UnlinkRequested;
import dev.dbcloud.gateway.GatewayIntegrationTest;
import dev.dbcloud.messaging.outbox.Outbox;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/instances/{name}/restore} and {@code GET /v1/instances/{name}/backups}: what is accepted, the command
 * it becomes, and every refusal, each of which publishes nothing and takes no name. The source's backups and its
 * migrations' restore points are what status-service (a stub here) says.
 */
class RestoreRequestTest extends GatewayIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired JdbcClient jdbc;
    @Autowired Outbox outbox;
    @Autowired TransactionTemplate transactions;

    @Test
    void aRestoreToAMomentBecomesARestoreCommandForTheNewInstanceWhichTakesItsName() throws Exception {
        String source = provisioned();
        String target = uniqueName();
        Instant now = Instant.now();
        backups(source, now.minus(Duration.ofHours(2)));
        // An offset other than UTC, and nanoseconds the contract cannot carry.
        Instant moment = now.minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS).plusNanos(123_456_789);
        String pointInTime = moment.atOffset(ZoneOffset.ofHours(2)).toString();

        HttpResponse<String> restore = restore(source, """
                {"targetName": "%s", "pointInTime": "%s"}""".formatted(target, pointInTime));

        assertThat(restore.statusCode()).as(restore.body()).isEqualTo(202);
        JsonNode operation = JSON.readTree(restore.body());
        assertThat(operation.path("type").asString()).isEqualTo("RESTORE");
        assertThat(operation.path("instanceName").asString()).isEqualTo(target);
        assertThat(operation.path("status").asString()).isEqualTo("PENDING");
        assertThat(operation.path("id").asString()).isEqualTo(operationId(restore));
        RestoreRequested command = published(operationId(restore));
        assertThat(command.getTenant()).isEqualTo("acme");
        assertThat(command.getInstanceName()).isEqualTo(target);
        assertThat(command.getSourceInstanceName()).isEqualTo(source);
        assertThat(command.getPointInTime()).isEqualTo(moment.truncatedTo(ChronoUnit.MICROS));
        assertThat(command.getRestorePoint()).isNull();

        HttpResponse<String> provisionTarget = send("POST", "/v1/instances", """
                {"name": "%s", "username": "alice", "password": "Restore-Pa55word"}""".formatted(target));
        assertThat(provisionTarget.statusCode()).isEqualTo(409);
        assertThat(provisionTarget.body()).contains("\"code\":\"INSTANCE_NAME_TAKEN\"");
        // The new instance is a local one, destroyed like any other.
        HttpResponse<String> destroyTarget = send("DELETE", "/v1/instances/" + target, null);
        assertThat(destroyTarget.statusCode()).isEqualTo(202);
        assertThat(destroyTarget.body()).contains("\"type\":\"DESTROY\"");
    }

    @Test
    void aRestoreWithoutAMomentRestoresTheLatestState() throws Exception {
        String source = provisioned();
        String target = uniqueName();
        backups(source, Instant.now().minus(Duration.ofMinutes(5)));

        HttpResponse<String> restore = restore(source, "{\"targetName\": \"" + target + "\"}");

        assertThat(restore.statusCode()).as(restore.body()).isEqualTo(202);
        RestoreRequested command = published(operationId(restore));
        assertThat(command.getSourceInstanceName()).isEqualTo(source);
        assertThat(command.getPointInTime()).isNull();
        assertThat(command.getRestorePoint()).isNull();
    }

    @Test
    void aRestoreBeforeAMigrationStopsAtTheRestorePointMadeBeforeItsRun() throws Exception {
        String source = provisioned();
        String target = uniqueName();
        Instant now = Instant.now();
        backups(source, now.minus(Duration.ofHours(2)));
        Instant madeAt = now.minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MICROS);
        UUID migration = migration(source, "dbcloud_before_run", madeAt);

        HttpResponse<String> restore = restore(source, """
                {"targetName": "%s", "beforeMigration": "%s"}""".formatted(target, migration));

        assertThat(restore.statusCode()).as(restore.body()).isEqualTo(202);
        RestoreRequested command = published(operationId(restore));
        assertThat(command.getInstanceName()).isEqualTo(target);
        assertThat(command.getRestorePoint()).isEqualTo("dbcloud_before_run");
        assertThat(command.getPointInTime()).isEqualTo(madeAt);
        // The migration's operation shows its restore point through the gateway.
        JsonNode shown = JSON.readTree(send("GET", "/v1/operations/" + migration, null).body());
        assertThat(shown.path("restorePoint").path("name").asString()).isEqualTo("dbcloud_before_run");
        assertThat(shown.path("restorePoint").path("createdAt").asString()).isEqualTo(madeAt.toString());
    }

    @Test
    void refusesAMomentOutsideTheRestorableWindowNamingTheWindow() throws Exception {
        String source = provisioned();
        String target = uniqueName();
        Instant earliest = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MICROS);
        backups(source, earliest);

        HttpResponse<String> tooEarly = restore(source, """
                {"targetName": "%s", "pointInTime": "%s"}""".formatted(target, earliest.minusSeconds(1)));
        HttpResponse<String> future = restore(source, """
                {"targetName": "%s", "pointInTime": "%s"}""".formatted(target, Instant.now().plus(Duration.ofMinutes(5))));

        assertThat(tooEarly.statusCode()).isEqualTo(400);
        assertThat(tooEarly.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(tooEarly.body()).contains("\"code\":\"VALIDATION_FAILED\"",
                "{\"field\":\"pointInTime\",\"rule\":\"RANGE\"",
                "pointInTime must lie in the restorable window of instance " + source + ", between " + earliest + " and ");
        assertThat(future.statusCode()).isEqualTo(400);
        assertThat(future.body()).contains("{\"field\":\"pointInTime\",\"rule\":\"RANGE\"",
                "pointInTime must not be in the future; instance " + source + " can be restored to a moment between "
                        + earliest + " and ");
        assertNothingChangedFor(target);
    }

    @Test
    void refusesABeforeMigrationThatNamesNoRestorePointOfTheSourceInItsWindow() throws Exception {
        String source = provisioned();
        String other = provisioned();
        String target = uniqueName();
        Instant now = Instant.now();
        Instant earliest = now.minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MICROS);
        backups(source, earliest);
        String provisionOfSource = jdbc.sql("SELECT id::text FROM operations WHERE tenant = 'acme' AND instance_name = ?")
                .param(source).query(String.class).single();
        UUID otherInstancesMigration = migration(other, "dbcloud_before_other", now.minus(Duration.ofMinutes(10)));
        UUID withoutRestorePoint = migration(source, null, null);
        UUID beforeTheWindow = migration(source, "dbcloud_before_old", earliest.minus(Duration.ofMinutes(1)));

        for (String migration : List.of(UUID.randomUUID().toString(), otherInstancesMigration.toString(),
                provisionOfSource)) {
            HttpResponse<String> refused = restore(source, """
                    {"targetName": "%s", "beforeMigration": "%s"}""".formatted(target, migration));
            assertThat(refused.statusCode()).as(migration).isEqualTo(400);
            assertThat(refused.body()).contains("{\"field\":\"beforeMigration\",\"rule\":\"RANGE\"",
                    "beforeMigration must be the id of a migration operation of instance " + source);
        }
        HttpResponse<String> noPoint = restore(source, """
                {"targetName": "%s", "beforeMigration": "%s"}""".formatted(target, withoutRestorePoint));
        assertThat(noPoint.statusCode()).isEqualTo(400);
        assertThat(noPoint.body()).contains("beforeMigration names a migration that has no restore point");
        HttpResponse<String> outside = restore(source, """
                {"targetName": "%s", "beforeMigration": "%s"}""".formatted(target, beforeTheWindow));
        assertThat(outside.statusCode()).isEqualTo(400);
        assertThat(outside.body()).contains("{\"field\":\"beforeMigration\",\"rule\":\"RANGE\"",
                "lies outside the restorable window of instance " + source + ", between " + earliest + " and ");
        assertNothingChangedFor(target);
    }

    @Test
    void refusesBrokenRequestsNamingTheFieldAndTheRule() throws Exception {
        String source = provisioned();
        String target = uniqueName();
        backups(source, Instant.now().minus(Duration.ofHours(2)));
        String[][] refusals = {
            {"{}", "targetName", "REQUIRED"},
            {"{\"targetName\": \"New-Name!\"}", "targetName", "ALLOWED_CHARACTERS"},
            {"{\"targetName\": \"%s\", \"pointInTime\": \"2026-12-04T20:40:46Z\", \"beforeMigration\": \"%s\"}"
                    .formatted(target, UUID.randomUUID()), "beforeMigration", "FORMAT"},
            {"{\"targetName\": \"%s\", \"pointInTime\": \"2026-12-04T20:40:46\"}".formatted(target), "pointInTime",
                "FORMAT"},
            {"{\"targetName\": \"%s\", \"pointInTime\": \"yesterday\"}".formatted(target), "pointInTime", "FORMAT"},
            {"{\"targetName\": \"%s\", \"pointInTime\": 1764880846}".formatted(target), "pointInTime", "FORMAT"},
            {"{\"targetName\": \"%s\", \"beforeMigration\": \"1-2-3-4-5\"}".formatted(target), "beforeMigration",
                "FORMAT"},
            {"{\"targetName\": \"%s\", \"beforeMigration\": \"x'; DROP TABLE operations; --\"}".formatted(target),
                "beforeMigration", "FORMAT"}};
        for (String[] refusal : refusals) {
            HttpResponse<String> refused = restore(source, refusal[0]);
            assertThat(refused.statusCode()).as(refusal[0]).isEqualTo(400);
            assertThat(refused.body()).as(refusal[0]).contains("\"code\":\"VALIDATION_FAILED\"",
                    "{\"field\":\"" + refusal[1] + "\",\"rule\":\"" + refusal[2] + "\"");
        }
        // Bodies that are not the JSON this endpoint takes.
        for (String body : new String[] {"", "not json", "[]", "{\"targetName\": [\"a\"]}", "{\"pointInTime\": {}}",
                "{\"targetName\": \"%s\", \"targetName\": \"%s\"}".formatted(target, uniqueName())}) {
            HttpResponse<String> refused = restore(source, body);
            assertThat(refused.statusCode()).as(body).isEqualTo(400);
            assertThat(refused.body()).as(body).contains("\"code\":\"MALFORMED_REQUEST\"");
        }
        assertNothingChangedFor(target);
    }

    @Test
    void refusesARestoreTheSourceDoesNotAllow() throws Exception {
        String target = uniqueName();

        HttpResponse<String> unknown = restore(uniqueName(), "{\"targetName\": \"" + target + "\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"code\":\"NOT_FOUND\"");

        String linked = uniqueName();
        assertThat(send("POST", "/v1/linked-instances", """
                {"name": "%s", "hostName": "10.0.0.7", "port": 5432, "adminRole": "owner", "password": "secret"}"""
                .formatted(linked)).statusCode()).isEqualTo(202);
        assertConflict(restore(linked, "{\"targetName\": \"" + target + "\"}"), "INSTANCE_IS_LINKED",
                "linked instances have no backups");

        String withoutBackups = provisioned();
        assertConflict(restore(withoutBackups, "{\"targetName\": \"" + target + "\"}"), "NO_BACKUPS",
                "has no backups yet");
        STATUS.answer(backupsPath(withoutBackups), """
                {"instanceName": "%s", "earliestRestorableTime": null, "latestRestorableTime": null, "backups": []}"""
                .formatted(withoutBackups));
        assertConflict(restore(withoutBackups, "{\"targetName\": \"" + target + "\"}"), "NO_BACKUPS",
                "has no backups yet");

        String source = provisioned();
        backups(source, Instant.now().minus(Duration.ofHours(2)));
        String taken = provisioned();
        assertConflict(restore(source, "{\"targetName\": \"" + taken + "\"}"), "INSTANCE_NAME_TAKEN", taken);
        assertConflict(restore(source, "{\"targetName\": \"" + source + "\"}"), "INSTANCE_NAME_TAKEN", source);

        String destroying = provisioned();
        backups(destroying, Instant.now().minus(Duration.ofHours(2)));
        assertThat(send("DELETE", "/v1/instances/" + destroying, null).statusCode()).isEqualTo(202);
        assertConflict(restore(destroying, "{\"targetName\": \"" + target + "\"}"), "INSTANCE_DESTROYING",
                "is being destroyed");

        assertNothingChangedFor(target);
        assertThat(restoresFor(taken)).isZero();
    }

    @Test
    void theSameIdempotencyKeyAnswersTheSameRestoreAndAnotherMomentIsAnotherRequest() throws Exception {
        String source = provisioned();
        String target = uniqueName();
        backups(source, Instant.now().minus(Duration.ofHours(2)));
        Instant moment = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        String key = UUID.randomUUID().toString();

        HttpResponse<String> first = restore(source, """
                {"targetName": "%s", "pointInTime": "%s"}""".formatted(target, moment), key);
        // The same moment, written with another offset, is the same request.
        HttpResponse<String> replay = restore(source, """
                {"targetName": "%s", "pointInTime": "%s"}""".formatted(target, moment.atOffset(ZoneOffset.ofHours(-5))),
                key);
        HttpResponse<String> otherMoment = restore(source, """
                {"targetName": "%s", "pointInTime": "%s"}""".formatted(target, moment.plusSeconds(1)), key);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(operationId(replay)).isEqualTo(operationId(first));
        assertThat(otherMoment.statusCode()).isEqualTo(422);
        assertThat(otherMoment.body()).contains("\"code\":\"IDEMPOTENCY_KEY_REUSED\"");
        assertThat(restoresFor(target)).isEqualTo(1);
    }

    @Test
    void theBackupsAndWhereAnInstanceWasRestoredFromAreStatusServicesPassedThrough() throws Exception {
        String source = provisioned();
        String backups = """
                {"instanceName": "%s", "earliestRestorableTime": "2026-12-04T08:00:01.123456Z",
                 "latestRestorableTime": "2026-12-04T20:40:46.518123Z",
                 "backups": [{"startedAt": "2026-12-04T08:00:00Z", "finishedAt": "2026-12-04T08:00:01.123456Z",
                              "sizeBytes": 41234567}]}""".formatted(source);
        STATUS.answer(backupsPath(source), backups);
        String restored = uniqueName();
        STATUS.answer("/internal/tenants/acme/instances/" + restored, """
                {"name": "%s", "hostName": "localhost", "port": 15440, "status": "AVAILABLE", "statusReason": null,
                 "adminUsername": "alice", "driver": "LOCAL", "createdAt": "2026-12-04T20:41:00Z",
                 "updatedAt": "2026-12-04T20:41:30Z",
                 "restoredFrom": {"instanceName": "%s", "pointInTime": "2026-12-04T12:00:00.5Z"}}"""
                .formatted(restored, source));

        HttpResponse<String> shown = send("GET", "/v1/instances/" + source + "/backups", null);
        HttpResponse<String> missing = send("GET", "/v1/instances/" + uniqueName() + "/backups", null);
        JsonNode instance = JSON.readTree(send("GET", "/v1/instances/" + restored, null).body());

        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(shown.body())).isEqualTo(JSON.readTree(backups));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(missing.body()).contains("\"code\":\"NOT_FOUND\"");
        assertThat(instance.path("restoredFrom").path("instanceName").asString()).isEqualTo(source);
        assertThat(instance.path("restoredFrom").path("pointInTime").asString()).isEqualTo("2026-12-04T12:00:00.500Z");
    }

    private String provisioned() throws Exception {
        String name = uniqueName();
        assertThat(send("POST", "/v1/instances", """
                {"name": "%s", "username": "alice", "password": "Restore-Pa55word"}""".formatted(name))
                .statusCode()).isEqualTo(202);
        return name;
    }

    /** status-service knows base backups of the instance, the oldest ending at {@code earliest}. */
    private static void backups(String name, Instant earliest) {
        STATUS.answer(backupsPath(name), """
                {"instanceName": "%s", "earliestRestorableTime": "%s", "latestRestorableTime": "%s",
                 "backups": [{"startedAt": "%s", "finishedAt": "%s", "sizeBytes": 1048576}]}"""
                .formatted(name, earliest, Instant.now(), earliest.minusSeconds(2), earliest));
    }

    /**
     * A migration of the instance, as status-service shows it: run after a restore point made at {@code madeAt}, or
     * (with a null name) without one.
     */
    private static UUID migration(String name, String restorePoint, Instant madeAt) {
        UUID id = UUID.randomUUID();
        Instant requested = Instant.now().minus(Duration.ofHours(3));
        STATUS.answer("/internal/tenants/acme/operations/" + id, """
                {"id": "%s", "type": "MIGRATE", "instanceName": "%s", "status": "SUCCEEDED", "error": null,
                 "createdAt": "%s", "updatedAt": "%s", "restorePoint": %s}""".formatted(id, name, requested, requested,
                restorePoint == null ? "null" : "{\"name\": \"%s\", \"createdAt\": \"%s\"}".formatted(restorePoint, madeAt)));
        return id;
    }

    private static String backupsPath(String name) {
        return "/internal/tenants/acme/instances/" + name + "/backups";
    }

    private HttpResponse<String> restore(String source, String body) throws Exception {
        return send("POST", "/v1/instances/" + source + "/restore", body);
    }

    private HttpResponse<String> restore(String source, String body, String idempotencyKey) throws Exception {
        return send("POST", "/v1/instances/" + source + "/restore", body, "Idempotency-Key", idempotencyKey);
    }

    private static void assertConflict(HttpResponse<String> refused, String code, String detail) {
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("\"code\":\"" + code + "\"", detail);
    }

    /** No operation on the name, the name not taken, and no restore into it published. */
    private void assertNothingChangedFor(String target) {
        assertThat(jdbc.sql("SELECT count(*) FROM operations WHERE tenant = 'acme' AND instance_name = ?")
                .param(target).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM instance_names WHERE tenant = 'acme' AND name = ?")
                .param(target).query(Long.class).single()).isZero();
        assertThat(restoresFor(target)).isZero();
    }

    private RestoreRequested published(String operationId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !restores(operationId).isEmpty());
        return restores(operationId).get(0);
    }

    private List<RestoreRequested> restores(String operationId) {
        return recorder.events(Topics.INSTANCE_COMMANDS, RestoreRequested.class,
                c -> c.getOperationId().equals(operationId));
    }

    /**
     * How many restores into the name the gateway published: counted once a marker appended after them has arrived,
     * since records with one key keep their order.
     */
    private long restoresFor(String target) {
        String marker = UUID.randomUUID().toString();
        UnlinkRequested record = new UnlinkRequested();
        record.put("eventId", UUID.randomUUID().toString());
        record.put("operationId", marker);
        record.put("tenant", "acme");
        record.put("instanceName", target);
        record.put("occurredAt", Instant.now());
        transactions.executeWithoutResult(tx -> outbox.append(Topics.INSTANCE_COMMANDS, record));
        await().atMost(Duration.ofSeconds(30)).until(() -> !recorder.events(Topics.INSTANCE_COMMANDS,
                UnlinkRequested.class, c -> c.getOperationId().equals(marker)).isEmpty());
        return recorder.events(Topics.INSTANCE_COMMANDS, RestoreRequested.class,
                c -> c.getInstanceName().equals(target)).size();
    }
}
