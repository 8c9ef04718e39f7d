package dev.dbcloud.status;

import static dev.dbcloud.status.InstanceStory.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.status.StatusApi.BackupsView;
import dev.dbcloud.status.StatusApi.BaseBackupView;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each instance's base backups and the window a restore of it can reach, as the latest BackupsChanged gave them, per
 * incarnation of an instance.
 */
class BackupsIntegrationTest extends ReadModelIntegrationTest {

    private static final JsonMapper json = JsonMapper.builder().build();

    @Test
    void anInstanceWithoutBackupsHasNoRestorableWindow() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());

        assertThat(api.backups(story.tenant(), "orders")).hasValue(new BackupsView("orders", null, null, List.of()));
        JsonNode body = json.readTree(api.raw(backupsPath(story.tenant(), "orders")).getBody());
        assertThat(body.propertyNames()).containsExactlyInAnyOrder(
                "instanceName", "earliestRestorableTime", "latestRestorableTime", "backups");
        assertThat(body.get("earliestRestorableTime").isNull()).isTrue();
        assertThat(body.get("latestRestorableTime").isNull()).isTrue();
    }

    @Test
    void theBackupsAreServedOldestFirstWithAWindowFromTheEndOfTheOldestUntilNow() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();
        provisionAvailable(story, provision);

        outcome(story.backupsChanged(provision, 10, story.baseBackup(3, 1_000), story.baseBackup(8, 2_500_000)));
        await().atMost(BOUND).until(() -> !api.backups(story.tenant(), "orders").orElseThrow().backups().isEmpty());

        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        BackupsView backups = api.backups(story.tenant(), "orders").orElseThrow();
        Instant after = Instant.now();
        assertThat(backups.instanceName()).isEqualTo("orders");
        assertThat(backups.earliestRestorableTime()).isEqualTo(at(4).toString());
        assertThat(Instant.parse(backups.latestRestorableTime())).isBetween(before, after);
        assertThat(backups.backups()).containsExactly(
                new BaseBackupView(at(3).toString(), at(4).toString(), 1_000),
                new BaseBackupView(at(8).toString(), at(9).toString(), 2_500_000));
        JsonNode body = json.readTree(api.raw(backupsPath(story.tenant(), "orders")).getBody());
        assertThat(body.get("backups").get(0).propertyNames()).containsExactlyInAnyOrder(
                "startedAt", "finishedAt", "sizeBytes");
    }

    @Test
    void aLaterFactReplacesTheSetAndAnEarlierOneProjectedLateChangesNothing() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();
        provisionAvailable(story, provision);
        outcome(story.backupsChanged(provision, 10, story.baseBackup(3, 100), story.baseBackup(8, 200)));

        // The retention window pruned the oldest, and a new one was taken.
        outcome(story.backupsChanged(provision, 20, story.baseBackup(8, 200), story.baseBackup(15, 300)));
        var late = story.backupsChanged(provision, 12, story.baseBackup(3, 100));
        outcome(late);
        await().atMost(BOUND).until(() -> applied(late));

        assertThat(api.backups(story.tenant(), "orders")).hasValueSatisfying(backups -> {
            assertThat(backups.earliestRestorableTime()).isEqualTo(at(9).toString());
            assertThat(backups.backups()).extracting(BaseBackupView::startedAt)
                    .containsExactly(at(8).toString(), at(15).toString());
        });
    }

    @Test
    void aFactThatAllBackupsWerePrunedLeavesNoWindow() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();
        provisionAvailable(story, provision);
        outcome(story.backupsChanged(provision, 10, story.baseBackup(3, 100)));
        var none = story.backupsChanged(provision, 20);
        outcome(none);
        await().atMost(BOUND).until(() -> applied(none));

        assertThat(api.backups(story.tenant(), "orders")).hasValue(new BackupsView("orders", null, null, List.of()));
    }

    @Test
    void backupsProjectedBeforeTheInstanceBelongToItButNotToALaterInstanceOfTheName() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();
        // The base backup taken at provisioning is reported before its provisioning is projected.
        var first = story.backupsChanged(provision, 3, story.baseBackup(2, 100));
        outcome(first);
        await().atMost(BOUND).until(() -> applied(first));
        provisionAvailable(story, provision);

        assertThat(api.backups(story.tenant(), "orders")).hasValueSatisfying(backups ->
                assertThat(backups.earliestRestorableTime()).isEqualTo(at(3).toString()));

        UUID destroy = UUID.randomUUID();
        command(story.destroyRequested(destroy, 10));
        outcome(story.destroyed(destroy, 11));
        await().atMost(BOUND).until(() -> api.instance(story.tenant(), "orders").isEmpty());
        assertNotFound(backupsPath(story.tenant(), "orders"));

        UUID provisionAgain = UUID.randomUUID();
        command(story.provisionRequested(provisionAgain, 20));
        outcome(story.provisioned(provisionAgain, 21, 54400));
        await().atMost(BOUND).until(() -> api.instance(story.tenant(), "orders").isPresent());
        assertThat(api.backups(story.tenant(), "orders")).hasValue(new BackupsView("orders", null, null, List.of()));
    }

    @Test
    void anotherTenantsOrAnUnknownInstanceIsNotFoundAndALinkedOneHasNoBackups() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();
        provisionAvailable(story, provision);
        outcome(story.backupsChanged(provision, 10, story.baseBackup(3, 100)));
        await().atMost(BOUND).until(() -> api.backups(story.tenant(), "orders").orElseThrow()
                .earliestRestorableTime() != null);

        assertNotFound(backupsPath(InstanceStory.of("orders").tenant(), "orders"));
        assertNotFound(backupsPath(story.tenant(), "billing"));

        InstanceStory linked = story.named("legacy");
        UUID link = UUID.randomUUID();
        command(linked.linkRequested(link, 1));
        outcome(linked.linked(link, 2));
        await().atMost(BOUND).until(() -> api.instance(story.tenant(), "legacy").isPresent());
        assertThat(api.backups(story.tenant(), "legacy")).hasValue(new BackupsView("legacy", null, null, List.of()));
    }

    private static String backupsPath(String tenant, String instanceName) {
        return "/internal/tenants/" + tenant + "/instances/" + instanceName + "/backups";
    }

    private void assertNotFound(String path) {
        ResponseEntity<String> notFound = api.raw(path);
        assertThat(notFound.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(notFound.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(notFound.getBody()).contains("\"code\":\"instance_not_found\"");
    }
}
