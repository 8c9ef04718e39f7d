package dev.dbcloud.provisioner.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dbcloud.events.PasswordReset;
import dev.dbcloud.events.PasswordResetFailed;
import dev.dbcloud.events.PasswordResetFailureReason;
import dev.dbcloud.events.PasswordResetRequested;
import dev.dbcloud.events.ProvisionRequested;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/** The tests share one instance; each resets its password to what it needs. */
@TestInstance(Lifecycle.PER_CLASS)
class ResettingPasswordsIntegrationTest extends AbstractProvisionerIntegrationTest {

    private ProvisionRequested instance;
    private int port;
    private String currentPassword;

    @BeforeAll
    void provisionTheInstance() {
        currentPassword = "the-first-password";
        instance = provisionCommand(uniqueTenant(), "keys", "hank", currentPassword);
        port = provision(instance).getPort();
    }

    @Test
    void theNewPasswordLogsInAndTheOldOneNoLonger() throws SQLException {
        String old = currentPassword;
        resetTo("a-brand-new-password");

        try (Connection connection = login(port, "hank", "a-brand-new-password")) {
            assertThat(connection.isValid(5)).isTrue();
        }
        assertThatThrownBy(() -> login(port, "hank", old)).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01");
    }

    @Test
    void aRedeliveredOlderResetDoesNotUndoANewerOne() throws SQLException {
        PasswordResetRequested older = resetTo("the-older-password");
        resetTo("the-newer-password");

        send(older);
        await().atMost(BOUND).until(() -> events(PasswordReset.class, older.getOperationId()).size() == 2);

        try (Connection connection = login(port, "hank", "the-newer-password")) {
            assertThat(connection.isValid(5)).isTrue();
        }
        assertThatThrownBy(() -> login(port, "hank", "the-older-password")).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01");
    }

    @Test
    void resettingThePasswordOfAnInstanceThatIsNotThereFails() {
        PasswordResetRequested reset = resetCommand(uniqueTenant(), "absent", "whatever-password");
        send(reset);

        assertThat(awaitOutcome(reset.getOperationId())).isInstanceOfSatisfying(PasswordResetFailed.class,
                failed -> assertThat(failed.getReason()).isEqualTo(PasswordResetFailureReason.INSTANCE_NOT_AVAILABLE));
    }

    @Test
    void aResetThatDidNotArriveAsAScramVerifierIsRefusedAsInvalid() throws SQLException {
        PasswordResetRequested reset = resetCommand(instance.getTenant(), instance.getInstanceName(), "ignored-here");
        reset.setPasswordVerifier("md5" + "0".repeat(32));
        send(reset);

        assertThat(awaitOutcome(PasswordResetFailed.class, reset.getOperationId()).getReason())
                .isEqualTo(PasswordResetFailureReason.INVALID_REQUEST);
        try (Connection connection = login(port, "hank", currentPassword)) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    private PasswordResetRequested resetTo(String password) {
        PasswordResetRequested reset = resetCommand(instance.getTenant(), instance.getInstanceName(), password);
        send(reset);
        awaitOutcome(PasswordReset.class, reset.getOperationId());
        currentPassword = password;
        return reset;
    }

    static PasswordResetRequested resetCommand(String tenant, String name, String password) {
        return PasswordResetRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setInstanceName(name)
                .setOccurredAt(Instant.now())
                .setPasswordVerifier(verifier(password))
                .build();
    }
}
