package dev.dbcloud.provisioner.driver;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * How the control plane logs in to a server: where, as which role, with which password, and how long it waits.
 * The timeouts bound every connection, so a server that does not answer cannot hold a listener thread. Hold
 * a login only for the call that needs it; {@link #toString()} hides the password.
 *
 * @param connectTimeout how long opening the TCP connection (and logging in) may take
 * @param socketTimeout how long any one answer of the server may take, statements included
 */
public record ServerLogin(String host, int port, String role, String password, Duration connectTimeout,
        Duration socketTimeout) {

    /** SQLSTATE class 08: the connection could not be opened or was lost. */
    private static final String CONNECTION_EXCEPTION_CLASS = "08";
    /** SQLSTATE 57P03 (cannot_connect_now): the server is starting up or shutting down. */
    private static final String CANNOT_CONNECT_NOW = "57P03";

    public ServerLogin withTimeouts(Duration timeout) {
        return new ServerLogin(host, port, role, password, timeout, timeout);
    }

    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", role);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", seconds(connectTimeout));
        properties.setProperty("loginTimeout", seconds(connectTimeout.plus(socketTimeout)));
        properties.setProperty("socketTimeout", seconds(socketTimeout));
        properties.setProperty("ApplicationName", "dbcloud-provisioner");
        String address = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return DriverManager.getConnection("jdbc:postgresql://" + address + ":" + port + "/" + database, properties);
    }

    /** Whether a failure of {@link #connect} means the server was not there to log in to. */
    public static boolean isUnreachable(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith(CONNECTION_EXCEPTION_CLASS) || state.equals(CANNOT_CONNECT_NOW));
    }

    private static String seconds(Duration duration) {
        return Long.toString(Math.max(1, (duration.toMillis() + 999) / 1000));
    }

    @Override
    public String toString() {
        return "ServerLogin[" + role + "@" + host + ":" + port + "]";
    }
}
