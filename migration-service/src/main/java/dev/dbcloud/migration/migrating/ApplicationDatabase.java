package dev.dbcloud.migration.migrating;

import dev.dbcloud.messaging.sql.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * An application's database on an instance: created if missing, owned by the instance's owner role, and isolated
 * (PUBLIC loses its default right to connect). Since PostgreSQL 15 the {@code public} schema belongs to
 * {@code pg_database_owner}, so the database's owner may create in it with no further grant.
 */
final class ApplicationDatabase {

    private static final String DUPLICATE_DATABASE = "42P04";

    /**
     * Makes sure the database exists. CREATE DATABASE cannot run inside a
     * transaction block, so every statement here commits on its own.
     *
     * @param control a session of the control role on the server's {@code postgres} database
     * @param owner the role to own a new database, or null for the control role itself
     */
    static void ensureExists(Connection control, String database, String owner) throws SQLException {
        String quoted = SqlIdentifiers.quote(database);
        if (!exists(control, database)) {
            try (Statement statement = control.createStatement()) {
                statement.execute("CREATE DATABASE " + quoted
                        + (owner == null ? "" : " OWNER " + SqlIdentifiers.quote(owner)));
            } catch (SQLException e) {
                if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
        // Also when the database existed: creating it may have been cut off before this statement.
        try (Statement statement = control.createStatement()) {
            statement.execute("REVOKE ALL ON DATABASE " + quoted + " FROM PUBLIC");
        }
    }

    private static boolean exists(Connection connection, String database) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            query.setString(1, database);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private ApplicationDatabase() {
    }
}
