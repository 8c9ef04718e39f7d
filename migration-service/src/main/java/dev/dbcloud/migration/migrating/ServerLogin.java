package dev.dbcloud.migration.migrating;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * How this service logs in to an instance's server: where, as which role, with which password, and within which
 * bounds. Every session it opens carries {@code statement_timeout} and {@code lock_timeout}, and the socket
 * timeout backs them up, so neither a slow statement nor a server that stops answering holds a consumer thread for
 * long. Hold a login only for the run that needs it; {@link #toString()} hides the password.
 */
record ServerLogin(String host, int port, String role, String password, Duration connectTimeout,
        Duration statementTimeout, Duration lockTimeout) {

    /** A margin beyond {@code statement_timeout} for the server to report the cancelled statement. */
    private static final Duration SOCKET_MARGIN = Duration.ofSeconds(30);

    ServerLogin as(String otherRole, String otherPassword) {
        return new ServerLogin(host, port, otherRole, otherPassword, connectTimeout, statementTimeout, lockTimeout);
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), properties());
    }

    /** A data source for Flyway; the password stays out of the URL, which Flyway logs. */
    DataSource dataSource(String database) {
        SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), url(database));
        dataSource.setConnectionProperties(properties());
        return dataSource;
    }

    String address() {
        return host + ":" + port;
    }

    /** Removes the password from a text that may quote a connection's settings, before the text leaves. */
    String scrub(String text) {
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
        properties.setProperty("socketTimeout", seconds(statementTimeout.plus(SOCKET_MARGIN)));
        properties.setProperty("ApplicationName", "dbcloud-migration");
        properties.setProperty("options", "-c statement_timeout=" + statementTimeout.toMillis()
                + " -c lock_timeout=" + lockTimeout.toMillis());
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
