package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.InstanceRef;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The provisioner's table of instances. */
@Repository
class ProvisionedInstances {

    private static final String COLUMNS = "operation_id, tenant, name, status, admin_username, port, data_directory, "
            + "control_password_ciphertext, host_name, failure_reason, failure_message";

    private final JdbcClient jdbc;
    private final Clock clock;

    ProvisionedInstances(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    Optional<ProvisionedInstance> byOperation(UUID operationId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM instances WHERE operation_id = ?")
                .param(operationId).query(ProvisionedInstances::map).optional();
    }

    List<ProvisionedInstance> thatShouldRun() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM instances WHERE status = 'AVAILABLE' AND driver = 'LOCAL'")
                .query(ProvisionedInstances::map).list();
    }

    boolean isLive(InstanceRef instance) {
        return jdbc.sql("SELECT count(*) FROM instances WHERE tenant = ? AND name = ? AND status <> 'DESTROYED'")
                .params(instance.tenant(), instance.name()).query(Long.class).single() > 0;
    }

    Set<Integer> portsInUse() {
        return new HashSet<>(jdbc.sql("SELECT port FROM instances WHERE status <> 'DESTROYED'").query(Integer.class).list());
    }

    void insert(ProvisionedInstance instance) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        jdbc.sql("INSERT INTO instances (" + COLUMNS + ", driver, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'LOCAL', ?, ?)")
                .params(instance.operationId(), instance.instance().tenant(), instance.instance().name(),
                        instance.status().name(), instance.adminUsername(), instance.port(),
                        instance.dataDirectory().toString(), instance.controlPasswordCiphertext(),
                        instance.hostName(), instance.failureReason(), instance.failureMessage(), now, now)
                .update();
    }

    void markAvailable(UUID operationId, String hostName) {
        jdbc.sql("UPDATE instances SET status = 'AVAILABLE', host_name = ?, updated_at = ? "
                        + "WHERE operation_id = ? AND status = 'PROVISIONING'")
                .params(hostName, OffsetDateTime.now(clock), operationId).update();
    }

    void markFailed(UUID operationId, String reason, String message) {
        jdbc.sql("UPDATE instances SET status = 'FAILED', failure_reason = ?, failure_message = ?, updated_at = ? "
                        + "WHERE operation_id = ? AND status = 'PROVISIONING'")
                .params(reason, message, OffsetDateTime.now(clock), operationId).update();
    }

    private static ProvisionedInstance map(ResultSet row, int number) throws SQLException {
        return new ProvisionedInstance(
                row.getObject("operation_id", UUID.class),
                new InstanceRef(row.getString("tenant"), row.getString("name")),
                ProvisionedInstance.Status.valueOf(row.getString("status")),
                row.getString("admin_username"),
                row.getInt("port"),
                Path.of(row.getString("data_directory")),
                row.getBytes("control_password_ciphertext"),
                row.getString("host_name"),
                row.getString("failure_reason"),
                row.getString("failure_message"));
    }
}
