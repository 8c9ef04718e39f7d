package dev.dbcloud.migration.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceDriverKind;
import dev.dbcloud.events.InstanceLinked;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.InstanceRestored;
import dev.dbcloud.events.InstanceStarted;
import dev.dbcloud.events.InstanceUnlinked;
import dev.dbcloud.events.MigrateRequested;
import dev.dbcloud.events.MigrationFailed;
import dev.dbcloud.events.MigrationFailureReason;
import dev.dbcloud.events.MigrationSucceeded;
import dev.dbcloud.migration.MigrationServiceIntegrationTest;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KnownInstancesIntegrationTest extends MigrationServiceIntegrationTest {

    @Test
    void knowsAProvisionedInstanceWithItsControlRoleAndOwner() {
        InstanceRef instance = new InstanceRef(uniqueTenant(), "orders");
        InstanceProvisioned provisioned = provisioned(instance, Instant.now());
        publish(provisioned);
        publish(provisioned);

        awaitKnown(instance);
        KnownInstance known = knownInstances.live(instance).orElseThrow();
        assertThat(known.operationId()).hasToString(provisioned.getOperationId());
        assertThat(known.driver()).isEqualTo(InstanceDriverKind.LOCAL);
        assertThat(known.controlRole()).isEqualTo("dbosadmin");
        assertThat(known.ownerRole()).isEqualTo(OWNER);
        assertThat(cipher.decrypt(instance, known.controlPasswordCiphertext())).isEqualTo(CONTROL_PASSWORD);
    }

    @Test
    void knowsARestoredInstanceAsAProvisionedOneAndMigratesIt() throws SQLException {
        InstanceRef instance = new InstanceRef(uniqueTenant(), "orders-restored");
        InstanceRestored restored = restored(instance, "orders", Instant.now());
        publish(restored);

        awaitKnown(instance);
        KnownInstance known = knownInstances.live(instance).orElseThrow();
        assertThat(known.operationId()).hasToString(restored.getOperationId());
        assertThat(known.driver()).isEqualTo(InstanceDriverKind.LOCAL);
        assertThat(known.hostName()).isEqualTo("localhost");
        assertThat(known.port()).isEqualTo(restored.getPort());
        assertThat(known.controlRole()).isEqualTo("dbosadmin");
        assertThat(known.ownerRole()).isEqualTo(OWNER);
        assertThat(cipher.decrypt(instance, known.controlPasswordCiphertext())).isEqualTo(CONTROL_PASSWORD);

        String database = uniqueDatabase("restored");
        MigrateRequested command = migrateCommand(instance, database, false,
                migration("1", "create orders", "CREATE TABLE orders (id bigint PRIMARY KEY);"));
        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class, command);

        assertThat(succeeded.getAppliedVersions()).containsExactly("1");
        assertThat(succeeded.getRestorePoint()).as("a restored instance keeps backups too").isNotNull();
        assertThat(query(database, "SELECT tableowner FROM pg_tables WHERE tablename = 'orders'"))
                .containsExactly(List.of(OWNER));
    }

    @Test
    void followsAnInstanceThatAStartMovedToAnotherPort() {
        InstanceRef instance = new InstanceRef(uniqueTenant(), "orders");
        Instant provisionedAt = Instant.now().minusSeconds(60);
        InstanceProvisioned provisioned = provisioned(instance, provisionedAt);
        publish(provisioned);
        awaitKnown(instance);

        publish(InstanceStarted.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(instance.tenant())
                .setInstanceName(instance.name())
                .setOccurredAt(provisionedAt.plusSeconds(10))
                .setHostName("localhost")
                .setPort(provisioned.getPort() + 7)
                .setPreviousPort(provisioned.getPort())
                .build());

        await().atMost(BOUND).until(() -> knownInstances.live(instance).orElseThrow().port() == provisioned.getPort() + 7);
    }

    @Test
    void forgetsADestroyedInstance() {
        InstanceRef instance = new InstanceRef(uniqueTenant(), "orders");
        Instant provisionedAt = Instant.now().minusSeconds(60);
        publish(provisioned(instance, provisionedAt));
        awaitKnown(instance);

        publish(destroyed(instance, provisionedAt.plusSeconds(10)));

        await().atMost(BOUND).until(() -> knownInstances.live(instance).isEmpty());
    }

    @Test
    void aStaleDestroyNeverForgetsTheNextInstanceOfTheName() {
        InstanceRef instance = new InstanceRef(uniqueTenant(), "orders");
        Instant first = Instant.now().minusSeconds(60);
        InstanceDestroyed destroyed = destroyed(instance, first.plusSeconds(10));
        publish(provisioned(instance, first));
        publish(destroyed);
        InstanceProvisioned next = provisioned(instance, first.plusSeconds(20));
        publish(next);
        await().atMost(BOUND).until(() -> knownInstances.live(instance)
                .filter(known -> known.operationId().toString().equals(next.getOperationId())).isPresent());

        publish(destroyed);
        InstanceRef marker = knownLocalInstance(); // the registry has read past the redelivered destroy

        assertThat(knownInstances.live(marker)).isPresent();
        assertThat(knownInstances.live(instance)).get()
                .extracting(known -> known.operationId().toString()).isEqualTo(next.getOperationId());
    }

    @Test
    void aStaleAnnouncementNeverResurrectsAnEndedInstance() {
        InstanceRef instance = new InstanceRef(uniqueTenant(), "orders");
        Instant provisionedAt = Instant.now().minusSeconds(60);
        InstanceProvisioned provisioned = provisioned(instance, provisionedAt);
        // The destroy overtakes the announcement (the registry started late, say), then the announcement comes.
        publish(destroyed(instance, provisionedAt.plusSeconds(10)));
        publish(provisioned);
        InstanceRef marker = knownLocalInstance();

        assertThat(knownInstances.live(marker)).isPresent();
        assertThat(knownInstances.live(instance)).isEmpty();
    }

    @Test
    void forgetsAnUnlinkedInstance() {
        InstanceRef instance = new InstanceRef(uniqueTenant(), "mine");
        Instant linkedAt = Instant.now().minusSeconds(60);
        publish(linked(instance, linkedAt));
        awaitKnown(instance);
        assertThat(knownInstances.live(instance)).get().satisfies(known -> {
            assertThat(known.driver()).isEqualTo(InstanceDriverKind.LINKED);
            assertThat(known.controlRole()).isEqualTo(LINKED_ROLE);
            assertThat(known.ownerRole()).isEqualTo(LINKED_ROLE);
        });

        publish(InstanceUnlinked.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(instance.tenant())
                .setInstanceName(instance.name())
                .setOccurredAt(linkedAt.plusSeconds(10))
                .build());

        await().atMost(BOUND).until(() -> knownInstances.live(instance).isEmpty());
    }

    @Test
    void migratesALinkedServerAsItsControlRole() throws SQLException {
        InstanceRef instance = new InstanceRef(uniqueTenant(), "mine");
        InstanceLinked linked = linked(instance, Instant.now());
        publish(linked);
        awaitKnown(instance);
        String database = uniqueDatabase("linked");
        MigrateRequested command = migrateCommand(instance, database, false,
                migration("1", "create orders", "CREATE TABLE orders (id bigint PRIMARY KEY);"));

        MigrationSucceeded succeeded = migrate(MigrationSucceeded.class, command);

        assertThat(succeeded.getAppliedVersions()).containsExactly("1");
        assertThat(query(database, "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"))
                .containsExactly(List.of("flyway_schema_history", LINKED_ROLE), List.of("orders", LINKED_ROLE));
    }

    @Test
    void aRequestForADestroyedInstanceFindsNoInstance() {
        InstanceRef instance = new InstanceRef(uniqueTenant(), "gone");
        Instant provisionedAt = Instant.now().minusSeconds(60);
        publish(provisioned(instance, provisionedAt));
        publish(destroyed(instance, provisionedAt.plusSeconds(10)));
        await().atMost(BOUND).until(() -> knownInstances.live(instance).isEmpty());

        MigrationFailed failed = migrate(MigrationFailed.class, migrateCommand(instance, uniqueDatabase("shop"), false,
                migration("1", "create orders", "CREATE TABLE orders (id bigint);")));

        assertThat(failed.getReason()).isEqualTo(MigrationFailureReason.INSTANCE_NOT_AVAILABLE);
    }

    private static InstanceDestroyed destroyed(InstanceRef instance, Instant occurredAt) {
        return InstanceDestroyed.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(instance.tenant())
                .setInstanceName(instance.name())
                .setOccurredAt(occurredAt)
                .build();
    }
}
