package dev.dbcloud.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * The control plane's Postgres takes a password on every connection, SCRAM-SHA-256, and trusts nobody. zonky's
 * initdb writes {@code trust} lines; on the first start of a new home they stand until this replaces them, a moment
 * in which only this machine's loopback interface can connect. Applied on every start, so a home made by an older
 * version, or a start cut off halfway, ends in the same state.
 */
final class ControlPlaneAccess {

    static final String USER = "postgres";

    static final String HBA = """
            # Written by dbcloud's local stack: a password (scram-sha-256) on every connection, trust nowhere.
            local   all   all                  scram-sha-256
            host    all   all   127.0.0.1/32   scram-sha-256
            host    all   all   ::1/128        scram-sha-256
            """;

    private ControlPlaneAccess() {
    }

    static void requirePassword(EmbeddedPostgres postgres, Path dataDirectory, String password)
            throws SQLException, IOException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            // The driver computes the SCRAM verifier; the password itself never travels in a statement.
            connection.unwrap(PGConnection.class).alterUserPassword(USER, password.toCharArray(), "scram-sha-256");
            Path hba = dataDirectory.resolve("pg_hba.conf");
            if (!Files.exists(hba) || !Files.readString(hba).equals(HBA)) {
                Files.writeString(hba, HBA);
                statement.execute("SELECT pg_reload_conf()");
            }
        }
    }
}
