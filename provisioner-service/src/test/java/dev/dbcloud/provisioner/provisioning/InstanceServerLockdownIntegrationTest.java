package dev.dbcloud.provisioner.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.ProvisionRequested;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/**
 * A local instance's server, as its user meets it: the user's role is no superuser and cannot become one, reach
 * the host, or touch the control role {@code dbosadmin}; logins are SCRAM-SHA-256 over TCP only; the server
 * listens where it is configured to. Each refusal is asserted by its SQLSTATE, as PostgreSQL 17 reports it.
 */
class InstanceServerLockdownIntegrationTest extends AbstractProvisionerIntegrationTest {

    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final String INVALID_PASSWORD = "28P01";
    private static final String USER = "lockdown_user";
    private static final String PASSWORD = "lockdown-user-secret";
    /** Untrusted (no {@code trusted = true} in its control file): only a superuser may create it. */
    private static final String UNTRUSTED_EXTENSION = "file_fdw";
    /** Trusted since PostgreSQL 13: the owner of a database may create it there. */
    private static final String TRUSTED_EXTENSION = "hstore";

    private static ProvisionRequested command;
    private static InstanceProvisioned provisioned;

    @Value("${dbcloud.provisioner.local.listen-addresses}") String configuredListenAddresses;

    /** One server for the whole class, provisioned through the command topic like any other. */
    private static synchronized InstanceProvisioned instance() {
        if (provisioned == null) {
            command = provisionCommand(uniqueTenant(), "lockdown", USER, PASSWORD);
            provisioned = provision(command);
        }
        return provisioned;
    }

    private static Connection asUser() throws SQLException {
        return login(instance().getPort(), USER, PASSWORD);
    }

    private static Connection asUser(String database) throws SQLException {
        return login(instance().getPort(), database, USER, PASSWORD);
    }

    private static Connection asControlRole() throws SQLException {
        InstanceProvisioned instance = instance();
        ByteBuffer buffer = instance.getControlPasswordCiphertext().duplicate();
        byte[] ciphertext = new byte[buffer.remaining()];
        buffer.get(ciphertext);
        String password = cipher.decrypt(new InstanceRef(command.getTenant(), command.getInstanceName()), ciphertext);
        return login(instance.getPort(), "dbosadmin", password);
    }

    /** Runs the statement in a session of the user and answers the SQLSTATE it failed with. */
    private static AbstractStringAssert<?> assertRefusedToUser(String sql) throws SQLException {
        try (Connection connection = asUser(); Statement statement = connection.createStatement()) {
            return assertRefused(statement, sql);
        }
    }

    private static AbstractStringAssert<?> assertRefused(Statement statement, String sql) {
        return assertThat(sqlStateOf(() -> statement.execute(sql))).as(sql);
    }

    private static String sqlStateOf(SqlAction action) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(action::run);
        assertThat(thrown).as("expected the server to refuse").isInstanceOf(SQLException.class);
        return ((SQLException) thrown).getSQLState();
    }

    @FunctionalInterface
    private interface SqlAction {
        void run() throws Exception;
    }

    @Test
    void theUsersRoleHasNoSuperuserPowers() throws SQLException {
        try (Connection connection = asUser(); Statement statement = connection.createStatement();
                ResultSet role = statement.executeQuery("""
                        SELECT rolsuper, rolreplication, rolbypassrls, rolcreatedb, rolcreaterole,
                               pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') AS program,
                               pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') AS read_files,
                               pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') AS write_files,
                               current_setting('is_superuser') AS is_superuser
                        FROM pg_roles WHERE rolname = current_user""")) {
            assertThat(role.next()).isTrue();
            assertThat(role.getBoolean("rolsuper")).isFalse();
            assertThat(role.getBoolean("rolreplication")).isFalse();
            assertThat(role.getBoolean("rolbypassrls")).isFalse();
            assertThat(role.getBoolean("rolcreatedb")).isTrue();
            assertThat(role.getBoolean("rolcreaterole")).isTrue();
            assertThat(role.getBoolean("program")).isFalse();
            assertThat(role.getBoolean("read_files")).isFalse();
            assertThat(role.getBoolean("write_files")).isFalse();
            assertThat(role.getString("is_superuser")).isEqualTo("off");
        }
    }

    @Test
    void alterSystemIsRefused() throws SQLException {
        assertRefusedToUser("ALTER SYSTEM SET work_mem = '1GB'").isEqualTo(INSUFFICIENT_PRIVILEGE);
    }

    @Test
    void anUntrustedExtensionCannotBeCreatedEvenInADatabaseTheUserOwns() throws SQLException {
        try (Connection connection = asUser(); Statement statement = connection.createStatement()) {
            try (ResultSet extension = statement.executeQuery("""
                    SELECT superuser, trusted FROM pg_available_extension_versions
                    WHERE name = '%s'""".formatted(UNTRUSTED_EXTENSION))) {
                assertThat(extension.next()).as(UNTRUSTED_EXTENSION + " is installed").isTrue();
                assertThat(extension.getBoolean("superuser")).isTrue();
                assertThat(extension.getBoolean("trusted")).isFalse();
            }
            assertRefused(statement, "CREATE EXTENSION " + UNTRUSTED_EXTENSION).isEqualTo(INSUFFICIENT_PRIVILEGE);
            // The user's own database: CREATE on it lets a trusted extension in, never an untrusted one.
            statement.execute("CREATE DATABASE lockdown_extensions");
        }
        try (Connection connection = asUser("lockdown_extensions");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION " + TRUSTED_EXTENSION);
            assertRefused(statement, "CREATE EXTENSION " + UNTRUSTED_EXTENSION).isEqualTo(INSUFFICIENT_PRIVILEGE);
        }
    }

    @Test
    void theUserCannotReadPasswordVerifiers() throws SQLException {
        assertRefusedToUser("SELECT rolpassword FROM pg_authid").isEqualTo(INSUFFICIENT_PRIVILEGE);
        try (Connection connection = asUser(); Statement statement = connection.createStatement();
                ResultSet role = statement.executeQuery(
                        "SELECT rolpassword FROM pg_roles WHERE rolname = 'dbosadmin'")) {
            // pg_roles names every role (PostgreSQL cannot hide one) but masks its password.
            assertThat(role.next()).isTrue();
            assertThat(role.getString("rolpassword")).isEqualTo("********");
        }
    }

    @Test
    void theUserCannotAlterDropOrBecomeTheControlRole() throws SQLException {
        try (Connection connection = asUser(); Statement statement = connection.createStatement()) {
            assertRefused(statement, "ALTER ROLE dbosadmin PASSWORD 'x'").isEqualTo(INSUFFICIENT_PRIVILEGE);
            assertRefused(statement, "ALTER ROLE dbosadmin NOLOGIN").isEqualTo(INSUFFICIENT_PRIVILEGE);
            assertRefused(statement, "DROP ROLE dbosadmin").isEqualTo(INSUFFICIENT_PRIVILEGE);
            assertRefused(statement, "GRANT dbosadmin TO " + USER).isEqualTo(INSUFFICIENT_PRIVILEGE);
            assertRefused(statement, "SET ROLE dbosadmin").isEqualTo(INSUFFICIENT_PRIVILEGE);
            assertRefused(statement, "ALTER ROLE " + USER + " SUPERUSER").isEqualTo(INSUFFICIENT_PRIVILEGE);
            assertRefused(statement, "CREATE ROLE lockdown_super SUPERUSER").isEqualTo(INSUFFICIENT_PRIVILEGE);
        }
        try (Connection control = asControlRole(); Statement statement = control.createStatement();
                ResultSet role = statement.executeQuery(
                        "SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = 'dbosadmin'")) {
            assertThat(role.next()).isTrue();
            assertThat(role.getBoolean("rolsuper")).isTrue();
            assertThat(role.getBoolean("rolcanlogin")).isTrue();
        }
    }

    @Test
    void theUserCannotReachTheHost() throws SQLException {
        try (Connection connection = asUser(); Statement statement = connection.createStatement()) {
            assertRefused(statement, "GRANT pg_execute_server_program TO " + USER)
                    .isEqualTo(INSUFFICIENT_PRIVILEGE);
            assertRefused(statement, "GRANT pg_read_server_files TO " + USER).isEqualTo(INSUFFICIENT_PRIVILEGE);
            assertRefused(statement, "GRANT pg_write_server_files TO " + USER).isEqualTo(INSUFFICIENT_PRIVILEGE);
            assertRefused(statement, "COPY (SELECT 1) TO PROGRAM 'true'").isEqualTo(INSUFFICIENT_PRIVILEGE);
            assertRefused(statement, "COPY (SELECT 1) TO '/tmp/dbcloud-lockdown'").isEqualTo(INSUFFICIENT_PRIVILEGE);
            assertRefused(statement, "SELECT pg_read_file('postgresql.conf')").isEqualTo(INSUFFICIENT_PRIVILEGE);
        }
    }

    @Test
    void loginsArePasswordCheckedWithScramOnly() throws SQLException {
        assertThat(sqlStateOf(() -> login(instance().getPort(), USER, "not-the-password").close()))
                .isEqualTo(INVALID_PASSWORD);
        assertThat(sqlStateOf(() -> login(instance().getPort(), "dbosadmin", PASSWORD).close()))
                .isEqualTo(INVALID_PASSWORD);
        try (Connection connection = asUser(); Statement statement = connection.createStatement()) {
            assertThat(show(statement, "password_encryption")).isEqualTo("scram-sha-256");
            assertRefused(statement, "SELECT * FROM pg_hba_file_rules").isEqualTo(INSUFFICIENT_PRIVILEGE);
        }
        try (Connection control = asControlRole(); Statement statement = control.createStatement()) {
            List<String> rules = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery(
                    "SELECT type, auth_method, error FROM pg_hba_file_rules ORDER BY rule_number")) {
                while (rows.next()) {
                    assertThat(rows.getString("error")).isNull();
                    rules.add(rows.getString("type") + " " + rows.getString("auth_method"));
                }
            }
            assertThat(rules).isNotEmpty().containsOnly("host scram-sha-256");
            try (ResultSet verifier = statement.executeQuery(
                    "SELECT rolpassword FROM pg_authid WHERE rolname IN ('dbosadmin', '" + USER + "')")) {
                int count = 0;
                while (verifier.next()) {
                    count++;
                    assertThat(verifier.getString(1)).startsWith("SCRAM-SHA-256$");
                }
                assertThat(count).isEqualTo(2);
            }
        }
    }

    @Test
    void listensWhereConfigured() throws SQLException {
        try (Connection connection = asUser(); Statement statement = connection.createStatement()) {
            assertThat(show(statement, "listen_addresses")).isEqualTo(configuredListenAddresses);
            assertRefused(statement, "SHOW unix_socket_directories").isEqualTo(INSUFFICIENT_PRIVILEGE);
        }
        try (Connection control = asControlRole(); Statement statement = control.createStatement()) {
            // No Unix-domain socket: every login comes over TCP, through the host rules.
            assertThat(show(statement, "unix_socket_directories")).isEmpty();
        }
    }

    private static String show(Statement statement, String setting) throws SQLException {
        try (ResultSet row = statement.executeQuery("SHOW " + setting)) {
            assertThat(row.next()).isTrue();
            return row.getString(1);
        }
    }
}
