package dev.dbcloud.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * How the control plane logs in to a server: where, as which role, with which password, and within which bounds.
 * The timeouts bound every connection, so a server that does not answer cannot hold a listener thread; a login
 * {@link #withSessionLimits with session limits} also sets {@code statement_timeout} and {@code lock_timeout} on
 * every session. Hold a login only for the call that needs it; {@link #toString()} hides the password.
 *
 * @param connectTimeout how long opening the TCP connection, and logging in, may take
 * @param socketTimeout how long any one answer of the server may take, statements included
 * @param application the {@code application_name} the server shows for these sessions
 * @param limits {@code statement_timeout} and {@code lock_timeout} for every session, or null for the server's
 */
public record ServerLogin(String host, int port, String role, String password, Duration connectTimeout,
        Duration socketTimeout, String application, SessionLimits limits) {

    /** How long one statement may run, and how long it may wait for a lock, in every session of a login. */
    public record SessionLimits(Duration statementTimeout, Duration lockTimeout) {
    }

    /** A margin beyond {@code statement_timeout} for the server to report the cancelled statement. */
    private static final Duration SOCKET_MARGIN = Duration.ofSeconds(30);

    public ServerLogin(String host, int port, String role, String password, Duration connectTimeout,
            Duration socketTimeout, String application) {
        this(host, port, role, password, connectTimeout, socketTimeout, application, null);
    }

    /** The same server and bounds, as another role. */
    public ServerLogin as(String otherRole, String otherPassword) {
        return new ServerLogin(host, port, otherRole, otherPassword, connectTimeout, socketTimeout, application,
                limits);
    }

    /** The same login, waiting at most {@code timeout} to connect and for each answer. */
    public ServerLogin withTimeouts(Duration timeout) {
        return new ServerLogin(host, port, role, password, timeout, timeout, application, limits);
    }

    /**
     * The same login, with {@code statement_timeout} and {@code lock_timeout} on every session; the socket
     * timeout backs them up, so neither a slow statement nor a server that stops answering holds a thread long.
     */
    public ServerLogin withSessionLimits(Duration statementTimeout, Duration lockTimeout) {
        return new ServerLogin(host, port, role, password, connectTimeout, statementTimeout.plus(SOCKET_MARGIN),
                application, new SessionLimits(statementTimeout, lockTimeout));
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), properties());
    }

    /** A data source (for Flyway, say); the password stays out of the URL, which Flyway logs. */
    public DataSource dataSource(String database) {
        SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), url(database));
        dataSource.setConnectionProperties(properties());
        return dataSource;
    }

    public String address() {
        return host + ":" + port;
    }

    /** Removes the password from a text that may quote a connection's settings, before the text leaves. */
    public String scrub(String text) {
        return text == null || password.isEmpty() ? text : text.replace(password, "********");
    }

    private String url(String database) {
        String address = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + address + ":" + port + "/" + database;
    }

    private Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("user", role);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", seconds(connectTimeout));
        properties.setProperty("loginTimeout", seconds(connectTimeout));
        properties.setProperty("socketTimeout", seconds(socketTimeout));
        properties.setProperty("ApplicationName", application);
        if (limits != null) {
            properties.setProperty("options", "-c statement_timeout=" + limits.statementTimeout().toMillis()
                    + " -c lock_timeout=" + limits.lockTimeout().toMillis());
        }
        return properties;
    }

    private static String seconds(Duration duration) {
        return Long.toString(Math.max(1, (duration.toMillis() + 999) / 1000));
    }

    @Override
    public String toString() {
        return "ServerLogin[" + role + "@" + address() + "]";
    }
}
