package dev.dbcloud.status;

import static dev.dbcloud.status.InstanceStory.LINKED_HOST;
import static dev.dbcloud.status.InstanceStory.LINKED_PORT;
import static dev.dbcloud.status.InstanceStory.LINKED_ROLE;
import static dev.dbcloud.status.InstanceStory.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.events.LinkFailureReason;
import dev.dbcloud.status.StatusApi.ErrorView;
import dev.dbcloud.status.StatusApi.InstanceView;
import dev.dbcloud.status.StatusApi.OperationView;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Servers the user runs: linked as instances with the LINKED driver, and unlinked, which frees their name. */
class LinkedInstancesIntegrationTest extends ReadModelIntegrationTest {

    @Test
    void linkingShowsAProvisioningLinkedInstanceWithItsEndpointUntilLinkedThenAvailable() {
        InstanceStory story = InstanceStory.of("warehouse");
        UUID link = UUID.randomUUID();

        command(story.linkRequested(link, 1));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "warehouse")).hasValue(
                new InstanceView("warehouse", LINKED_HOST, LINKED_PORT, "PROVISIONING", LINKED_ROLE, "LINKED",
                        at(1).toString(), at(1).toString())));
        assertThat(api.operation(story.tenant(), link)).hasValue(new OperationView(link.toString(), "LINK",
                "warehouse", "PENDING", null, at(1).toString(), at(1).toString()));

        outcome(story.linked(link, 3));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "warehouse")).hasValue(
                new InstanceView("warehouse", LINKED_HOST, LINKED_PORT, "AVAILABLE", LINKED_ROLE, "LINKED",
                        at(1).toString(), at(3).toString())));
        assertThat(api.operation(story.tenant(), link)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("SUCCEEDED");
            assertThat(operation.error()).isNull();
        });
        assertThat(api.instances(story.tenant())).extracting(InstanceView::name, InstanceView::driver)
                .containsExactly(tuple("warehouse", "LINKED"));
    }

    @Test
    void aFailedLinkShowsAFailedInstanceAndAFailedOperationWithTheReason() {
        InstanceStory story = InstanceStory.of("warehouse");
        UUID link = UUID.randomUUID();

        command(story.linkRequested(link, 1));
        outcome(story.linkFailed(link, 3, LinkFailureReason.AUTHENTICATION_FAILED,
                "password authentication failed for user \"dbcontrol\""));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operation(story.tenant(), link))
                .hasValueSatisfying(operation -> {
                    assertThat(operation.status()).isEqualTo("FAILED");
                    assertThat(operation.error()).isEqualTo(new ErrorView("AUTHENTICATION_FAILED",
                            "password authentication failed for user \"dbcontrol\""));
                }));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "warehouse")).hasValue(
                new InstanceView("warehouse", LINKED_HOST, LINKED_PORT, "FAILED", LINKED_ROLE, "LINKED",
                        at(1).toString(), at(3).toString())));
    }

    @Test
    void linkEventsDeliveredTwiceAreAppliedOnce() {
        InstanceStory story = InstanceStory.of("warehouse");
        UUID link = UUID.randomUUID();
        UUID unlink = UUID.randomUUID();
        var requested = story.linkRequested(link, 1);
        var linked = story.linked(link, 2);
        var unlinkRequested = story.unlinkRequested(unlink, 3);

        command(requested);
        command(requested);
        outcome(linked);
        outcome(linked);
        await().atMost(BOUND).until(() -> applied(linked));
        command(unlinkRequested);
        command(unlinkRequested);
        await().atMost(BOUND).until(() -> applied(unlinkRequested));
        // A re-emitted InstanceLinked (a new event id) must not move the instance back from DESTROYING.
        var reEmitted = story.linked(link, 4);
        outcome(reEmitted);
        await().atMost(BOUND).until(() -> applied(reEmitted));

        assertThat(api.instance(story.tenant(), "warehouse")).hasValueSatisfying(instance -> {
            assertThat(instance.status()).isEqualTo("DESTROYING");
            assertThat(instance.createdAt()).isEqualTo(at(1).toString());
        });
        assertThat(api.operations(story.tenant(), "warehouse"))
                .extracting(OperationView::type, OperationView::status)
                .containsExactly(tuple("UNLINK", "PENDING"), tuple("LINK", "SUCCEEDED"));
        assertThat(timelineRows(story)).isEqualTo(4);
    }

    @Test
    void linkOutcomesProjectedBeforeTheirCommandsStayFinal() {
        InstanceStory linkedFirst = InstanceStory.of("warehouse");
        InstanceStory failedFirst = linkedFirst.named("archive");
        UUID link = UUID.randomUUID();
        UUID refused = UUID.randomUUID();

        outcome(linkedFirst.linked(link, 5));
        outcome(failedFirst.linkFailed(refused, 6, LinkFailureReason.UNREACHABLE, "connection refused"));
        await().atMost(BOUND).until(() -> api.instance(failedFirst.tenant(), "archive").isPresent()
                && api.instance(linkedFirst.tenant(), "warehouse").isPresent());
        var lateCommand = linkedFirst.linkRequested(link, 1);
        var lateRefusedCommand = failedFirst.linkRequested(refused, 2);
        command(lateCommand);
        command(lateRefusedCommand);
        await().atMost(BOUND).until(() -> applied(lateCommand) && applied(lateRefusedCommand));

        assertThat(api.instance(linkedFirst.tenant(), "warehouse")).hasValue(new InstanceView("warehouse", LINKED_HOST,
                LINKED_PORT, "AVAILABLE", LINKED_ROLE, "LINKED", at(1).toString(), at(5).toString()));
        assertThat(api.operation(linkedFirst.tenant(), link)).hasValueSatisfying(
                operation -> assertThat(operation.status()).isEqualTo("SUCCEEDED"));
        // The command fills in what the failure does not say: the server the user named, and its control role.
        assertThat(api.instance(failedFirst.tenant(), "archive")).hasValue(new InstanceView("archive", LINKED_HOST,
                LINKED_PORT, "FAILED", LINKED_ROLE, "LINKED", at(2).toString(), at(6).toString()));
        assertThat(api.operation(failedFirst.tenant(), refused)).hasValueSatisfying(operation -> {
            assertThat(operation.status()).isEqualTo("FAILED");
            assertThat(operation.error()).isEqualTo(new ErrorView("UNREACHABLE", "connection refused"));
        });
    }

    @Test
    void anUnlinkOfALocalInstanceThatTheProvisionerRefusedFailsWithItsReasonAndLeavesTheInstance() {
        InstanceStory story = InstanceStory.of("warehouse");
        provisionAvailable(story, UUID.randomUUID());
        UUID unlink = UUID.randomUUID();
        command(story.unlinkRequested(unlink, 10));
        outcome(story.unlinkFailed(unlink, 11));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.operation(story.tenant(), unlink))
                .hasValueSatisfying(operation -> {
                    assertThat(operation.status()).isEqualTo("FAILED");
                    assertThat(operation.error().code()).isEqualTo("WRONG_DRIVER");
                }));
        assertThat(api.instance(story.tenant(), "warehouse")).hasValueSatisfying(
                instance -> assertThat(instance.status()).isEqualTo("AVAILABLE"));
    }

    @Test
    void unlinkingShowsDestroyingThenTheInstanceLeavesTheListAndItsNameCanBeTakenAgain() {
        InstanceStory story = InstanceStory.of("warehouse");
        UUID link = UUID.randomUUID();
        UUID unlink = UUID.randomUUID();
        command(story.linkRequested(link, 1));
        outcome(story.linked(link, 2));

        command(story.unlinkRequested(unlink, 10));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "warehouse"))
                .hasValueSatisfying(instance -> assertThat(instance.status()).isEqualTo("DESTROYING")));
        assertThat(api.operation(story.tenant(), unlink)).hasValueSatisfying(operation -> {
            assertThat(operation.type()).isEqualTo("UNLINK");
            assertThat(operation.status()).isEqualTo("PENDING");
        });

        outcome(story.unlinked(unlink, 11));
        await().atMost(BOUND).until(() -> api.instance(story.tenant(), "warehouse").isEmpty());
        assertThat(api.instances(story.tenant())).isEmpty();
        assertThat(api.operation(story.tenant(), unlink)).hasValueSatisfying(
                operation -> assertThat(operation.status()).isEqualTo("SUCCEEDED"));

        UUID provision = UUID.randomUUID();
        command(story.provisionRequested(provision, 20));
        outcome(story.provisioned(provision, 21, 54400));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "warehouse")).hasValue(
                new InstanceView("warehouse", "db.example.test", 54400, "AVAILABLE", "alice", "LOCAL",
                        at(20).toString(), at(21).toString())));
    }

    @Test
    void anUnlinkOutcomeProjectedBeforeItsCommandLeavesTheInstanceGone() {
        InstanceStory story = InstanceStory.of("warehouse");
        UUID link = UUID.randomUUID();
        UUID unlink = UUID.randomUUID();
        command(story.linkRequested(link, 1));
        outcome(story.linked(link, 2));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "warehouse"))
                .hasValueSatisfying(instance -> assertThat(instance.status()).isEqualTo("AVAILABLE")));

        outcome(story.unlinked(unlink, 11));
        await().atMost(BOUND).until(() -> api.instance(story.tenant(), "warehouse").isEmpty());
        var lateCommand = story.unlinkRequested(unlink, 10);
        command(lateCommand);
        await().atMost(BOUND).until(() -> applied(lateCommand));

        assertThat(api.instance(story.tenant(), "warehouse")).isEmpty();
        assertThat(api.operation(story.tenant(), unlink)).hasValueSatisfying(operation -> {
            assertThat(operation.type()).isEqualTo("UNLINK");
            assertThat(operation.status()).isEqualTo("SUCCEEDED");
            assertThat(operation.createdAt()).isEqualTo(at(10).toString());
        });
    }

    @Test
    void anUnlinkOfALocalInstanceLeavesItAsItIs() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID unlink = UUID.randomUUID();

        // The gateway unlinks linked instances only; the provisioner ignores any other unlink and reports nothing.
        var unlinkRequested = story.unlinkRequested(unlink, 10);
        command(unlinkRequested);
        await().atMost(BOUND).until(() -> applied(unlinkRequested));

        assertThat(api.instance(story.tenant(), "orders")).hasValueSatisfying(
                instance -> assertThat(instance.status()).isEqualTo("AVAILABLE"));
    }
}
