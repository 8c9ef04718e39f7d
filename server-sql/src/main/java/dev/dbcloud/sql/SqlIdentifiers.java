package dev.dbcloud.sql;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.postgresql.core.Utils;

/**
 * The one way the services put an identifier (a role, a database) into SQL text: always double-quoted, by pgjdbc.
 * Identifiers PostgreSQL would truncate or refuse are turned away first, so a name never silently becomes another.
 */
public final class SqlIdentifiers {

    /** PostgreSQL's {@code NAMEDATALEN - 1}: longer names are truncated, so they could stand for another object. */
    public static final int MAX_BYTES = 63;

    /**
     * Answers the identifier as a quoted SQL identifier ({@code "..."}, inner quotes doubled), by pgjdbc's
     * {@link Utils#escapeIdentifier}.
     *
     * @throws IllegalArgumentException if the identifier is null, empty, holds a NUL character, or is longer than
     *         {@value #MAX_BYTES} bytes in UTF-8; the message never repeats the value
     */
    public static String quote(String identifier) {
        if (identifier == null) {
            throw new IllegalArgumentException("an SQL identifier is required");
        }
        if (identifier.isEmpty()) {
            throw new IllegalArgumentException("an SQL identifier may not be empty");
        }
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an SQL identifier may not contain a NUL character");
        }
        if (identifier.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("an SQL identifier may not be longer than " + MAX_BYTES
                    + " bytes in UTF-8");
        }
        try {
            return Utils.escapeIdentifier(null, identifier).toString();
        } catch (SQLException e) {
            // Not reached: pgjdbc refuses only NUL characters, refused above. Its message holds no value either.
            throw new IllegalArgumentException("not an SQL identifier", e);
        }
    }

    private SqlIdentifiers() {
    }
}
