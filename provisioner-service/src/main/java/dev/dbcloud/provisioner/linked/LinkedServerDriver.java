package dev.dbcloud.provisioner.linked;

import dev.dbcloud.events.LinkFailureReason;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.sql.ServerLogin;
import dev.dbcloud.sql.SqlStates;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.springframework.stereotype.Component;

/**
 * The {@code linked} driver: a server the user already runs (bring your own database). The control plane never
 * starts, stops or deletes it; it only logs in as the control role the user named, which must be able to log in
 * and create databases, and whose password it keeps only as ciphertext.
 */
@Component
public class LinkedServerDriver {


    private final LinkedServerProperties properties;

    LinkedServerDriver(LinkedServerProperties properties) {
        this.properties = properties;
    }

    public ServerLogin login(String host, int port, String role, String password) {
        return new ServerLogin(host, port, role, password, properties.connectTimeout(), properties.socketTimeout(),
                InstanceDriver.APPLICATION);
    }

    /** Logs in to the server's {@code postgres} database and checks that the role may create databases. */
    public LinkVerification verify(ServerLogin login) {
        try (Connection connection = login.connect("postgres");
                Statement statement = connection.createStatement();
                ResultSet role = statement.executeQuery(
                        "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")) {
            if (!role.next() || !role.getBoolean(1)) {
                return LinkVerification.refused(LinkFailureReason.MISSING_PRIVILEGES,
                        "the role " + login.role() + " logs in but cannot create databases; grant it CREATEDB");
            }
            return LinkVerification.verified();
        } catch (SQLException e) {
            return refusal(e, login.host() + ":" + login.port());
        }
    }

    /** Explains why logging in to a linked server failed, from the SQLSTATE and the network error under it. */
    static LinkVerification refusal(SQLException e, String address) {
        String state = e.getSQLState();
        if (SqlStates.INVALID_PASSWORD.equals(state) || SqlStates.INVALID_AUTHORIZATION.equals(state)) {
            return LinkVerification.refused(LinkFailureReason.AUTHENTICATION_FAILED,
                    "the server at " + address + " refused the role or its password (SQLSTATE " + state + ")");
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return LinkVerification.refused(LinkFailureReason.TIMEOUT,
                        "the server at " + address + " did not answer in time");
            }
            if (cause instanceof UnknownHostException) {
                return LinkVerification.refused(LinkFailureReason.UNREACHABLE,
                        "the host of " + address + " is unknown");
            }
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
                return LinkVerification.refused(LinkFailureReason.UNREACHABLE,
                        "nothing accepts connections at " + address);
            }
        }
        if (ServerLogin.isUnreachable(e)) {
            return LinkVerification.refused(LinkFailureReason.UNREACHABLE,
                    "cannot connect to " + address + " (SQLSTATE " + state + ")");
        }
        return LinkVerification.refused(LinkFailureReason.UNKNOWN,
                "the server at " + address + " could not be verified (SQLSTATE " + state + ")");
    }
}
