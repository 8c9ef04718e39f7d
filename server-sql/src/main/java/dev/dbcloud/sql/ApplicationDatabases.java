package dev.dbcloud.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * An application's database on a server: created if missing, owned by the role given, and isolated (PUBLIC loses
 * its default right to connect). Since PostgreSQL 15 the {@code public} schema belongs to {@code pg_database_owner},
 * so the database's owner may create in it with no further grant.
 */
public final class ApplicationDatabases {

    /**
     * Makes sure the database exists and is closed to PUBLIC; answers its owner. CREATE DATABASE cannot run inside a
     * transaction block, so every statement here commits on its own, and each may be repeated after a crash.
     *
     * @param control a session of the control role on the server's {@code postgres} database
     * @param owner the role to own a new database, or null for the control role itself
     */
    public static String ensureExists(Connection control, String database, String owner) throws SQLException {
        String quoted = SqlIdentifiers.quote(database);
        Optional<String> existing = ownerOf(control, database);
        if (existing.isEmpty()) {
            try (Statement statement = control.createStatement()) {
                statement.execute("CREATE DATABASE " + quoted
                        + (owner == null ? "" : " OWNER " + SqlIdentifiers.quote(owner)));
            } catch (SQLException e) {
                if (!SqlStates.DUPLICATE_DATABASE.equals(e.getSQLState())) {
                    throw e;
                }
            }
            existing = ownerOf(control, database);
        }
        // Also when the database existed: creating it may have been cut off before this statement.
        try (Statement statement = control.createStatement()) {
            statement.execute("REVOKE ALL ON DATABASE " + quoted + " FROM PUBLIC");
        }
        return existing.orElseThrow(() -> new SQLException("database " + database + " vanished while it was created"));
    }

    private static Optional<String> ownerOf(Connection connection, String database) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?")) {
            query.setString(1, database);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    private ApplicationDatabases() {
    }
}
