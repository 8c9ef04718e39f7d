package dev.dbcloud.provisioner.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.CreateDatabaseRequested;
import dev.dbcloud.events.DatabaseCreated;
import dev.dbcloud.events.DestroyFailed;
import dev.dbcloud.events.DestroyFailureReason;
import dev.dbcloud.events.DestroyRequested;
import dev.dbcloud.events.InstanceLinked;
import dev.dbcloud.events.InstanceUnlinked;
import dev.dbcloud.events.LinkFailed;
import dev.dbcloud.events.LinkFailureReason;
import dev.dbcloud.events.LinkRequested;
import dev.dbcloud.events.PasswordResetFailed;
import dev.dbcloud.events.PasswordResetFailureReason;
import dev.dbcloud.events.PasswordResetRequested;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.events.StopFailed;
import dev.dbcloud.events.StopFailureReason;
import dev.dbcloud.events.StopRequested;
import dev.dbcloud.events.UnlinkFailed;
import dev.dbcloud.events.UnlinkFailureReason;
import dev.dbcloud.events.UnlinkRequested;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/**
 * The user's own server is played by a server the local driver runs for another tenant: a real PostgreSQL that
 * asks for SCRAM passwords, where the admin user may create databases and roles.
 */
@TestInstance(Lifecycle.PER_CLASS)
class LinkingIntegrationTest extends AbstractProvisionerIntegrationTest {

    private static final String OWNER_PASSWORD = "the-owners-password";
    private int usersPort;

    @BeforeAll
    void provisionTheUsersServer() throws SQLException {
        ProvisionRequested theirs = provisionCommand(uniqueTenant(), "theirs", "owner", OWNER_PASSWORD);
        usersPort = provision(theirs).getPort();
        try (Connection connection = login(usersPort, "owner", OWNER_PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE reader LOGIN NOCREATEDB PASSWORD 'the-readers-password'");
        }
    }

    @Test
    void linksAServerWhoseRoleLogsInAndCreatesDatabasesThere() throws SQLException {
        LinkRequested link = linkCommand(uniqueTenant(), "byo", "localhost", usersPort, "owner", OWNER_PASSWORD);
        send(link);

        InstanceLinked linked = awaitOutcome(InstanceLinked.class, link.getOperationId());
        assertThat(linked.getHostName()).isEqualTo("localhost");
        assertThat(linked.getPort()).isEqualTo(usersPort);
        assertThat(linked.getAdminRole()).isEqualTo("owner");
        assertThat(cipher.decrypt(new InstanceRef(link.getTenant(), "byo"),
                bytes(linked.getControlPasswordCiphertext()))).isEqualTo(OWNER_PASSWORD);

        CreateDatabaseRequested create = CreatingDatabasesIntegrationTest.createCommand(link.getTenant(), "byo",
                "ledger");
        send(create);
        assertThat(awaitOutcome(DatabaseCreated.class, create.getOperationId()).getOwner()).isEqualTo("owner");
        try (Connection connection = login(usersPort, "ledger", "owner", OWNER_PASSWORD)) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    @Test
    void unlinkingForgetsTheServerAndLeavesItRunning() throws SQLException {
        LinkRequested link = linkCommand(uniqueTenant(), "kept", "127.0.0.1", usersPort, "owner", OWNER_PASSWORD);
        send(link);
        awaitOutcome(InstanceLinked.class, link.getOperationId());

        UnlinkRequested unlink = unlinkCommand(link.getTenant(), "kept");
        send(unlink);
        awaitOutcome(InstanceUnlinked.class, unlink.getOperationId());
        send(unlink);

        await().atMost(BOUND).until(() -> events(InstanceUnlinked.class, unlink.getOperationId()).size() == 2);
        assertThat(status(link.getOperationId())).isEqualTo("DESTROYED");
        try (Connection connection = login(usersPort, "owner", OWNER_PASSWORD)) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    @Test
    void aLinkedServerKeepsItsPasswordsAndIsNeverDestroyed() throws SQLException {
        LinkRequested link = linkCommand(uniqueTenant(), "theirs", "localhost", usersPort, "owner", OWNER_PASSWORD);
        send(link);
        awaitOutcome(InstanceLinked.class, link.getOperationId());

        PasswordResetRequested reset = ResettingPasswordsIntegrationTest.resetCommand(link.getTenant(), "theirs",
                "a-password-to-refuse");
        DestroyRequested destroy = DestroyingIntegrationTest.destroyCommand(link.getTenant(), "theirs");
        StopRequested stop = StartingAndStoppingIntegrationTest.stopCommand(link.getTenant(), "theirs");
        send(reset);
        send(destroy);
        send(stop);

        assertThat(awaitOutcome(PasswordResetFailed.class, reset.getOperationId()).getReason())
                .isEqualTo(PasswordResetFailureReason.WRONG_DRIVER);
        assertThat(awaitOutcome(DestroyFailed.class, destroy.getOperationId()).getReason())
                .isEqualTo(DestroyFailureReason.WRONG_DRIVER);
        assertThat(awaitOutcome(StopFailed.class, stop.getOperationId()).getReason())
                .isEqualTo(StopFailureReason.WRONG_DRIVER);
        assertThat(status(link.getOperationId())).isEqualTo("AVAILABLE");
        try (Connection connection = login(usersPort, "owner", OWNER_PASSWORD)) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    @Test
    void anUnlinkOfALocalInstanceIsRefusedWithAReasonAndChangesNothing() throws SQLException {
        ProvisionRequested local = provisionCommand(uniqueTenant(), "mine", "nora", "a-local-password");
        int port = provision(local).getPort();
        UnlinkRequested unlink = unlinkCommand(local.getTenant(), "mine");
        send(unlink);

        assertThat(awaitOutcome(UnlinkFailed.class, unlink.getOperationId()).getReason())
                .isEqualTo(UnlinkFailureReason.WRONG_DRIVER);
        assertThat(status(local.getOperationId())).isEqualTo("AVAILABLE");
        try (Connection connection = login(port, "nora", "a-local-password")) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    @Test
    void refusesAWrongPasswordAndHoldsTheNameUntilUnlinked() {
        LinkRequested link = linkCommand(uniqueTenant(), "wrong", "localhost", usersPort, "owner", "not-the-password");
        send(link);

        assertThat(awaitOutcome(LinkFailed.class, link.getOperationId()).getReason())
                .isEqualTo(LinkFailureReason.AUTHENTICATION_FAILED);
        assertThat(status(link.getOperationId())).isEqualTo("FAILED");

        LinkRequested retry = linkCommand(link.getTenant(), "wrong", "localhost", usersPort, "owner", OWNER_PASSWORD);
        send(retry);
        LinkFailed taken = awaitOutcome(LinkFailed.class, retry.getOperationId());
        assertThat(taken.getReason()).isEqualTo(LinkFailureReason.NAME_IN_USE);
        assertThat(taken.getMessage()).contains("exists");

        UnlinkRequested unlink = unlinkCommand(link.getTenant(), "wrong");
        LinkRequested afterUnlink = linkCommand(link.getTenant(), "wrong", "localhost", usersPort, "owner",
                OWNER_PASSWORD);
        send(unlink);
        send(afterUnlink);
        awaitOutcome(InstanceLinked.class, afterUnlink.getOperationId());
    }

    @Test
    void refusesAServerThatNothingListensOn() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        LinkRequested link = linkCommand(uniqueTenant(), "nowhere", "127.0.0.1", closedPort, "owner", OWNER_PASSWORD);
        send(link);

        assertThat(awaitOutcome(LinkFailed.class, link.getOperationId()).getReason())
                .isEqualTo(LinkFailureReason.UNREACHABLE);
    }

    @Test
    void refusesARoleThatCannotCreateDatabases() {
        LinkRequested link = linkCommand(uniqueTenant(), "readonly", "localhost", usersPort, "reader",
                "the-readers-password");
        send(link);

        assertThat(awaitOutcome(LinkFailed.class, link.getOperationId()).getReason())
                .isEqualTo(LinkFailureReason.MISSING_PRIVILEGES);
    }

    private static LinkRequested linkCommand(String tenant, String name, String host, int port, String role,
            String password) {
        return LinkRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setInstanceName(name)
                .setOccurredAt(Instant.now())
                .setHostName(host)
                .setPort(port)
                .setAdminRole(role)
                .setPasswordCiphertext(ByteBuffer.wrap(cipher.encrypt(new InstanceRef(tenant, name), password)))
                .build();
    }

    private static UnlinkRequested unlinkCommand(String tenant, String name) {
        return UnlinkRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setInstanceName(name)
                .setOccurredAt(Instant.now())
                .build();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
