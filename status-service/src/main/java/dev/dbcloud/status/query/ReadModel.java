package dev.dbcloud.status.query;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads what the projection wrote; every query is scoped to one tenant. */
@Component
class ReadModel {

    private static final String INSTANCE_COLUMNS =
            "name, host_name, port, status, admin_username, driver, created_at, updated_at";
    private static final String OPERATION_COLUMNS =
            "id, type, instance_name, status, error_code, error_message, created_at, updated_at";

    private final JdbcClient jdbc;

    ReadModel(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The tenant's instances that are not destroyed, by name. */
    List<Instance> instances(String tenant) {
        return jdbc.sql("SELECT " + INSTANCE_COLUMNS + """
                         FROM instances WHERE tenant = :tenant AND status <> 'DESTROYED' ORDER BY name
                        """)
                .param("tenant", tenant)
                .query(ReadModel::instance)
                .list();
    }

    /** The tenant's current instance of that name: the one not destroyed. */
    Optional<Instance> instance(String tenant, String name) {
        return jdbc.sql("SELECT " + INSTANCE_COLUMNS + """
                         FROM instances WHERE tenant = :tenant AND name = :name AND status <> 'DESTROYED'
                        """)
                .param("tenant", tenant)
                .param("name", name)
                .query(ReadModel::instance)
                .optional();
    }

    Optional<Operation> operation(String tenant, UUID id) {
        return jdbc.sql("SELECT " + OPERATION_COLUMNS + " FROM operations WHERE tenant = :tenant AND id = :id")
                .param("tenant", tenant)
                .param("id", id)
                .query(ReadModel::operation)
                .optional();
    }

    /**
     * The operations on the tenant's current instance of that name, newest first: those requested since it was
     * provisioned (or linked), which leaves out those of earlier, destroyed instances that had the same name.
     *
     * @return empty when there is no current instance of that name
     */
    Optional<List<Operation>> operations(String tenant, String instanceName) {
        return current(tenant, instanceName).map(incarnation -> jdbc.sql("SELECT " + OPERATION_COLUMNS + """
                         FROM operations WHERE tenant = :tenant AND instance_name = :name AND created_at >= :since
                         ORDER BY created_at DESC, updated_at DESC, id
                        """)
                .param("tenant", tenant)
                .param("name", instanceName)
                .param("since", incarnation.createdAt())
                .query(ReadModel::operation)
                .list());
    }

    /**
     * The application databases of the tenant's current instance of that name, by name.
     *
     * @return empty when there is no current instance of that name
     */
    Optional<List<AppDatabase>> databases(String tenant, String instanceName) {
        return current(tenant, instanceName).map(incarnation -> jdbc.sql("""
                        SELECT name, owner, created_at FROM databases WHERE instance_id = :id ORDER BY name
                        """)
                .param("id", incarnation.id())
                .query((row, number) -> new AppDatabase(
                        row.getString("name"), row.getString("owner"), instant(row, "created_at")))
                .list());
    }

    /** The tenant's current instance of that name: the one not destroyed. */
    private Optional<Incarnation> current(String tenant, String name) {
        return jdbc.sql("""
                        SELECT id, created_at FROM instances
                         WHERE tenant = :tenant AND name = :name AND status <> 'DESTROYED'
                        """)
                .param("tenant", tenant)
                .param("name", name)
                .query((row, number) -> new Incarnation(
                        row.getObject("id", UUID.class), row.getObject("created_at", OffsetDateTime.class)))
                .optional();
    }

    private static Instance instance(ResultSet row, int number) throws SQLException {
        return new Instance(
                row.getString("name"),
                row.getString("host_name"),
                row.getObject("port", Integer.class),
                row.getString("status"),
                row.getString("admin_username"),
                row.getString("driver"),
                instant(row, "created_at"),
                instant(row, "updated_at"));
    }

    private static Operation operation(ResultSet row, int number) throws SQLException {
        String errorCode = row.getString("error_code");
        return new Operation(
                row.getObject("id", UUID.class),
                row.getString("type"),
                row.getString("instance_name"),
                row.getString("status"),
                errorCode == null ? null : new Operation.Failure(errorCode, row.getString("error_message")),
                instant(row, "created_at"),
                instant(row, "updated_at"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant();
    }

    /** One instance's row, which its databases belong to, and since when it exists. */
    private record Incarnation(UUID id, OffsetDateTime createdAt) {
    }
}
