package dev.dbcloud.migration.migrating;

import dev.dbcloud.sql.ServerLogin;
import dev.dbcloud.common.secrets.ControlPasswordCipher;
import dev.dbcloud.sql.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.util.PasswordUtil;

/**
 * The login that runs the user's SQL on a local instance, where the control role ({@code dbosadmin}) is a
 * superuser.
 *
 * <p>Migrations must run as the owner role so that what they create belongs to the user, and this service does
 * not know the owner's password. A superuser session with {@code SET ROLE owner} would do, but the user's SQL
 * could end it with {@code RESET ROLE} and run the rest as a superuser (and reach the host through
 * {@code COPY ... TO PROGRAM}). So the SQL runs in a session of this role instead: a plain member of the owner,
 * able to log in only during a run, with a fresh random password each time. Its session starts with
 * {@code SET ROLE owner}; leaving that role leaves the SQL with the owner's rights and nothing more, and whatever
 * it created as this role is handed to the owner afterwards.
 *
 * <p>Its name is longer than any admin username the seed allows, so it never collides with one. Runs on one
 * instance never overlap: every request about an instance is consumed in order from one partition.
 */
final class MigratorRole {

    static final String NAME = "dbosadmin_migrations";
    private static final String DUPLICATE_OBJECT = "42710";

    /**
     * Lets the role log in as a member of the owner, with nothing beyond, and answers its login.
     *
     * @param control a session of the control role (a superuser) on the server
     */
    static ServerLogin enable(Connection control, ServerLogin controlLogin, String owner) throws SQLException {
        PGConnection pg = control.unwrap(PGConnection.class);
        String role = SqlIdentifiers.quote(NAME);
        String password = ControlPasswordCipher.randomPassword();
        // Only the SCRAM verifier reaches the server, so no statement log can show the password.
        String verifier = PasswordUtil.encodeScramSha256(password.toCharArray());
        try (Statement statement = control.createStatement()) {
            if (!exists(control)) {
                try {
                    statement.execute("CREATE ROLE " + role);
                } catch (SQLException e) {
                    if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
            // Whoever created the role, these are its attributes from now on.
            statement.execute("ALTER ROLE " + role + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
                    + " NOBYPASSRLS INHERIT PASSWORD '" + pg.escapeLiteral(verifier) + "'");
            statement.execute("GRANT " + SqlIdentifiers.quote(owner) + " TO " + role);
        }
        return controlLogin.as(NAME, password);
    }

    /**
     * Hands what the role created in the database to the owner, and stops it logging in.
     *
     * @param control a session of the control role on the application's database
     */
    static void disable(Connection control, String owner) throws SQLException {
        String role = SqlIdentifiers.quote(NAME);
        try (Statement statement = control.createStatement()) {
            statement.execute("REASSIGN OWNED BY " + role + " TO " + SqlIdentifiers.quote(owner));
            statement.execute("ALTER ROLE " + role + " WITH NOLOGIN PASSWORD NULL");
        }
    }

    private static boolean exists(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            query.setString(1, NAME);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private MigratorRole() {
    }
}
