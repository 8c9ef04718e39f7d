package dev.dbcloud.status;

import static dev.dbcloud.status.InstanceStory.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.events.RestoreFailureReason;
import dev.dbcloud.status.StatusApi.DatabaseView;
import dev.dbcloud.status.StatusApi.ErrorView;
import dev.dbcloud.status.StatusApi.InstanceView;
import dev.dbcloud.status.StatusApi.OperationView;
import dev.dbcloud.status.StatusApi.RestoredFromView;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Restores into new instances, as the read model shows them: a RESTORE operation, and a new instance that appears
 * PROVISIONING like a provisioned one, then AVAILABLE with the databases its server holds and where it came from,
 * or FAILED with no server. The source instance stays as it was.
 */
class RestoresIntegrationTest extends ReadModelIntegrationTest {

    private static final JsonMapper json = JsonMapper.builder().build();
    /** A moment with microseconds, as restore times are. */
    private static final Instant RESTORED_TO = at(5).plusNanos(123_456_000);

    @Test
    void aRestoreShowsAProvisioningInstanceUntilRestoredThenAnAvailableOneWithItsDatabasesAndWhereItCameFrom() {
        InstanceStory orders = InstanceStory.of("orders");
        InstanceStory copy = orders.named("orders_copy");
        provisionAvailable(orders, UUID.randomUUID());
        UUID restore = UUID.randomUUID();

        command(copy.restoreRequested(restore, 10, "orders", RESTORED_TO, null));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(orders.tenant(), "orders_copy")).hasValue(
                new InstanceView("orders_copy", null, null, "PROVISIONING", null, "alice", "LOCAL", at(10).toString(),
                        at(10).toString(), new RestoredFromView("orders", RESTORED_TO.toString()))));
        assertThat(api.operation(orders.tenant(), restore)).hasValue(new OperationView(restore.toString(), "RESTORE",
                "orders_copy", "PENDING", null, at(10).toString(), at(10).toString()));

        outcome(copy.restored(restore, 20, 54400, "orders", RESTORED_TO, "shop", "ledger"));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(orders.tenant(), "orders_copy")).hasValue(
                new InstanceView("orders_copy", "db.example.test", 54400, "AVAILABLE", null, "alice", "LOCAL",
                        at(10).toString(), at(20).toString(), new RestoredFromView("orders", "2100-01-01T00:00:05.123456Z"))));
        assertThat(api.operation(orders.tenant(), restore)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("SUCCEEDED");
            assertThat(operation.error()).isNull();
            assertThat(operation.updatedAt()).isEqualTo(at(20).toString());
        });
        assertThat(api.databases(orders.tenant(), "orders_copy")).containsExactly(
                new DatabaseView("ledger", "alice", at(20).toString()), new DatabaseView("shop", "alice", at(20).toString()));
        assertThat(api.operations(orders.tenant(), "orders_copy")).extracting(OperationView::id)
                .containsExactly(restore.toString());
        assertThat(api.instances(orders.tenant())).extracting(InstanceView::name).containsExactly("orders", "orders_copy");
        // The source is untouched, and shows no restore of its own.
        assertThat(api.instance(orders.tenant(), "orders")).hasValueSatisfying(instance -> {
            assertThat(instance.status()).isEqualTo("AVAILABLE");
            assertThat(instance.restoredFrom()).isNull();
        });
        assertThat(api.databases(orders.tenant(), "orders")).isEmpty();
        JsonNode source = json.readTree(api.raw("/internal/tenants/" + orders.tenant() + "/instances/orders").getBody());
        assertThat(source.get("restoredFrom").isNull()).isTrue();
    }

    @Test
    void aRestoreOfTheLatestStateShowsTheMomentItReachedOnceRestored() {
        InstanceStory orders = InstanceStory.of("orders");
        InstanceStory copy = orders.named("orders_copy");
        provisionAvailable(orders, UUID.randomUUID());
        UUID restore = UUID.randomUUID();

        command(copy.restoreRequested(restore, 10, "orders", null, null));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(orders.tenant(), "orders_copy"))
                .hasValueSatisfying(instance -> assertThat(instance.restoredFrom())
                        .isEqualTo(new RestoredFromView("orders", null))));

        outcome(copy.restored(restore, 20, 54400, "orders", at(9)));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(orders.tenant(), "orders_copy"))
                .hasValueSatisfying(instance -> {
                    assertThat(instance.status()).isEqualTo("AVAILABLE");
                    assertThat(instance.restoredFrom()).isEqualTo(new RestoredFromView("orders", at(9).toString()));
                }));
    }

    @Test
    void aFailedRestoreLeavesItsNewInstanceFailedWithoutAServerAndTheOperationFailedWithTheReason() {
        InstanceStory orders = InstanceStory.of("orders");
        InstanceStory copy = orders.named("orders_copy");
        provisionAvailable(orders, UUID.randomUUID());
        UUID restore = UUID.randomUUID();

        command(copy.restoreRequested(restore, 10, "orders", at(3), null));
        outcome(copy.restoreFailed(restore, 11, "orders", RestoreFailureReason.OUTSIDE_WINDOW,
                "no backup of orders ends before 2100-01-01T00:00:03Z"));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operation(orders.tenant(), restore))
                .hasValueSatisfying(operation -> {
                    assertThat(operation.type()).isEqualTo("RESTORE");
                    assertThat(operation.status()).isEqualTo("FAILED");
                    assertThat(operation.error()).isEqualTo(new ErrorView("OUTSIDE_WINDOW",
                            "no backup of orders ends before 2100-01-01T00:00:03Z"));
                }));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(orders.tenant(), "orders_copy"))
                .hasValueSatisfying(instance -> {
                    assertThat(instance.status()).isEqualTo("FAILED");
                    assertThat(instance.hostName()).isNull();
                    assertThat(instance.port()).isNull();
                    assertThat(instance.restoredFrom()).isEqualTo(new RestoredFromView("orders", at(3).toString()));
                }));
        // Its name stays held until it is destroyed, as a failed provisioning's does.
        assertThat(api.instances(orders.tenant())).extracting(InstanceView::name, InstanceView::status)
                .containsExactly(tuple("orders", "AVAILABLE"), tuple("orders_copy", "FAILED"));
    }

    @Test
    void aRestoreFailureProjectedBeforeItsCommandStillShowsWhereItCameFrom() {
        InstanceStory orders = InstanceStory.of("orders");
        InstanceStory copy = orders.named("orders_copy");
        provisionAvailable(orders, UUID.randomUUID());
        UUID restore = UUID.randomUUID();

        outcome(copy.restoreFailed(restore, 11, "orders", RestoreFailureReason.NO_BACKUPS, "orders has no backups yet"));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(orders.tenant(), "orders_copy"))
                .hasValueSatisfying(instance -> {
                    assertThat(instance.status()).isEqualTo("FAILED");
                    assertThat(instance.restoredFrom()).isEqualTo(new RestoredFromView("orders", null));
                }));
        var lateCommand = copy.restoreRequested(restore, 10, "orders", at(7), null);
        command(lateCommand);
        await().atMost(BOUND).until(() -> applied(lateCommand));

        assertThat(api.instance(orders.tenant(), "orders_copy")).hasValueSatisfying(instance -> {
            assertThat(instance.status()).isEqualTo("FAILED");
            assertThat(instance.createdAt()).isEqualTo(at(10).toString());
            assertThat(instance.adminUsername()).as("the source's").isEqualTo("alice");
            assertThat(instance.restoredFrom()).isEqualTo(new RestoredFromView("orders", at(7).toString()));
        });
        assertThat(api.operation(orders.tenant(), restore)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("FAILED");
            assertThat(operation.error().code()).isEqualTo("NO_BACKUPS");
        });
    }

    @Test
    void aRestoreOutcomeProjectedBeforeItsCommandKeepsTheMomentItReached() {
        InstanceStory orders = InstanceStory.of("orders");
        InstanceStory copy = orders.named("orders_copy");
        provisionAvailable(orders, UUID.randomUUID());
        UUID restore = UUID.randomUUID();

        outcome(copy.restored(restore, 20, 54400, "orders", at(9), "shop"));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(orders.tenant(), "orders_copy"))
                .hasValueSatisfying(instance -> assertThat(instance.status()).isEqualTo("AVAILABLE")));
        var lateCommand = copy.restoreRequested(restore, 10, "orders", null, null);
        command(lateCommand);
        await().atMost(BOUND).until(() -> applied(lateCommand));

        assertThat(api.instance(orders.tenant(), "orders_copy")).hasValue(new InstanceView("orders_copy",
                "db.example.test", 54400, "AVAILABLE", null, "alice", "LOCAL", at(10).toString(), at(20).toString(),
                new RestoredFromView("orders", at(9).toString())));
        assertThat(api.databases(orders.tenant(), "orders_copy")).extracting(DatabaseView::name).containsExactly("shop");
        assertThat(api.operation(orders.tenant(), restore)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("SUCCEEDED");
            assertThat(operation.createdAt()).isEqualTo(at(10).toString());
        });
    }

    @Test
    void restoreEventsDeliveredTwiceOrReplayedAreAppliedOnce() {
        InstanceStory orders = InstanceStory.of("orders");
        InstanceStory copy = orders.named("orders_copy");
        provisionAvailable(orders, UUID.randomUUID());
        UUID restore = UUID.randomUUID();
        var requested = copy.restoreRequested(restore, 10, "orders", at(5), null);
        var restored = copy.restored(restore, 20, 54400, "orders", at(5), "shop");

        command(requested);
        command(requested);
        outcome(restored);
        outcome(restored);
        // A contradicting outcome, re-emitted later, changes nothing: the first outcome is final.
        var contradicting = copy.restoreFailed(restore, 21, "orders", RestoreFailureReason.DRIVER_ERROR, "late");
        outcome(contradicting);
        // The whole story again, as after a consumer group's offsets were reset.
        command(requested);
        outcome(restored);
        outcome(contradicting);
        await().atMost(BOUND).until(() -> applied(requested) && applied(restored) && applied(contradicting));
        UUID reset = UUID.randomUUID();
        var resetRequested = copy.passwordResetRequested(reset, 30);
        var resetDone = copy.passwordReset(reset, 31);
        command(resetRequested);
        outcome(resetDone);
        await().atMost(BOUND).until(() -> applied(resetRequested) && applied(resetDone));

        assertThat(api.instance(orders.tenant(), "orders_copy")).hasValue(new InstanceView("orders_copy",
                "db.example.test", 54400, "AVAILABLE", null, "alice", "LOCAL", at(10).toString(), at(20).toString(),
                new RestoredFromView("orders", at(5).toString())));
        assertThat(api.operation(orders.tenant(), restore)).hasValueSatisfying(
                operation -> assertThat(operation.status()).isEqualTo("SUCCEEDED"));
        assertThat(api.databases(orders.tenant(), "orders_copy")).extracting(DatabaseView::name).containsExactly("shop");
        // RestoreRequested, InstanceRestored, RestoreFailed and the two markers.
        assertThat(timelineRows(copy)).isEqualTo(5);
    }
}
