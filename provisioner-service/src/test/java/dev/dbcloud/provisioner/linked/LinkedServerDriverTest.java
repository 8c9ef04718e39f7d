package dev.dbcloud.provisioner.linked;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbcloud.events.LinkFailureReason;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class LinkedServerDriverTest {

    private static final String ADDRESS = "db.example.com:5432";

    @Test
    void aRefusedPasswordOrRoleIsAnAuthenticationFailure() {
        assertThat(reason(new SQLException("password authentication failed", "28P01")))
                .isEqualTo(LinkFailureReason.AUTHENTICATION_FAILED);
        assertThat(reason(new SQLException("no pg_hba.conf entry", "28000")))
                .isEqualTo(LinkFailureReason.AUTHENTICATION_FAILED);
    }

    @Test
    void aRefusedConnectionOrAnUnknownHostIsUnreachable() {
        assertThat(reason(new SQLException("refused", "08001", new ConnectException("Connection refused"))))
                .isEqualTo(LinkFailureReason.UNREACHABLE);
        assertThat(reason(new SQLException("failed", "08001", new UnknownHostException("db.example.com"))))
                .isEqualTo(LinkFailureReason.UNREACHABLE);
        assertThat(reason(new SQLException("the database system is starting up", "57P03")))
                .isEqualTo(LinkFailureReason.UNREACHABLE);
    }

    @Test
    void aServerThatDoesNotAnswerInTimeIsATimeout() {
        assertThat(reason(new SQLException("failed", "08001", new SocketTimeoutException("Connect timed out"))))
                .isEqualTo(LinkFailureReason.TIMEOUT);
    }

    @Test
    void anythingElseIsUnknownAndNamesItsSqlState() {
        LinkVerification refusal = LinkedServerDriver.refusal(
                new SQLException("database does not exist", "3D000"), ADDRESS);

        assertThat(refusal.failure()).isEqualTo(LinkFailureReason.UNKNOWN);
        assertThat(refusal.message()).contains(ADDRESS).contains("3D000");
    }

    private static LinkFailureReason reason(SQLException e) {
        return LinkedServerDriver.refusal(e, ADDRESS).failure();
    }
}
