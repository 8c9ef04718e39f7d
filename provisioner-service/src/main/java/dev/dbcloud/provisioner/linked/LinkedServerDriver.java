package dev.dbcloud.provisioner.linked;

import dev.dbcloud.events.LinkFailureReason;
import dev.dbcloud.provisioner.driver.DriverException;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.driver.Endpoint;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceSpec;
import dev.dbcloud.provisioner.driver.LinkRefusedException;
import dev.dbcloud.provisioner.driver.Placement;
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
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The {@code linked} driver: a server the user already runs (bring your own database). The control plane never
 * starts, stops or deletes it; it only logs in as the control role the user named, which must be able to log in
 * and create databases, and whose password it keeps only as ciphertext.
 */
@Component
class LinkedServerDriver implements InstanceDriver {


    private final LinkedServerProperties properties;

    LinkedServerDriver(LinkedServerProperties properties) {
        this.properties = properties;
    }

    @Override
    public DriverKind kind() {
        return DriverKind.LINKED;
    }

    /** The user placed the server: there is nothing to place. */
    @Override
    public Optional<Placement> place(UUID instanceId, Set<Integer> portsInUse) {
        return Optional.empty();
    }

    /** Checks that the control role the user named logs in and may create databases; starts nothing. */
    @Override
    public Endpoint provision(InstanceSpec spec) {
        LinkVerification verification = verify(controlLogin(spec));
        if (!verification.passed()) {
            throw new LinkRefusedException(verification.failure(), verification.message());
        }
        return new Endpoint(spec.hostName(), spec.port());
    }

    /** Nothing of the user's server is the control plane's to clean. */
    @Override
    public void recoverAfterCrash() {
    }

    /** The user runs the server; the control plane neither starts nor restarts it. */
    @Override
    public void ensureRunning(InstanceSpec spec) {
    }

    @Override
    public void stop(InstanceSpec spec) {
        throw new DriverException("a linked instance's server is yours: stop it where it runs");
    }

    @Override
    public void stopAll() {
    }

    @Override
    public void destroy(InstanceSpec spec) {
        throw new DriverException("a linked instance is unlinked, not destroyed: its server and data belong to you");
    }

    @Override
    public OptionalLong systemIdentifier(InstanceSpec spec) {
        return OptionalLong.empty();
    }

    /** As the control role the user named, with the password the user gave. */
    @Override
    public ServerLogin controlLogin(InstanceSpec spec) {
        return new ServerLogin(spec.hostName(), spec.port(), spec.adminUsername(), spec.controlPassword(),
                properties.connectTimeout(), properties.socketTimeout(), APPLICATION);
    }

    /** Logs in to the server's {@code postgres} database and checks that the role may create databases. */
    LinkVerification verify(ServerLogin login) {
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
        if (SqlStates.isUnreachable(e)) {
            return LinkVerification.refused(LinkFailureReason.UNREACHABLE,
                    "cannot connect to " + address + " (SQLSTATE " + state + ")");
        }
        return LinkVerification.refused(LinkFailureReason.UNKNOWN,
                "the server at " + address + " could not be verified (SQLSTATE " + state + ")");
    }
}
