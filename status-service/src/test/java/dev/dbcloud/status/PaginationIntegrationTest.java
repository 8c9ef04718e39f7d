package dev.dbcloud.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.status.StatusApi.DatabaseView;
import dev.dbcloud.status.StatusApi.InstanceView;
import dev.dbcloud.status.StatusApi.MigrationsView;
import dev.dbcloud.status.StatusApi.OperationView;
import dev.dbcloud.status.StatusApi.PageView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every list of the query API answers pages of at most {@code limit} items after a {@code cursor}, read by keyset in
 * SQL: following {@code next} until it is null reads each item once, in the list's order.
 */
class PaginationIntegrationTest extends ReadModelIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void instancesArePagedByNameAndTheLastPageHasNoNext() {
        InstanceStory story = InstanceStory.of("e");
        for (String name : List.of("e", "a", "d", "b", "c")) {
            command(story.named(name).provisionRequested(UUID.randomUUID(), 1));
        }
        await().atMost(BOUND).until(() -> api.instances(story.tenant()).size() == 5);

        List<PageView<InstanceView>> pages = follow(cursor -> api.instances(story.tenant(), "?limit=2" + cursor));

        assertThat(pages).extracting(page -> page.items().size()).containsExactly(2, 2, 1);
        assertThat(pages.stream().flatMap(page -> page.items().stream()).map(InstanceView::name))
                .containsExactly("a", "b", "c", "d", "e");
        assertThat(pages.get(2).next()).isNull();
    }

    @Test
    void operationsArePagedNewestFirstWithTheIdBreakingTiesOfTime() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        for (int second = 3; second <= 5; second++) {
            // Two requests in the same second: only the id orders them.
            command(story.passwordResetRequested(UUID.randomUUID(), second));
            command(story.passwordResetRequested(UUID.randomUUID(), second));
        }
        await().atMost(BOUND).until(() -> api.operations(story.tenant(), story.name()).size() == 7);
        List<OperationView> whole = api.operations(story.tenant(), story.name());

        List<PageView<OperationView>> pages =
                follow(cursor -> api.operations(story.tenant(), story.name(), "?limit=3" + cursor));

        assertThat(pages).extracting(page -> page.items().size()).containsExactly(3, 3, 1);
        List<OperationView> paged = pages.stream().flatMap(page -> page.items().stream()).toList();
        assertThat(paged).containsExactlyElementsOf(whole);
        assertThat(paged).isSortedAccordingTo(Comparator.comparing(OperationView::createdAt).reversed()
                .thenComparing(Comparator.comparing(OperationView::id).reversed()));
    }

    @Test
    void databasesArePagedByName() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        for (String database : List.of("ledger", "accounts", "inventory")) {
            UUID create = UUID.randomUUID();
            command(story.createDatabaseRequested(create, 10, database));
            outcome(story.databaseCreated(create, 11, database));
        }
        await().atMost(BOUND).until(() -> api.databases(story.tenant(), story.name()).size() == 3);

        List<PageView<DatabaseView>> pages =
                follow(cursor -> api.databases(story.tenant(), story.name(), "?limit=2" + cursor));

        assertThat(pages.stream().flatMap(page -> page.items().stream()).map(DatabaseView::name))
                .containsExactly("accounts", "inventory", "ledger");
        assertThat(pages).hasSize(2);
    }

    @Test
    void aMigrationHistoryPagesItsAppliedMigrations() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        UUID migrate = UUID.randomUUID();
        migrationCommand(story.migrateRequested(migrate, 10));
        outcome(story.migrationSucceeded(migrate, 12, "shop",
                story.appliedMigration("1", "orders", 1, 11, 10),
                story.appliedMigration("2", "lines", 2, 11, 10),
                story.appliedMigration("3", "totals", 3, 11, 10)));
        await().atMost(BOUND).until(() -> api.migrations(story.tenant(), story.name(), "shop").isPresent());
        String path = "/internal/tenants/" + story.tenant() + "/instances/orders/databases/shop/migrations?limit=2";

        JsonNode first = json(api.raw(path));
        JsonNode second = json(api.raw(path + "&cursor=" + first.path("next").asString()));

        assertThat(first.path("applied").valueStream().map(m -> m.path("version").asString())).containsExactly("1", "2");
        assertThat(first.path("currentVersion").asString()).isEqualTo("3");
        assertThat(second.path("applied").valueStream().map(m -> m.path("version").asString())).containsExactly("3");
        assertThat(second.path("next").isNull()).as("the last page's next is null").isTrue();
        assertThat(api.migrations(story.tenant(), story.name(), "shop")).get()
                .extracting(MigrationsView::applied).asList().hasSize(3);
    }

    @Test
    void aLimitOutOfRangeOrNotANumberIsRefusedNamingLimitAndTheRule() {
        InstanceStory story = InstanceStory.of("orders");
        String instances = "/internal/tenants/" + story.tenant() + "/instances";

        assertRefused(api.raw(instances + "?limit=0"), "limit", "RANGE");
        assertRefused(api.raw(instances + "?limit=501"), "limit", "RANGE");
        assertRefused(api.raw(instances + "?limit=ten"), "limit", "FORMAT");
        assertThat(api.raw(instances + "?limit=500").getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void aCursorThatIsNotOneOfTheListsIsRefusedNamingCursor() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        String operations = "/internal/tenants/" + story.tenant() + "/instances/orders/operations?cursor=";

        assertRefused(api.raw(operations + "not*base64"), "cursor", "FORMAT");
        assertRefused(api.raw(operations + base64url("orders")), "cursor", "FORMAT");
        assertRefused(api.raw(operations + base64url("yesterday\n" + UUID.randomUUID())), "cursor", "FORMAT");
        assertRefused(api.raw(operations + base64url("2100-01-01T00:00:00Z\nnot-a-uuid")), "cursor", "FORMAT");
        assertThat(api.raw(operations + base64url("2100-01-01T00:00:09Z\n" + UUID.randomUUID())).getStatusCode())
                .isEqualTo(HttpStatus.OK);
    }

    /** Every page, from the first, following {@code next}; {@code page} takes "" or "&cursor=...". */
    private static <T> List<PageView<T>> follow(Function<String, PageView<T>> page) {
        List<PageView<T>> pages = new ArrayList<>();
        PageView<T> current = page.apply("");
        pages.add(current);
        while (current.next() != null) {
            assertThat(pages).as("pages end").hasSizeLessThan(10);
            current = page.apply("&cursor=" + current.next());
            pages.add(current);
        }
        return pages;
    }

    private static void assertRefused(ResponseEntity<String> answer, String field, String rule) {
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        JsonNode problem = json(answer);
        assertThat(problem.path("code").asString()).isEqualTo("VALIDATION_FAILED");
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo(field);
        assertThat(problem.path("errors").get(0).path("rule").asString()).isEqualTo(rule);
    }

    private static JsonNode json(ResponseEntity<String> answer) {
        return JSON.readTree(answer.getBody());
    }

    private static String base64url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
