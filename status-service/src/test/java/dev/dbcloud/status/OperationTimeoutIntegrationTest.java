package dev.dbcloud.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.events.LinkFailureReason;
import dev.dbcloud.events.ProvisionFailureReason;
import dev.dbcloud.status.StatusApi.ErrorView;
import dev.dbcloud.status.StatusApi.OperationView;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Operations that get no outcome within the timeout (3 seconds here) end FAILED with TIMEOUT, until their real
 * outcome arrives. The stories start ten minutes ago, so the sweep that runs every second ends their operations
 * as soon as they are projected.
 */
class OperationTimeoutIntegrationTest extends ReadModelIntegrationTest {

    private static final ErrorView TIMEOUT =
            new ErrorView("TIMEOUT", "No outcome within 3 seconds; the service that runs it may be down");
    /** A restore has a timeout of its own, as long as the provisioner's replay may take. */
    private static final ErrorView RESTORE_TIMEOUT =
            new ErrorView("TIMEOUT", "No outcome within 4 seconds; the service that runs it may be down");

    @Test
    void aProvisioningWithoutAnOutcomeWithinTheTimeoutFailsWithTimeoutAndSoDoesItsInstance() {
        InstanceStory story = tenMinutesAgo("orders");
        UUID provision = UUID.randomUUID();

        command(story.provisionRequested(provision, 1));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operation(story.tenant(), provision))
                .hasValueSatisfying(operation -> {
                    assertThat(operation.status()).isEqualTo("FAILED");
                    assertThat(operation.error()).isEqualTo(TIMEOUT);
                }));
        assertThat(api.instance(story.tenant(), "orders")).hasValueSatisfying(instance -> {
            assertThat(instance.status()).isEqualTo("FAILED");
            assertThat(instance.adminUsername()).isEqualTo("alice");
        });
    }

    @Test
    void aRestoreWithoutAnOutcomeWithinTheTimeoutFailsWithTimeoutAndSoDoesItsNewInstanceUntilItsOutcomeArrives() {
        InstanceStory source = tenMinutesAgo("orders");
        InstanceStory copy = source.named("orders_copy");
        provisionAvailable(source, UUID.randomUUID());
        UUID restore = UUID.randomUUID();

        command(copy.restoreRequested(restore, 10, "orders", null, null));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operation(source.tenant(), restore))
                .hasValueSatisfying(operation -> assertThat(operation.error()).isEqualTo(RESTORE_TIMEOUT)));
        assertThat(api.instance(source.tenant(), "orders_copy")).hasValueSatisfying(
                instance -> assertThat(instance.status()).isEqualTo("FAILED"));
        assertThat(api.instance(source.tenant(), "orders")).hasValueSatisfying(
                instance -> assertThat(instance.status()).isEqualTo("AVAILABLE"));

        outcome(copy.restored(restore, 20, 54400, "orders", copy.time(15), "shop"));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(source.tenant(), "orders_copy"))
                .hasValueSatisfying(instance -> {
                    assertThat(instance.status()).isEqualTo("AVAILABLE");
                    assertThat(instance.port()).isEqualTo(54400);
                }));
        assertThat(api.operation(source.tenant(), restore)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("SUCCEEDED");
            assertThat(operation.error()).isNull();
        });
        assertThat(api.databases(source.tenant(), "orders_copy")).extracting(StatusApi.DatabaseView::name)
                .containsExactly("shop");
    }

    @Test
    void timedOutOperationsOnAnInstanceLeaveItsStateAndItsFinishedOperationsAlone() {
        InstanceStory story = tenMinutesAgo("orders");
        UUID provision = UUID.randomUUID();
        UUID reset = UUID.randomUUID();
        UUID createDatabase = UUID.randomUUID();
        UUID migrate = UUID.randomUUID();
        provisionAvailable(story, provision);

        command(story.passwordResetRequested(reset, 10));
        command(story.createDatabaseRequested(createDatabase, 11, "inventory"));
        migrationCommand(story.migrateRequested(migrate, 12));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operations(story.tenant(), "orders"))
                .extracting(OperationView::type, OperationView::status, OperationView::error)
                .containsExactly(
                        tuple("MIGRATE", "FAILED", TIMEOUT),
                        tuple("CREATE_DATABASE", "FAILED", TIMEOUT),
                        tuple("PASSWORD_RESET", "FAILED", TIMEOUT),
                        tuple("PROVISION", "SUCCEEDED", null)));
        assertThat(api.instance(story.tenant(), "orders")).hasValueSatisfying(
                instance -> assertThat(instance.status()).isEqualTo("AVAILABLE"));
    }

    @Test
    void aProvisioningOutcomeAfterATimeoutReplacesItAndIsFinal() {
        InstanceStory story = tenMinutesAgo("orders");
        UUID provision = UUID.randomUUID();
        command(story.provisionRequested(provision, 1));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders"))
                .hasValueSatisfying(instance -> assertThat(instance.status()).isEqualTo("FAILED")));

        outcome(story.provisioned(provision, 5, 54321));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders"))
                .hasValueSatisfying(instance -> {
                    assertThat(instance.status()).isEqualTo("AVAILABLE");
                    assertThat(instance.hostName()).isEqualTo("db.example.test");
                    assertThat(instance.port()).isEqualTo(54321);
                }));
        assertThat(api.operation(story.tenant(), provision)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("SUCCEEDED");
            assertThat(operation.error()).isNull();
        });

        // The real outcome is final: a contradicting one, re-emitted later, changes nothing.
        var contradicting = story.provisionFailed(provision, 6, ProvisionFailureReason.DRIVER_ERROR, "initdb exited with 1");
        outcome(contradicting);
        await().atMost(BOUND).until(() -> applied(contradicting));
        assertThat(api.operation(story.tenant(), provision)).hasValueSatisfying(
                operation -> assertThat(operation.status()).isEqualTo("SUCCEEDED"));
        assertThat(api.instance(story.tenant(), "orders")).hasValueSatisfying(
                instance -> assertThat(instance.status()).isEqualTo("AVAILABLE"));
    }

    @Test
    void aLinkFailureAfterATimeoutReplacesItWithTheRealReason() {
        InstanceStory story = tenMinutesAgo("warehouse");
        UUID link = UUID.randomUUID();
        command(story.linkRequested(link, 1));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operation(story.tenant(), link))
                .hasValueSatisfying(operation -> assertThat(operation.error()).isEqualTo(TIMEOUT)));
        assertThat(api.instance(story.tenant(), "warehouse")).hasValueSatisfying(
                instance -> assertThat(instance.status()).isEqualTo("FAILED"));

        outcome(story.linkFailed(link, 5, LinkFailureReason.UNREACHABLE, "connection refused"));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operation(story.tenant(), link))
                .hasValueSatisfying(operation -> {
                    assertThat(operation.status()).isEqualTo("FAILED");
                    assertThat(operation.error()).isEqualTo(new ErrorView("UNREACHABLE", "connection refused"));
                }));
        var contradicting = story.linked(link, 6);
        outcome(contradicting);
        await().atMost(BOUND).until(() -> applied(contradicting));
        assertThat(api.instance(story.tenant(), "warehouse")).hasValueSatisfying(
                instance -> assertThat(instance.status()).isEqualTo("FAILED"));
        assertThat(api.operation(story.tenant(), link)).hasValueSatisfying(
                operation -> assertThat(operation.error().code()).isEqualTo("UNREACHABLE"));
    }

    @Test
    void aDestroyThatTimedOutEndsWhenItsOutcomeArrives() {
        InstanceStory story = tenMinutesAgo("orders");
        UUID destroy = UUID.randomUUID();
        provisionAvailable(story, UUID.randomUUID());
        command(story.destroyRequested(destroy, 10));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operation(story.tenant(), destroy))
                .hasValueSatisfying(operation -> assertThat(operation.error()).isEqualTo(TIMEOUT)));
        assertThat(api.instance(story.tenant(), "orders")).hasValueSatisfying(
                instance -> assertThat(instance.status()).isEqualTo("DESTROYING"));

        outcome(story.destroyed(destroy, 20));

        await().atMost(BOUND).until(() -> api.instance(story.tenant(), "orders").isEmpty());
        assertThat(api.operation(story.tenant(), destroy)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("SUCCEEDED");
            assertThat(operation.error()).isNull();
        });
    }

    private static InstanceStory tenMinutesAgo(String name) {
        return InstanceStory.of(name).startingAt(Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS));
    }
}
