package dev.dbcloud.status;

import static dev.dbcloud.status.InstanceStory.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.events.InstanceHealth;
import dev.dbcloud.events.MigrationFailureReason;
import dev.dbcloud.status.StatusApi.AppliedView;
import dev.dbcloud.status.StatusApi.DatabaseView;
import dev.dbcloud.status.StatusApi.HistoryRestorePointView;
import dev.dbcloud.status.StatusApi.MigrationFailureView;
import dev.dbcloud.status.StatusApi.MigrationsView;
import dev.dbcloud.status.StatusApi.OperationView;
import dev.dbcloud.status.StatusApi.RestorePointView;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each application database's migration history (as the latest report gave it) and its last failure, per
 * incarnation of an instance, projected from outcomes delivered twice or out of order.
 */
class MigrationHistoryIntegrationTest extends ReadModelIntegrationTest {

    private static final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aSucceededMigrationServesTheDatabasesAppliedHistoryOldestFirst() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID migrate = UUID.randomUUID();

        migrationCommand(story.migrateRequested(migrate, 10));
        outcome(story.migrationSucceeded(migrate, 12, "shop",
                story.appliedMigration("1", "orders", 1126, 11, 40),
                story.appliedMigration("1.1", "order totals", null, 11, 5),
                story.appliedMigration("2", "customers", -20394, 12, 17)));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.migrations(story.tenant(), "orders", "shop")).hasValue(
                new MigrationsView("shop", "2", at(12).toString(), List.of(
                        new AppliedView("1", "orders", 1126, at(11).toString(), 40),
                        new AppliedView("1.1", "order totals", null, at(11).toString(), 5),
                        new AppliedView("2", "customers", -20394, at(12).toString(), 17)),
                        null)));
        JsonNode body = json.readTree(api.raw(migrationsPath(story.tenant(), "orders", "shop")).getBody());
        assertThat(body.propertyNames()).containsExactlyInAnyOrder(
                "database", "currentVersion", "lastSucceededAt", "applied", "next", "lastFailure", "restorePoints");
        assertThat(body.get("lastFailure").isNull()).isTrue();
        assertThat(body.get("applied").get(1).propertyNames()).containsExactlyInAnyOrder(
                "version", "description", "checksum", "appliedAt", "durationMillis");
        assertThat(body.get("applied").get(1).get("checksum").isNull()).isTrue();
        assertThat(api.databases(story.tenant(), "orders")).extracting(DatabaseView::name).containsExactly("shop");
        assertThat(api.operation(story.tenant(), migrate)).hasValueSatisfying(
                operation -> assertThat(operation.status()).isEqualTo("SUCCEEDED"));
    }

    @Test
    void aLaterSuccessReplacesTheHistory() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        outcome(story.migrationSucceeded(UUID.randomUUID(), 12, "shop",
                story.appliedMigration("1", "orders", 1126, 11, 40)));
        await().atMost(BOUND).until(() -> api.migrations(story.tenant(), "orders", "shop").isPresent());

        outcome(story.migrationSucceeded(UUID.randomUUID(), 22, "shop",
                story.appliedMigration("1", "orders", 1126, 11, 40),
                story.appliedMigration("2", "customers", 777, 21, 9)));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.migrations(story.tenant(), "orders", "shop"))
                .hasValueSatisfying(history -> {
                    assertThat(history.currentVersion()).isEqualTo("2");
                    assertThat(history.lastSucceededAt()).isEqualTo(at(22).toString());
                    assertThat(history.applied()).containsExactly(
                            new AppliedView("1", "orders", 1126, at(11).toString(), 40),
                            new AppliedView("2", "customers", 777, at(21).toString(), 9));
                }));
    }

    @Test
    void aSuccessProjectedAfterALaterOneLeavesTheLaterHistory() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID earlier = UUID.randomUUID();
        var later = story.migrationSucceeded(UUID.randomUUID(), 22, "shop",
                story.appliedMigration("1", "orders", 1126, 11, 40),
                story.appliedMigration("2", "customers", 777, 21, 9));
        var late = story.migrationSucceeded(earlier, 12, "shop", story.appliedMigration("1", "orders", 1126, 11, 40));

        outcome(later);
        outcome(late);
        await().atMost(BOUND).until(() -> applied(later) && applied(late));

        assertThat(api.migrations(story.tenant(), "orders", "shop")).hasValueSatisfying(history -> {
            assertThat(history.currentVersion()).isEqualTo("2");
            assertThat(history.lastSucceededAt()).isEqualTo(at(22).toString());
            assertThat(history.applied()).extracting(AppliedView::version).containsExactly("1", "2");
        });
        // The late outcome still ends its own operation.
        assertThat(api.operation(story.tenant(), earlier)).hasValueSatisfying(
                operation -> assertThat(operation.status()).isEqualTo("SUCCEEDED"));
    }

    @Test
    void migrationOutcomesDeliveredTwiceAreAppliedOnce() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        var succeeded = story.migrationSucceeded(UUID.randomUUID(), 12, "shop",
                story.appliedMigration("1", "orders", 1126, 11, 40),
                story.appliedMigration("2", "customers", 777, 11, 9));
        UUID failedOperation = UUID.randomUUID();
        var failed = story.migrationFailed(failedOperation, 22, "relation \"customers\" already exists");

        outcome(succeeded);
        outcome(succeeded);
        outcome(failed);
        outcome(failed);
        // A marker on the same partition: once it is applied, every copy before it was seen.
        var marker = story.health(InstanceHealth.AVAILABLE, 30);
        outcome(marker);
        await().atMost(BOUND).until(() -> applied(marker));

        assertThat(api.migrations(story.tenant(), "orders", "shop")).hasValue(new MigrationsView("shop", "2",
                at(12).toString(), List.of(
                        new AppliedView("1", "orders", 1126, at(11).toString(), 40),
                        new AppliedView("2", "customers", 777, at(11).toString(), 9)),
                new MigrationFailureView(failedOperation.toString(), "2", "SQL_ERROR", "42P07",
                        "relation \"customers\" already exists", at(22).toString())));
        assertThat(api.databases(story.tenant(), "orders")).extracting(DatabaseView::name).containsExactly("shop");
        // ProvisionRequested, InstanceProvisioned, the two migration outcomes and the marker.
        assertThat(timelineRows(story)).isEqualTo(5);
    }

    @Test
    void aFailedMigrationIsServedAsTheLastFailureWithItsVersionSqlStateAndMessage() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID first = UUID.randomUUID();
        UUID failing = UUID.randomUUID();
        UUID earlierFailing = UUID.randomUUID();
        migrationCommand(story.migrateRequested(first, 10));
        outcome(story.migrationSucceeded(first, 12));
        migrationCommand(story.migrateRequested(failing, 20));
        outcome(story.migrationFailed(failing, 22, "shop", MigrationFailureReason.SQL_ERROR, "2", "42703",
                "column \"total\" does not exist"));

        MigrationsView expected = new MigrationsView("shop", "1", at(12).toString(),
                List.of(new AppliedView("1", "orders", 1126, at(11).toString(), 40)),
                new MigrationFailureView(failing.toString(), "2", "SQL_ERROR", "42703", "column \"total\" does not exist",
                        at(22).toString()));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.migrations(story.tenant(), "orders", "shop"))
                .hasValue(expected));
        assertThat(api.operation(story.tenant(), failing)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("FAILED");
            assertThat(operation.error()).isEqualTo(
                    new StatusApi.ErrorView("SQL_ERROR", "column \"total\" does not exist"));
        });

        // A failure that happened earlier, projected late, is not the last one.
        var lateFailure = story.migrationFailed(earlierFailing, 17, "shop", MigrationFailureReason.CHECKSUM_MISMATCH,
                "1", null, "checksum of version 1 changed");
        outcome(lateFailure);
        await().atMost(BOUND).until(() -> applied(lateFailure));

        assertThat(api.migrations(story.tenant(), "orders", "shop")).hasValue(expected);
    }

    @Test
    void aLaterSuccessKeepsTheLastFailureWhoseTimeShowsItCameFirst() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID failing = UUID.randomUUID();
        outcome(story.migrationFailed(failing, 12, "relation \"orders\" already exists"));
        await().atMost(BOUND).until(() -> api.migrations(story.tenant(), "orders", "shop").isPresent());

        outcome(story.migrationSucceeded(UUID.randomUUID(), 22, "shop",
                story.appliedMigration("1", "orders", 1126, 21, 40),
                story.appliedMigration("2", "customers", 777, 21, 9)));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.migrations(story.tenant(), "orders", "shop"))
                .hasValueSatisfying(history -> {
                    assertThat(history.currentVersion()).isEqualTo("2");
                    assertThat(history.lastSucceededAt()).isEqualTo(at(22).toString());
                    assertThat(history.lastFailure().operationId()).isEqualTo(failing.toString());
                    assertThat(history.lastFailure().occurredAt()).isEqualTo(at(12).toString());
                }));
    }

    @Test
    void aFailureReportingWhatStayedAppliedReplacesTheHistoryButNotTheTimeOfTheLastSuccess() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        outcome(story.migrationSucceeded(UUID.randomUUID(), 12, "shop",
                story.appliedMigration("1", "orders", 1126, 11, 40)));
        await().atMost(BOUND).until(() -> api.migrations(story.tenant(), "orders", "shop").isPresent());

        UUID failing = UUID.randomUUID();
        outcome(story.migrationFailedLeaving(failing, 22,
                story.appliedMigration("1", "orders", 1126, 11, 40),
                story.appliedMigration("2", "totals", 777, 21, 9)));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.migrations(story.tenant(), "orders", "shop"))
                .hasValueSatisfying(history -> {
                    assertThat(history.currentVersion()).as("version 2 stayed applied").isEqualTo("2");
                    assertThat(history.applied()).extracting(AppliedView::version).containsExactly("1", "2");
                    assertThat(history.lastSucceededAt()).isEqualTo(at(12).toString());
                    assertThat(history.lastFailure().version()).isEqualTo("3");
                }));

        // A success that happened before, projected late, leaves the failure's newer history.
        var late = story.migrationSucceeded(UUID.randomUUID(), 8, "shop");
        outcome(late);
        await().atMost(BOUND).until(() -> applied(late));
        assertThat(api.migrations(story.tenant(), "orders", "shop")).hasValueSatisfying(history -> {
            assertThat(history.applied()).extracting(AppliedView::version).containsExactly("1", "2");
            assertThat(history.lastSucceededAt()).isEqualTo(at(12).toString());
        });
    }

    @Test
    void aFirstRunThatFailedAfterApplyingSomeShowsTheDatabaseWithNoSuccess() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());

        outcome(story.migrationFailedLeaving(UUID.randomUUID(), 12, story.appliedMigration("1", "orders", 1126, 11, 40)));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.migrations(story.tenant(), "orders", "shop"))
                .hasValueSatisfying(history -> {
                    assertThat(history.currentVersion()).isEqualTo("1");
                    assertThat(history.lastSucceededAt()).isNull();
                    assertThat(history.applied()).extracting(AppliedView::version).containsExactly("1");
                }));
        assertThat(api.databases(story.tenant(), "orders")).extracting(DatabaseView::name).containsExactly("shop");
    }

    @Test
    void aFailureOnADatabaseNeverCreatedIsServedWhileTheDatabaseIsNotListed() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID migrate = UUID.randomUUID();

        migrationCommand(story.migrateRequested(migrate, 10));
        var failed = story.migrationFailed(migrate, 11, "shop", MigrationFailureReason.INSTANCE_NOT_AVAILABLE, null,
                null, "the instance is not running");
        outcome(failed);
        await().atMost(BOUND).until(() -> applied(failed));

        assertThat(api.migrations(story.tenant(), "orders", "shop")).hasValue(new MigrationsView("shop", null, null,
                List.of(), new MigrationFailureView(migrate.toString(), null, "INSTANCE_NOT_AVAILABLE", null,
                        "the instance is not running", at(11).toString())));
        JsonNode body = json.readTree(api.raw(migrationsPath(story.tenant(), "orders", "shop")).getBody());
        assertThat(body.get("currentVersion").isNull()).isTrue();
        assertThat(body.get("lastSucceededAt").isNull()).isTrue();
        assertThat(body.get("applied").isEmpty()).isTrue();
        assertThat(api.databases(story.tenant(), "orders")).isEmpty();
    }

    @Test
    void aDatabaseNeverMigratedHasAnEmptyHistoryAndAnUnknownOneIsNotFound() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID create = UUID.randomUUID();
        command(story.createDatabaseRequested(create, 10, "inventory"));
        outcome(story.databaseCreated(create, 11, "inventory"));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.migrations(story.tenant(), "orders", "inventory"))
                .hasValue(new MigrationsView("inventory", null, null, List.of(), null)));
        assertNotFound(migrationsPath(story.tenant(), "orders", "shop"), "database_not_found");
        assertNotFound(migrationsPath(story.tenant(), "billing", "inventory"), "instance_not_found");
        assertNotFound(migrationsPath(InstanceStory.of("orders").tenant(), "orders", "inventory"),
                "instance_not_found");
    }

    @Test
    void historiesAndFailuresBelongToTheirTenantAndToTheCurrentIncarnation() {
        InstanceStory story = InstanceStory.of("orders");
        InstanceStory billing = story.named("billing");
        InstanceStory sameNameElsewhere = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        provisionAvailable(billing, UUID.randomUUID());
        provisionAvailable(sameNameElsewhere, UUID.randomUUID());
        outcome(story.migrationSucceeded(UUID.randomUUID(), 12));
        outcome(story.migrationFailed(UUID.randomUUID(), 13, "ledger", MigrationFailureReason.SQL_ERROR, "1",
                "42601", "syntax error at or near \"TABLEE\""));
        await().atMost(BOUND).until(() -> api.migrations(story.tenant(), "orders", "ledger").isPresent());

        assertThat(api.migrations(story.tenant(), "orders", "shop")).hasValueSatisfying(
                history -> assertThat(history.currentVersion()).isEqualTo("1"));
        assertNotFound(migrationsPath(billing.tenant(), "billing", "shop"), "database_not_found");
        assertNotFound(migrationsPath(sameNameElsewhere.tenant(), "orders", "shop"), "database_not_found");
        assertNotFound(migrationsPath(sameNameElsewhere.tenant(), "orders", "ledger"), "database_not_found");

        UUID destroy = UUID.randomUUID();
        command(story.destroyRequested(destroy, 20));
        outcome(story.destroyed(destroy, 21));
        await().atMost(BOUND).until(() -> api.instance(story.tenant(), "orders").isEmpty());
        assertNotFound(migrationsPath(story.tenant(), "orders", "shop"), "instance_not_found");

        UUID provisionAgain = UUID.randomUUID();
        command(story.provisionRequested(provisionAgain, 30));
        outcome(story.provisioned(provisionAgain, 31, 54400));
        await().atMost(BOUND).until(() -> api.instance(story.tenant(), "orders").isPresent());
        assertNotFound(migrationsPath(story.tenant(), "orders", "shop"), "database_not_found");
        assertNotFound(migrationsPath(story.tenant(), "orders", "ledger"), "database_not_found");
    }

    @Test
    void theRestorePointMadeBeforeARunShowsOnItsOperationAndInTheDatabasesHistoryNewestFirst() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID first = UUID.randomUUID();
        UUID failing = UUID.randomUUID();
        UUID elsewhere = UUID.randomUUID();
        UUID withoutPoint = UUID.randomUUID();

        migrationCommand(story.migrateRequested(first, 10));
        var succeeded = story.migrationSucceeded(first, 12);
        succeeded.setRestorePoint(story.restorePoint("before_" + first, 11));
        outcome(succeeded);
        var failed = story.migrationFailed(failing, 22, "relation \"orders\" already exists");
        failed.setRestorePoint(story.restorePoint("before_" + failing, 21));
        outcome(failed);
        var ledger = story.migrationSucceeded(elsewhere, 32, "ledger",
                story.appliedMigration("1", "accounts", 17, 31, 3));
        ledger.setRestorePoint(story.restorePoint("before_" + elsewhere, 31));
        outcome(ledger);
        var noPoint = story.migrationSucceeded(withoutPoint, 42);
        outcome(noPoint);
        await().atMost(BOUND).until(() -> applied(noPoint));

        assertThat(api.migrations(story.tenant(), "orders", "shop")).hasValueSatisfying(history ->
                assertThat(history.restorePoints()).containsExactly(
                        new HistoryRestorePointView(failing.toString(), "before_" + failing, at(21).toString()),
                        new HistoryRestorePointView(first.toString(), "before_" + first, at(11).toString())));
        assertThat(api.migrations(story.tenant(), "orders", "ledger")).hasValueSatisfying(history ->
                assertThat(history.restorePoints()).containsExactly(
                        new HistoryRestorePointView(elsewhere.toString(), "before_" + elsewhere, at(31).toString())));
        assertThat(api.operation(story.tenant(), first)).hasValueSatisfying(operation -> assertThat(
                operation.restorePoint()).isEqualTo(new RestorePointView("before_" + first, at(11).toString())));
        assertThat(api.operation(story.tenant(), failing)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("FAILED");
            assertThat(operation.restorePoint()).isEqualTo(new RestorePointView("before_" + failing, at(21).toString()));
        });
        assertThat(api.operations(story.tenant(), "orders")).extracting(OperationView::restorePoint)
                .containsExactly(null, new RestorePointView("before_" + elsewhere, at(31).toString()),
                        new RestorePointView("before_" + failing, at(21).toString()),
                        new RestorePointView("before_" + first, at(11).toString()), null);
        JsonNode operation = json.readTree(api.raw("/internal/tenants/" + story.tenant() + "/operations/" + withoutPoint)
                .getBody());
        assertThat(operation.has("restorePoint")).isTrue();
        assertThat(operation.get("restorePoint").isNull()).isTrue();
        JsonNode point = json.readTree(api.raw(migrationsPath(story.tenant(), "orders", "ledger")).getBody())
                .get("restorePoints").get(0);
        assertThat(point.propertyNames()).containsExactlyInAnyOrder("operationId", "name", "createdAt");
    }

    @Test
    void theFirstRestorePointReportedForARunStaysAndEarlierIncarnationsPointsAreNotListed() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID migrate = UUID.randomUUID();
        migrationCommand(story.migrateRequested(migrate, 10));
        var succeeded = story.migrationSucceeded(migrate, 12);
        succeeded.setRestorePoint(story.restorePoint("before_first_run", 11));
        outcome(succeeded);
        // The command, redelivered, ran again and made another restore point, after the first run's changes.
        var again = story.migrationSucceeded(migrate, 16);
        again.setRestorePoint(story.restorePoint("before_second_run", 15));
        outcome(again);
        await().atMost(BOUND).until(() -> applied(again));

        assertThat(api.operation(story.tenant(), migrate)).hasValueSatisfying(operation -> assertThat(
                operation.restorePoint()).isEqualTo(new RestorePointView("before_first_run", at(11).toString())));
        assertThat(api.migrations(story.tenant(), "orders", "shop")).hasValueSatisfying(history ->
                assertThat(history.restorePoints()).extracting(HistoryRestorePointView::name)
                        .containsExactly("before_first_run"));

        UUID destroy = UUID.randomUUID();
        command(story.destroyRequested(destroy, 20));
        outcome(story.destroyed(destroy, 21));
        await().atMost(BOUND).until(() -> api.instance(story.tenant(), "orders").isEmpty());
        UUID provisionAgain = UUID.randomUUID();
        command(story.provisionRequested(provisionAgain, 30));
        outcome(story.provisioned(provisionAgain, 31, 54400));
        outcome(story.migrationSucceeded(UUID.randomUUID(), 33));
        await().atMost(BOUND).until(() -> api.migrations(story.tenant(), "orders", "shop").isPresent());
        assertThat(api.migrations(story.tenant(), "orders", "shop")).hasValueSatisfying(history ->
                assertThat(history.restorePoints()).isEmpty());
    }

    private static String migrationsPath(String tenant, String instanceName, String database) {
        return "/internal/tenants/" + tenant + "/instances/" + instanceName + "/databases/" + database + "/migrations";
    }

    private void assertNotFound(String path, String code) {
        ResponseEntity<String> notFound = api.raw(path);
        assertThat(notFound.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(notFound.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(notFound.getBody()).contains("\"code\":\"" + code + "\"");
    }
}
