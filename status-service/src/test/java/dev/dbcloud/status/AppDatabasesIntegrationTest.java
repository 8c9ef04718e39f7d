package dev.dbcloud.status;

import static dev.dbcloud.status.InstanceStory.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.events.DatabaseCreationFailureReason;
import dev.dbcloud.status.StatusApi.DatabaseView;
import dev.dbcloud.status.StatusApi.ErrorView;
import dev.dbcloud.status.StatusApi.OperationView;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Application databases: created on request or by a migration, listed per incarnation of an instance. */
class AppDatabasesIntegrationTest extends ReadModelIntegrationTest {

    @Test
    void creatingADatabaseShowsAPendingOperationUntilCreatedThenTheDatabaseWithItsOwner() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID create = UUID.randomUUID();

        command(story.createDatabaseRequested(create, 10, "inventory"));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operation(story.tenant(), create)).hasValue(
                new OperationView(create.toString(), "CREATE_DATABASE", "orders", "PENDING", null, at(10).toString(),
                        at(10).toString())));
        assertThat(api.databases(story.tenant(), "orders")).isEmpty();

        outcome(story.databaseCreated(create, 11, "inventory"));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.databases(story.tenant(), "orders"))
                .containsExactly(new DatabaseView("inventory", "alice", at(11).toString())));
        assertThat(api.operation(story.tenant(), create)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("SUCCEEDED");
            assertThat(operation.error()).isNull();
            assertThat(operation.updatedAt()).isEqualTo(at(11).toString());
        });
        assertThat(api.instance(story.tenant(), "orders")).hasValueSatisfying(
                instance -> assertThat(instance.status()).isEqualTo("AVAILABLE"));
    }

    @Test
    void aFailedDatabaseCreationShowsAFailedOperationWithTheReasonAndNoDatabase() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID create = UUID.randomUUID();

        command(story.createDatabaseRequested(create, 10, "inventory"));
        outcome(story.databaseCreationFailed(create, 11, "inventory", DatabaseCreationFailureReason.INSTANCE_NOT_AVAILABLE,
                "the instance is not running"));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operation(story.tenant(), create))
                .hasValueSatisfying(operation -> {
                    assertThat(operation.status()).isEqualTo("FAILED");
                    assertThat(operation.error()).isEqualTo(
                            new ErrorView("INSTANCE_NOT_AVAILABLE", "the instance is not running"));
                }));
        assertThat(api.databases(story.tenant(), "orders")).isEmpty();
    }

    @Test
    void databaseEventsDeliveredTwiceAreAppliedOnce() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID create = UUID.randomUUID();
        var requested = story.createDatabaseRequested(create, 10, "inventory");
        var created = story.databaseCreated(create, 11, "inventory");

        command(requested);
        command(requested);
        outcome(created);
        outcome(created);
        // A redelivered command makes the provisioner report the database again, later, with a new event id.
        var reEmitted = story.databaseCreated(create, 15, "inventory");
        outcome(reEmitted);
        await().atMost(BOUND).until(() -> applied(reEmitted));

        assertThat(api.databases(story.tenant(), "orders"))
                .containsExactly(new DatabaseView("inventory", "alice", at(11).toString()));
        assertThat(api.operation(story.tenant(), create)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("SUCCEEDED");
            assertThat(operation.createdAt()).isEqualTo(at(10).toString());
            assertThat(operation.updatedAt()).isEqualTo(at(11).toString());
        });
        // ProvisionRequested, InstanceProvisioned, and the three distinct database events.
        assertThat(timelineRows(story)).isEqualTo(5);
    }

    @Test
    void databaseOutcomesProjectedBeforeTheirCommandsStayFinal() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID create = UUID.randomUUID();
        UUID refused = UUID.randomUUID();

        outcome(story.databaseCreated(create, 11, "inventory"));
        outcome(story.databaseCreationFailed(refused, 21, "ledger", DatabaseCreationFailureReason.DRIVER_ERROR,
                "database \"ledger\" already exists"));
        await().atMost(BOUND).until(() -> api.operation(story.tenant(), refused).isPresent());
        var lateCommand = story.createDatabaseRequested(create, 10, "inventory");
        var lateRefusedCommand = story.createDatabaseRequested(refused, 20, "ledger");
        command(lateCommand);
        command(lateRefusedCommand);
        await().atMost(BOUND).until(() -> applied(lateCommand) && applied(lateRefusedCommand));

        assertThat(api.operation(story.tenant(), create)).hasValueSatisfying(operation -> {
            assertThat(operation.type()).isEqualTo("CREATE_DATABASE");
            assertThat(operation.status()).isEqualTo("SUCCEEDED");
            assertThat(operation.createdAt()).isEqualTo(at(10).toString());
        });
        assertThat(api.operation(story.tenant(), refused)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("FAILED");
            assertThat(operation.error().code()).isEqualTo("DRIVER_ERROR");
            assertThat(operation.createdAt()).isEqualTo(at(20).toString());
        });
        assertThat(api.databases(story.tenant(), "orders"))
                .containsExactly(new DatabaseView("inventory", "alice", at(11).toString()));
    }

    @Test
    void aSucceededMigrationShowsItsDatabaseOwnedByTheAdminUser() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID migrate = UUID.randomUUID();
        UUID create = UUID.randomUUID();

        migrationCommand(story.migrateRequested(migrate, 10));
        outcome(story.migrationSucceeded(migrate, 11));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.databases(story.tenant(), "orders"))
                .containsExactly(new DatabaseView("shop", "alice", at(11).toString())));

        // Migrating again, and asking for the same database, keep the one row, created when first seen.
        UUID migrateAgain = UUID.randomUUID();
        migrationCommand(story.migrateRequested(migrateAgain, 20));
        outcome(story.migrationSucceeded(migrateAgain, 21));
        command(story.createDatabaseRequested(create, 30, "shop"));
        var created = story.databaseCreated(create, 31, "shop");
        outcome(created);
        await().atMost(BOUND).until(() -> applied(created));

        assertThat(api.databases(story.tenant(), "orders"))
                .containsExactly(new DatabaseView("shop", "alice", at(11).toString()));
        assertThat(api.operation(story.tenant(), migrate)).hasValueSatisfying(
                operation -> assertThat(operation.status()).isEqualTo("SUCCEEDED"));
    }

    @Test
    void aDatabaseReportedWhileMigratingLeavesTheMigrationToItsOwnOutcome() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID migrate = UUID.randomUUID();

        migrationCommand(story.migrateRequested(migrate, 10));
        await().atMost(BOUND).until(() -> api.operation(story.tenant(), migrate).isPresent());
        outcome(story.databaseCreated(migrate, 11, "shop"));
        var failed = story.migrationFailed(migrate, 12, "relation \"orders\" already exists");
        outcome(failed);
        await().atMost(BOUND).until(() -> applied(failed));

        assertThat(api.operation(story.tenant(), migrate)).hasValueSatisfying(operation -> {
            assertThat(operation.type()).isEqualTo("MIGRATE");
            assertThat(operation.status()).isEqualTo("FAILED");
            assertThat(operation.error().code()).isEqualTo("SQL_ERROR");
        });
        assertThat(api.databases(story.tenant(), "orders"))
                .containsExactly(new DatabaseView("shop", "alice", at(11).toString()));
    }

    @Test
    void databasesAreListedByNameForTheCurrentInstanceOfTheTenantOnly() {
        InstanceStory story = InstanceStory.of("orders");
        InstanceStory billing = story.named("billing");
        InstanceStory sameNameElsewhere = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        provisionAvailable(billing, UUID.randomUUID());
        provisionAvailable(sameNameElsewhere, UUID.randomUUID());
        for (String database : new String[] {"reports", "inventory", "ledger"}) {
            UUID create = UUID.randomUUID();
            command(story.createDatabaseRequested(create, 10, database));
            outcome(story.databaseCreated(create, 11, database));
        }
        UUID billingDatabase = UUID.randomUUID();
        command(billing.createDatabaseRequested(billingDatabase, 10, "invoices"));
        outcome(billing.databaseCreated(billingDatabase, 11, "invoices"));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.databases(story.tenant(), "orders"))
                .extracting(DatabaseView::name).containsExactly("inventory", "ledger", "reports"));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.databases(billing.tenant(), "billing"))
                .extracting(DatabaseView::name).containsExactly("invoices"));
        assertThat(api.databases(sameNameElsewhere.tenant(), "orders")).isEmpty();

        UUID destroy = UUID.randomUUID();
        command(story.destroyRequested(destroy, 20));
        outcome(story.destroyed(destroy, 21));
        await().atMost(BOUND).until(() -> api.instance(story.tenant(), "orders").isEmpty());
        ResponseEntity<String> notFound = api.raw("/internal/tenants/" + story.tenant() + "/instances/orders/databases");
        assertThat(notFound.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(notFound.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(notFound.getBody()).contains("\"code\":\"instance_not_found\"");

        UUID provisionAgain = UUID.randomUUID();
        command(story.provisionRequested(provisionAgain, 30));
        outcome(story.provisioned(provisionAgain, 31, 54400));
        await().atMost(BOUND).until(() -> api.instance(story.tenant(), "orders").isPresent());
        assertThat(api.databases(story.tenant(), "orders")).isEmpty();
    }
}
