package dev.dbcloud.provisioner.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.events.CreateDatabaseRequested;
import dev.dbcloud.events.DatabaseCreated;
import dev.dbcloud.events.DatabaseCreationFailed;
import dev.dbcloud.events.DatabaseCreationFailureReason;
import dev.dbcloud.events.ProvisionRequested;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/** The tests share one instance, each with databases of its own. */
@TestInstance(Lifecycle.PER_CLASS)
class CreatingDatabasesIntegrationTest extends AbstractProvisionerIntegrationTest {

    private ProvisionRequested instance;
    private int port;

    @BeforeAll
    void provisionTheInstance() {
        instance = provisionCommand(uniqueTenant(), "apps", "ivy", "ivys-own-password");
        port = provision(instance).getPort();
    }

    @Test
    void createsAnIsolatedDatabaseOwnedByTheAdminUser() throws SQLException {
        CreateDatabaseRequested create = createCommand(instance.getTenant(), "apps", "shop");
        send(create);

        DatabaseCreated created = awaitOutcome(DatabaseCreated.class, create.getOperationId());
        assertThat(created.getDatabase()).isEqualTo("shop");
        assertThat(created.getOwner()).isEqualTo("ivy");
        try (Connection connection = login(port, "shop", "ivy", "ivys-own-password");
                Statement statement = connection.createStatement()) {
            try (ResultSet owner = statement.executeQuery(
                    "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")) {
                assertThat(owner.next()).isTrue();
                assertThat(owner.getString(1)).isEqualTo("ivy");
            }
            statement.execute("CREATE ROLE stranger LOGIN PASSWORD 'a-strangers-password'");
        }
        try (Connection connection = login(port, "postgres", "stranger", "a-strangers-password")) {
            assertThat(connection.isValid(5)).isTrue();
        }
        assertThatThrownBy(() -> login(port, "shop", "stranger", "a-strangers-password"))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
    }

    @Test
    void creatingADatabaseTwiceReportsItCreatedBothTimes() {
        CreateDatabaseRequested create = createCommand(instance.getTenant(), "apps", "crm");
        send(create);
        awaitOutcome(DatabaseCreated.class, create.getOperationId());

        send(create);
        CreateDatabaseRequested again = createCommand(instance.getTenant(), "apps", "crm");
        send(again);

        assertThat(awaitOutcome(again.getOperationId())).isInstanceOfSatisfying(DatabaseCreated.class,
                created -> assertThat(created.getOwner()).isEqualTo("ivy"));
        await().atMost(BOUND).until(() -> events(DatabaseCreated.class, create.getOperationId()).size() == 2);
    }

    @Test
    void aDatabaseNameBreakingTheRulesIsRefusedAsInvalid() {
        CreateDatabaseRequested create = createCommand(instance.getTenant(), "apps", "template1");
        send(create);

        assertThat(awaitOutcome(DatabaseCreationFailed.class, create.getOperationId()).getReason())
                .isEqualTo(DatabaseCreationFailureReason.INVALID_REQUEST);
    }

    @Test
    void creatingADatabaseOnAnInstanceThatIsNotThereFails() {
        CreateDatabaseRequested create = createCommand(uniqueTenant(), "absent", "shop");
        send(create);

        assertThat(awaitOutcome(create.getOperationId())).isInstanceOfSatisfying(DatabaseCreationFailed.class,
                failed -> assertThat(failed.getReason())
                        .isEqualTo(DatabaseCreationFailureReason.INSTANCE_NOT_AVAILABLE));
    }

    static CreateDatabaseRequested createCommand(String tenant, String name, String database) {
        return CreateDatabaseRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setInstanceName(name)
                .setOccurredAt(Instant.now())
                .setDatabase(database)
                .build();
    }
}
