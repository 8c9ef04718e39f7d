package dev.dbcloud.status;

import static dev.dbcloud.status.InstanceStory.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.events.InstanceHealth;
import dev.dbcloud.events.ProvisionFailureReason;
import dev.dbcloud.status.StatusApi.InstanceView;
import dev.dbcloud.status.StatusApi.OperationView;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * An instance's lifecycle: provisioning, health, destroying, and the operations on it, projected from records
 * delivered twice, replayed, or out of order.
 */
class StatusServiceIntegrationTest extends ReadModelIntegrationTest {

    @Test
    void provisioningShowsAProvisioningInstanceAndAPendingOperationUntilProvisionedThenAvailableWithItsEndpoint() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();

        command(story.provisionRequested(provision, 1));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders")).hasValue(
                new InstanceView("orders", null, null, "PROVISIONING", "alice", "LOCAL", at(1).toString(),
                        at(1).toString())));
        assertThat(api.operation(story.tenant(), provision)).hasValue(new OperationView(provision.toString(),
                "PROVISION", "orders", "PENDING", null, at(1).toString(), at(1).toString()));

        outcome(story.provisioned(provision, 5, 54321));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders")).hasValue(
                new InstanceView("orders", "db.example.test", 54321, "AVAILABLE", "alice", "LOCAL",
                        at(1).toString(), at(5).toString())));
        assertThat(api.operation(story.tenant(), provision)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("SUCCEEDED");
            assertThat(operation.error()).isNull();
            assertThat(operation.updatedAt()).isEqualTo(at(5).toString());
        });
        assertThat(api.instances(story.tenant())).extracting(InstanceView::name).containsExactly("orders");
    }

    @Test
    void failedProvisioningShowsAFailedInstanceAndAFailedOperationWithTheReasonAndMessage() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();

        command(story.provisionRequested(provision, 1));
        outcome(story.provisionFailed(provision, 4, ProvisionFailureReason.DRIVER_ERROR, "initdb exited with 1"));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operation(story.tenant(), provision))
                .hasValueSatisfying(operation -> {
                    assertThat(operation.status()).isEqualTo("FAILED");
                    assertThat(operation.error()).isEqualTo(new StatusApi.ErrorView("DRIVER_ERROR", "initdb exited with 1"));
                }));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders"))
                .hasValueSatisfying(instance -> {
                    assertThat(instance.status()).isEqualTo("FAILED");
                    assertThat(instance.adminUsername()).isEqualTo("alice");
                    assertThat(instance.hostName()).isNull();
                }));
    }

    @Test
    void eventsDeliveredTwiceOrReplayedLaterAreAppliedOnce() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();
        var requested = story.provisionRequested(provision, 1);
        var provisioned = story.provisioned(provision, 2, 54321);
        var unavailable = story.health(InstanceHealth.UNAVAILABLE, 3);

        command(requested);
        command(requested);
        outcome(provisioned);
        outcome(provisioned);
        await().atMost(BOUND).until(() -> applied(provisioned));
        outcome(unavailable);
        outcome(unavailable);
        // The whole story again, as after a consumer group's offsets were reset.
        command(requested);
        outcome(provisioned);
        outcome(unavailable);
        // Markers on each topic, on the same partitions: once they are applied, every copy before them was seen.
        UUID reset = UUID.randomUUID();
        var resetRequested = story.passwordResetRequested(reset, 4);
        var resetDone = story.passwordReset(reset, 5);
        command(resetRequested);
        outcome(resetDone);
        await().atMost(BOUND).until(() -> applied(resetRequested) && applied(resetDone));

        assertThat(api.instance(story.tenant(), "orders")).hasValueSatisfying(instance -> {
            assertThat(instance.status()).isEqualTo("UNAVAILABLE");
            assertThat(instance.createdAt()).isEqualTo(at(1).toString());
            assertThat(instance.updatedAt()).isEqualTo(at(3).toString());
        });
        assertThat(api.operations(story.tenant(), "orders"))
                .extracting(OperationView::type, OperationView::status, OperationView::createdAt, OperationView::updatedAt)
                .containsExactly(
                        tuple("PASSWORD_RESET", "SUCCEEDED", at(4).toString(), at(5).toString()),
                        tuple("PROVISION", "SUCCEEDED", at(1).toString(), at(2).toString()));
        assertThat(timelineRows(story)).isEqualTo(5);
    }

    @Test
    void aProvisioningOutcomeProjectedBeforeItsCommandStaysSucceededAndAvailable() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();

        outcome(story.provisioned(provision, 5, 54321));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders"))
                .hasValueSatisfying(instance -> assertThat(instance.status()).isEqualTo("AVAILABLE")));
        var lateCommand = story.provisionRequested(provision, 1);
        command(lateCommand);
        await().atMost(BOUND).until(() -> applied(lateCommand));

        assertThat(api.instance(story.tenant(), "orders")).hasValue(new InstanceView("orders", "db.example.test", 54321,
                "AVAILABLE", "alice", "LOCAL", at(1).toString(), at(5).toString()));
        assertThat(api.operation(story.tenant(), provision)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("SUCCEEDED");
            assertThat(operation.createdAt()).isEqualTo(at(1).toString());
        });
    }

    @Test
    void aDestroyOutcomeProjectedBeforeItsCommandLeavesTheInstanceDestroyed() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();
        UUID destroy = UUID.randomUUID();
        provisionAvailable(story, provision);

        outcome(story.destroyed(destroy, 11));
        await().atMost(BOUND).until(() -> api.instance(story.tenant(), "orders").isEmpty());
        var lateCommand = story.destroyRequested(destroy, 10);
        command(lateCommand);
        await().atMost(BOUND).until(() -> applied(lateCommand));

        assertThat(api.instance(story.tenant(), "orders")).isEmpty();
        assertThat(api.operation(story.tenant(), destroy)).hasValueSatisfying(operation -> {
            assertThat(operation.type()).isEqualTo("DESTROY");
            assertThat(operation.status()).isEqualTo("SUCCEEDED");
        });
    }

    @Test
    void aDestroyedInstanceLeavesTheListAndItsNameCanBeProvisionedAgain() {
        InstanceStory orders = InstanceStory.of("orders");
        InstanceStory billing = orders.named("billing");
        UUID firstProvision = UUID.randomUUID();
        UUID destroy = UUID.randomUUID();
        provisionAvailable(orders, firstProvision);
        provisionAvailable(billing, UUID.randomUUID());
        assertThat(api.instances(orders.tenant())).extracting(InstanceView::name).containsExactly("billing", "orders");

        command(orders.destroyRequested(destroy, 10));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(orders.tenant(), "orders"))
                .hasValueSatisfying(instance -> assertThat(instance.status()).isEqualTo("DESTROYING")));
        outcome(orders.destroyed(destroy, 11));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(orders.tenant(), "orders")).isEmpty());
        assertThat(api.instances(orders.tenant())).extracting(InstanceView::name).containsExactly("billing");
        assertThat(api.operation(orders.tenant(), destroy)).hasValueSatisfying(
                operation -> assertThat(operation.status()).isEqualTo("SUCCEEDED"));

        UUID secondProvision = UUID.randomUUID();
        command(orders.provisionRequested(secondProvision, 20));
        outcome(orders.provisioned(secondProvision, 21, 54400));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(orders.tenant(), "orders")).hasValue(
                new InstanceView("orders", "db.example.test", 54400, "AVAILABLE", "alice", "LOCAL", at(20).toString(),
                        at(21).toString())));
        assertThat(api.instances(orders.tenant())).extracting(InstanceView::name).containsExactly("billing", "orders");
        assertThat(api.operation(orders.tenant(), firstProvision)).hasValueSatisfying(
                operation -> assertThat(operation.status()).isEqualTo("SUCCEEDED"));
    }

    @Test
    void anotherTenantGetsNotFoundForAnInstanceAndAnOperation() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();
        provisionAvailable(story, provision);
        String stranger = InstanceStory.of("orders").tenant();

        assertThat(api.instance(stranger, "orders")).isEmpty();
        assertThat(api.operation(stranger, provision)).isEmpty();
        assertThat(api.instances(stranger)).isEmpty();
        for (String path : new String[] {"", "/operations", "/databases"}) {
            ResponseEntity<String> notFound = api.raw("/internal/tenants/" + stranger + "/instances/orders" + path);
            assertThat(notFound.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
            assertThat(notFound.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(notFound.getBody()).contains("\"code\":\"instance_not_found\"");
        }
        assertThat(api.raw("/internal/tenants/" + story.tenant() + "/operations/not-a-uuid").getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    /** What the gateway's waiting long-polls ask in one round: the tenant's operations among many ids. */
    @Test
    void oneLookupAnswersTheTenantsOperationsAmongTheIdsAndLeavesOutTheRest() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();
        provisionAvailable(story, provision);
        InstanceStory other = InstanceStory.of("orders");
        UUID othersProvision = UUID.randomUUID();
        provisionAvailable(other, othersProvision);

        String lookup = "/internal/tenants/" + story.tenant() + "/operations?id=" + provision + "&id=" + othersProvision
                + "&id=" + UUID.randomUUID() + "&id=not-a-uuid&id=" + provision;
        ResponseEntity<String> found = api.raw(lookup);
        assertThat(found.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(found.getBody()).contains("\"id\":\"" + provision + "\"", "\"status\":\"SUCCEEDED\"", "\"next\":null")
                .doesNotContain(othersProvision.toString());
        assertThat(found.getBody().split("\"type\":").length - 1).as("operations listed").isEqualTo(1);

        ResponseEntity<String> none = api.raw("/internal/tenants/" + story.tenant() + "/operations");
        assertThat(none.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(none.getBody()).contains("\"field\":\"id\"", "\"rule\":\"RANGE\"");
        String tooMany = "/internal/tenants/" + story.tenant() + "/operations?id=" + provision
                + ("&id=" + provision).repeat(100);
        assertThat(api.raw(tooMany).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    }

    @Test
    void healthChangesMoveAnAvailableInstanceToUnavailableAndBack() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());

        outcome(story.health(InstanceHealth.UNAVAILABLE, 10));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders"))
                .hasValueSatisfying(instance -> assertThat(instance.status()).isEqualTo("UNAVAILABLE")));

        outcome(story.health(InstanceHealth.AVAILABLE, 11));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders"))
                .hasValueSatisfying(instance -> {
                    assertThat(instance.status()).isEqualTo("AVAILABLE");
                    assertThat(instance.updatedAt()).isEqualTo(at(11).toString());
                }));
    }

    @Test
    void anUnavailableInstanceShowsWhyUntilItIsAvailableAgain() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        assertThat(api.instance(story.tenant(), "orders")).hasValueSatisfying(
                instance -> assertThat(instance.statusReason()).isNull());

        var down = story.health(InstanceHealth.UNAVAILABLE, 10);
        down.setDetail("nothing accepts connections on port 54321");
        outcome(down);
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders"))
                .hasValueSatisfying(instance -> {
                    assertThat(instance.status()).isEqualTo("UNAVAILABLE");
                    assertThat(instance.statusReason()).isEqualTo("nothing accepts connections on port 54321");
                }));
        assertThat(api.instances(story.tenant())).singleElement()
                .extracting(InstanceView::statusReason).isEqualTo("nothing accepts connections on port 54321");

        var up = story.health(InstanceHealth.AVAILABLE, 11);
        up.setDetail("the server accepts connections");
        outcome(up);
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders"))
                .hasValueSatisfying(instance -> {
                    assertThat(instance.status()).isEqualTo("AVAILABLE");
                    assertThat(instance.statusReason()).isNull();
                }));
    }

    @Test
    void aHealthEventOlderThanTheLastAppliedOneIsIgnored() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());

        outcome(story.health(InstanceHealth.UNAVAILABLE, 20));
        var older = story.health(InstanceHealth.AVAILABLE, 15);
        outcome(older);
        await().atMost(BOUND).until(() -> applied(older));

        assertThat(api.instance(story.tenant(), "orders")).hasValueSatisfying(instance -> {
            assertThat(instance.status()).isEqualTo("UNAVAILABLE");
            assertThat(instance.updatedAt()).isEqualTo(at(20).toString());
        });
    }

    @Test
    void aReEmittedProvisioningOutcomeDoesNotOverrideALaterHealthChange() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();
        provisionAvailable(story, provision);
        outcome(story.health(InstanceHealth.UNAVAILABLE, 10));

        // A redelivered command makes the provisioner emit its outcome again, with a new event id.
        var reEmitted = story.provisioned(provision, 12, 54321);
        outcome(reEmitted);
        await().atMost(BOUND).until(() -> applied(reEmitted));

        assertThat(api.instance(story.tenant(), "orders")).hasValueSatisfying(
                instance -> assertThat(instance.status()).isEqualTo("UNAVAILABLE"));
    }

    @Test
    void aFailedDestroyLeavesAFailedInstanceAndAFailedOperation() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID destroy = UUID.randomUUID();

        command(story.destroyRequested(destroy, 10));
        outcome(story.destroyFailed(destroy, 11, "data directory is busy"));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operation(story.tenant(), destroy))
                .hasValueSatisfying(operation -> {
                    assertThat(operation.status()).isEqualTo("FAILED");
                    assertThat(operation.error()).isEqualTo(new StatusApi.ErrorView("DRIVER_ERROR", "data directory is busy"));
                }));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders"))
                .hasValueSatisfying(instance -> assertThat(instance.status()).isEqualTo("FAILED")));
    }

    @Test
    void aFailedDestroyProjectedBeforeItsCommandLeavesTheInstanceFailed() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID destroy = UUID.randomUUID();

        outcome(story.destroyFailed(destroy, 11, "data directory is busy"));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders"))
                .hasValueSatisfying(instance -> assertThat(instance.status()).isEqualTo("FAILED")));
        var lateCommand = story.destroyRequested(destroy, 10);
        command(lateCommand);
        await().atMost(BOUND).until(() -> applied(lateCommand));

        assertThat(api.instance(story.tenant(), "orders")).hasValueSatisfying(instance -> {
            assertThat(instance.status()).isEqualTo("FAILED");
            assertThat(instance.updatedAt()).isEqualTo(at(11).toString());
        });
        assertThat(api.operation(story.tenant(), destroy)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("FAILED");
            assertThat(operation.createdAt()).isEqualTo(at(10).toString());
        });
    }

    @Test
    void passwordResetsAndMigrationsAreListedAsTheInstancesOperationsNewestFirst() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();
        provisionAvailable(story, provision);
        UUID reset = UUID.randomUUID();
        UUID migrate = UUID.randomUUID();
        UUID brokenMigrate = UUID.randomUUID();

        command(story.passwordResetRequested(reset, 10));
        outcome(story.passwordReset(reset, 11));
        migrationCommand(story.migrateRequested(migrate, 20));
        outcome(story.migrationSucceeded(migrate, 21));
        migrationCommand(story.migrateRequested(brokenMigrate, 30));
        outcome(story.migrationFailed(brokenMigrate, 31, "relation \"orders\" already exists"));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operations(story.tenant(), "orders"))
                .extracting(OperationView::id, OperationView::type, OperationView::status)
                .containsExactly(
                        tuple(brokenMigrate.toString(), "MIGRATE", "FAILED"),
                        tuple(migrate.toString(), "MIGRATE", "SUCCEEDED"),
                        tuple(reset.toString(), "PASSWORD_RESET", "SUCCEEDED"),
                        tuple(provision.toString(), "PROVISION", "SUCCEEDED")));
        assertThat(api.operation(story.tenant(), brokenMigrate)).hasValueSatisfying(operation -> assertThat(operation.error())
                .isEqualTo(new StatusApi.ErrorView("SQL_ERROR", "relation \"orders\" already exists")));
        assertThat(api.instance(story.tenant(), "orders")).hasValueSatisfying(
                instance -> assertThat(instance.status()).isEqualTo("AVAILABLE"));
    }

    @Test
    void anInstancesOperationsAreThoseOfItsCurrentIncarnationNewestFirst() {
        InstanceStory story = InstanceStory.of("orders");
        UUID firstProvision = UUID.randomUUID();
        UUID firstReset = UUID.randomUUID();
        UUID firstDestroy = UUID.randomUUID();
        provisionAvailable(story, firstProvision);
        command(story.passwordResetRequested(firstReset, 3));
        outcome(story.passwordReset(firstReset, 4));
        command(story.destroyRequested(firstDestroy, 5));
        outcome(story.destroyed(firstDestroy, 6));
        await().atMost(BOUND).until(() -> api.instance(story.tenant(), "orders").isEmpty());
        assertThat(api.raw("/internal/tenants/" + story.tenant() + "/instances/orders/operations").getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);

        UUID provision = UUID.randomUUID();
        UUID createDatabase = UUID.randomUUID();
        UUID reset = UUID.randomUUID();
        UUID migrate = UUID.randomUUID();
        UUID destroy = UUID.randomUUID();
        command(story.provisionRequested(provision, 10));
        outcome(story.provisioned(provision, 11, 54400));
        command(story.createDatabaseRequested(createDatabase, 12, "inventory"));
        outcome(story.databaseCreated(createDatabase, 13, "inventory"));
        command(story.passwordResetRequested(reset, 14));
        migrationCommand(story.migrateRequested(migrate, 15));
        outcome(story.migrationSucceeded(migrate, 16));
        command(story.destroyRequested(destroy, 17));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operations(story.tenant(), "orders"))
                .extracting(OperationView::id, OperationView::type, OperationView::status)
                .containsExactly(
                        tuple(destroy.toString(), "DESTROY", "PENDING"),
                        tuple(migrate.toString(), "MIGRATE", "SUCCEEDED"),
                        tuple(reset.toString(), "PASSWORD_RESET", "PENDING"),
                        tuple(createDatabase.toString(), "CREATE_DATABASE", "SUCCEEDED"),
                        tuple(provision.toString(), "PROVISION", "SUCCEEDED")));
        assertThat(api.operation(story.tenant(), firstReset)).hasValueSatisfying(
                operation -> assertThat(operation.status()).isEqualTo("SUCCEEDED"));
    }

    @Test
    void anIncarnationProvisionedWhileItsNameSeemedTakenDatesFromItsRequest() {
        InstanceStory story = InstanceStory.of("orders");
        UUID firstDestroy = UUID.randomUUID();
        provisionAvailable(story, UUID.randomUUID());
        command(story.destroyRequested(firstDestroy, 5));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders"))
                .hasValueSatisfying(instance -> assertThat(instance.status()).isEqualTo("DESTROYING")));

        // The new provisioning's command is projected before the InstanceDestroyed it was accepted after.
        UUID provision = UUID.randomUUID();
        var requested = story.provisionRequested(provision, 10);
        command(requested);
        await().atMost(BOUND).until(() -> applied(requested));
        outcome(story.destroyed(firstDestroy, 6));
        outcome(story.provisioned(provision, 11, 54400));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders"))
                .hasValueSatisfying(instance -> {
                    assertThat(instance.status()).isEqualTo("AVAILABLE");
                    assertThat(instance.createdAt()).isEqualTo(at(10).toString());
                }));
        assertThat(api.operations(story.tenant(), "orders")).extracting(OperationView::id)
                .containsExactly(provision.toString());
    }
}
