package dev.dbcloud.status;

import static dev.dbcloud.status.InstanceStory.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.Topics;
import dev.dbcloud.common.serde.EventCodec;
import dev.dbcloud.events.InstanceHealth;
import dev.dbcloud.events.ProvisionFailureReason;
import dev.dbcloud.messaging.test.TestInfrastructure;
import dev.dbcloud.status.StatusApi.InstanceView;
import dev.dbcloud.status.StatusApi.OperationView;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Publishes real records to the real broker, as the gateway, provisioner and migration-service would, and reads
 * the outcome through the HTTP API, as the gateway does. Every test owns a tenant, so tests share one context.
 */
@SpringBootTest(properties = "spring.config.name=status-service", webEnvironment = WebEnvironment.RANDOM_PORT)
class StatusServiceIntegrationTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final EventCodec codec = new EventCodec();
    private static KafkaProducer<String, byte[]> producer;

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    StatusApi api;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "status");
    }

    @BeforeAll
    static void connectProducer() {
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    @BeforeEach
    void connectApi() {
        api = new StatusApi(port);
    }

    @Test
    void provisioningShowsAProvisioningInstanceAndAPendingOperationUntilProvisionedThenAvailableWithItsEndpoint() {
        InstanceStory story = InstanceStory.of("orders");
        UUID provision = UUID.randomUUID();

        command(story.provisionRequested(provision, 1));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders")).hasValue(
                new InstanceView("orders", null, null, "PROVISIONING", "alice", "LOCAL", "2030-01-01T00:00:01Z",
                        "2030-01-01T00:00:01Z")));
        assertThat(api.operation(story.tenant(), provision)).hasValue(new OperationView(provision.toString(),
                "PROVISION", "orders", "PENDING", null, "2030-01-01T00:00:01Z", "2030-01-01T00:00:01Z"));

        outcome(story.provisioned(provision, 5, 54321));

        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), "orders")).hasValue(
                new InstanceView("orders", "db.example.test", 54321, "AVAILABLE", "alice", "LOCAL",
                        "2030-01-01T00:00:01Z", "2030-01-01T00:00:05Z")));
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
        assertThat(api.operations(stranger, "orders")).isEmpty();
        ResponseEntity<String> notFound = api.raw("/internal/tenants/" + stranger + "/instances/orders");
        assertThat(notFound.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(notFound.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(notFound.getBody()).contains("\"code\":\"instance_not_found\"");
        assertThat(api.raw("/internal/tenants/" + story.tenant() + "/operations/not-a-uuid").getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
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
    void recordTypesThisVersionDoesNotProjectAreSkippedAndConsumptionGoesOn() {
        InstanceStory story = InstanceStory.of("orders");
        provisionAvailable(story, UUID.randomUUID());
        var notProjected = story.databaseCreated(10);
        var after = story.health(InstanceHealth.UNAVAILABLE, 11);

        outcome(notProjected);
        outcome(after);
        await().atMost(BOUND).until(() -> applied(after));

        assertThat(applied(notProjected)).isFalse();
        assertThat(api.instance(story.tenant(), "orders")).hasValueSatisfying(
                instance -> assertThat(instance.status()).isEqualTo("UNAVAILABLE"));
    }

    /** Provisions the instance at seconds 1 and 2 and waits until it is AVAILABLE. */
    private void provisionAvailable(InstanceStory story, UUID provision) {
        command(story.provisionRequested(provision, 1));
        outcome(story.provisioned(provision, 2, 54321));
        await().atMost(BOUND).untilAsserted(() -> assertThat(api.instance(story.tenant(), story.name()))
                .hasValueSatisfying(instance -> assertThat(instance.status()).isEqualTo("AVAILABLE")));
    }

    private void command(SpecificRecordBase record) {
        publish(Topics.INSTANCE_COMMANDS, record);
    }

    private void migrationCommand(SpecificRecordBase record) {
        publish(Topics.MIGRATION_COMMANDS, record);
    }

    private void outcome(SpecificRecordBase record) {
        publish(Topics.INSTANCE_EVENTS, record);
    }

    /** Sends and waits for the broker's acknowledgement, so records with one key keep the order of the calls. */
    private static void publish(String topic, SpecificRecordBase record) {
        EventMetadata event = EventMetadata.of(record);
        try {
            producer.send(new ProducerRecord<>(topic, event.instance().key(), codec.encode(record))).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + event.type(), e);
        }
    }

    /** Whether the event is in the timeline, which commits together with the event's effect. */
    private boolean applied(SpecificRecordBase record) {
        return jdbc.sql("SELECT count(*) FROM events WHERE event_id = :id")
                .param("id", EventMetadata.of(record).eventId())
                .query(Long.class).single() == 1;
    }

    private long timelineRows(InstanceStory story) {
        return jdbc.sql("SELECT count(*) FROM events WHERE tenant = :tenant AND instance_name = :name")
                .param("tenant", story.tenant())
                .param("name", story.name())
                .query(Long.class).single();
    }
}
