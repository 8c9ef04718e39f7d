package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.InstanceHealth;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.driver.Placement;
import dev.dbcloud.provisioner.driver.RecordedPlacements;
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

/**
 * The provisioner's table of instances. Every change of status is conditional on the status it leaves, so a
 * change that lost a race changes nothing and says so.
 */
@Repository
class ProvisionedInstances implements RecordedPlacements {

    private static final String COLUMNS = "operation_id, tenant, name, driver, status, admin_username, port, "
            + "data_directory, control_password_ciphertext, host_name, failure_reason, failure_message, "
            + "destroyed_by, health";

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

    /** The instance that holds the name: any not DESTROYED. */
    Optional<ProvisionedInstance> live(InstanceRef instance) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM instances WHERE tenant = ? AND name = ? AND status <> 'DESTROYED'")
                .params(instance.tenant(), instance.name()).query(ProvisionedInstances::map).optional();
    }

    /** The instance a destroy or unlink operation began ending, whatever its status now. */
    Optional<ProvisionedInstance> endedBy(UUID operationId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM instances WHERE destroyed_by = ?")
                .param(operationId).query(ProvisionedInstances::map).optional();
    }

    /** Records the instance a restore reads from, once. */
    void recordRestoredFrom(UUID operationId, UUID sourceOperationId) {
        jdbc.sql("UPDATE instances SET restored_from = ? WHERE operation_id = ? AND restored_from IS NULL")
                .params(sourceOperationId, operationId).update();
    }

    /** The instance a restore reads from, if one was recorded. */
    Optional<UUID> restoredFrom(UUID operationId) {
        return jdbc.sql("SELECT restored_from FROM instances WHERE operation_id = ? AND restored_from IS NOT NULL")
                .param(operationId).query(UUID.class).optional();
    }

    /** Available local instances: their servers should run. */
    List<ProvisionedInstance> thatShouldRun() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM instances WHERE status = 'AVAILABLE' AND driver = 'LOCAL'")
                .query(ProvisionedInstances::map).list();
    }

    /**
     * Locks an available instance's row until the transaction ends, so a destroy cannot claim it meanwhile; false
     * when it is not available any more.
     */
    boolean lockAvailable(UUID operationId) {
        return jdbc.sql("SELECT 1 FROM instances WHERE operation_id = ? AND status = 'AVAILABLE' FOR UPDATE")
                .param(operationId).query(Integer.class).optional().isPresent();
    }

    /**
     * Locks a local instance's row that a start or stop may act on (AVAILABLE or STOPPED) until the transaction
     * ends; false when it is neither any more.
     */
    boolean lockSwitchable(UUID operationId) {
        return jdbc.sql("SELECT 1 FROM instances WHERE operation_id = ? AND driver = 'LOCAL' "
                        + "AND status IN ('AVAILABLE', 'STOPPED') FOR UPDATE")
                .param(operationId).query(Integer.class).optional().isPresent();
    }

    /**
     * Gives an instance whose server is not running another port (its old one is taken by another program); the
     * unique index on live local ports turns a race with another provisioning into a DuplicateKeyException.
     */
    void movePort(UUID operationId, int port) {
        jdbc.sql("UPDATE instances SET port = ?, updated_at = ? "
                        + "WHERE operation_id = ? AND status IN ('PROVISIONING', 'AVAILABLE', 'STOPPED')")
                .params(port, OffsetDateTime.now(clock), operationId).update();
    }

    /** The server was stopped on purpose: nothing starts or checks it until a start. */
    void markStopped(UUID operationId) {
        jdbc.sql("UPDATE instances SET status = 'STOPPED', updated_at = ? "
                        + "WHERE operation_id = ? AND status IN ('AVAILABLE', 'STOPPED')")
                .params(OffsetDateTime.now(clock), operationId).update();
    }

    /** The server was started on purpose and accepts connections. */
    void markStarted(UUID operationId) {
        jdbc.sql("UPDATE instances SET status = 'AVAILABLE', health = 'AVAILABLE', updated_at = ? "
                        + "WHERE operation_id = ? AND status IN ('AVAILABLE', 'STOPPED')")
                .params(OffsetDateTime.now(clock), operationId).update();
    }

    boolean isLive(InstanceRef instance) {
        return live(instance).isPresent();
    }

    Set<Integer> localPortsInUse() {
        return new HashSet<>(jdbc.sql("SELECT port FROM instances WHERE status <> 'DESTROYED' AND driver = 'LOCAL'")
                .query(Integer.class).list());
    }

    /** Every port and data directory a local instance that is not destroyed holds, read at once. */
    @Override
    public List<Placement> live() {
        return jdbc.sql("SELECT port, data_directory FROM instances WHERE status <> 'DESTROYED' AND driver = 'LOCAL'")
                .query((row, n) -> new Placement(row.getInt(1),
                        row.getString(2) == null ? null : Path.of(row.getString(2))))
                .list();
    }

    void insert(ProvisionedInstance instance) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        jdbc.sql("INSERT INTO instances (" + COLUMNS + ", created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(instance.operationId(), instance.instance().tenant(), instance.instance().name(),
                        instance.driver().name(), instance.status().name(), instance.adminUsername(), instance.port(),
                        instance.dataDirectory() == null ? null : instance.dataDirectory().toString(),
                        instance.controlPasswordCiphertext(), instance.hostName(), instance.failureReason(),
                        instance.failureMessage(), instance.destroyedBy(),
                        instance.health() == null ? null : instance.health().name(), now, now)
                .update();
    }

    /** A provisioned server runs and accepts connections. */
    void markAvailable(UUID operationId, String hostName) {
        jdbc.sql("UPDATE instances SET status = 'AVAILABLE', host_name = ?, health = 'AVAILABLE', updated_at = ? "
                        + "WHERE operation_id = ? AND status = 'PROVISIONING'")
                .params(hostName, OffsetDateTime.now(clock), operationId).update();
    }

    void markFailed(UUID operationId, String reason, String message) {
        jdbc.sql("UPDATE instances SET status = 'FAILED', failure_reason = ?, failure_message = ?, updated_at = ? "
                        + "WHERE operation_id = ? AND status = 'PROVISIONING'")
                .params(reason, message, OffsetDateTime.now(clock), operationId).update();
    }

    /** Claims a live instance for a destroy operation, before its server stops. */
    void markDestroying(UUID operationId, UUID destroyOperationId) {
        jdbc.sql("UPDATE instances SET status = 'DESTROYING', destroyed_by = ?, updated_at = ? "
                        + "WHERE operation_id = ? AND status IN ('PROVISIONING', 'AVAILABLE', 'STOPPED', 'FAILED')")
                .params(destroyOperationId, OffsetDateTime.now(clock), operationId).update();
    }

    /** Its server and data are gone: the name and port are free. */
    void markDestroyed(UUID operationId) {
        jdbc.sql("UPDATE instances SET status = 'DESTROYED', updated_at = ? "
                        + "WHERE operation_id = ? AND status = 'DESTROYING'")
                .params(OffsetDateTime.now(clock), operationId).update();
    }

    /** Destroying failed part way: the instance stays, FAILED (whatever is left of it can be destroyed again). */
    void markDestroyFailed(UUID operationId, String reason, String message) {
        jdbc.sql("UPDATE instances SET status = 'FAILED', destroyed_by = NULL, failure_reason = ?, "
                        + "failure_message = ?, updated_at = ? WHERE operation_id = ? AND status = 'DESTROYING'")
                .params(reason, message, OffsetDateTime.now(clock), operationId).update();
    }

    /** Forgets a linked server: the row ends at once, as nothing of the server is the control plane's to remove. */
    void markUnlinked(UUID operationId, UUID unlinkOperationId) {
        jdbc.sql("UPDATE instances SET status = 'DESTROYED', destroyed_by = ?, updated_at = ? "
                        + "WHERE operation_id = ? AND driver = 'LINKED' AND status <> 'DESTROYED'")
                .params(unlinkOperationId, OffsetDateTime.now(clock), operationId).update();
    }

    /**
     * Records a health observation of an available instance; answers whether it changed the health last reported.
     * An instance that stopped being AVAILABLE meanwhile (a destroy began) keeps what it had.
     */
    boolean recordHealth(UUID operationId, InstanceHealth health) {
        return jdbc.sql("UPDATE instances SET health = ?, updated_at = ? "
                        + "WHERE operation_id = ? AND status = 'AVAILABLE' AND health IS DISTINCT FROM ?")
                .params(health.name(), OffsetDateTime.now(clock), operationId, health.name()).update() == 1;
    }

    private static ProvisionedInstance map(ResultSet row, int number) throws SQLException {
        String dataDirectory = row.getString("data_directory");
        String health = row.getString("health");
        return new ProvisionedInstance(
                row.getObject("operation_id", UUID.class),
                new InstanceRef(row.getString("tenant"), row.getString("name")),
                DriverKind.valueOf(row.getString("driver")),
                ProvisionedInstance.Status.valueOf(row.getString("status")),
                row.getString("admin_username"),
                row.getInt("port"),
                dataDirectory == null ? null : Path.of(dataDirectory),
                row.getBytes("control_password_ciphertext"),
                row.getString("host_name"),
                row.getString("failure_reason"),
                row.getString("failure_message"),
                row.getObject("destroyed_by", UUID.class),
                health == null ? null : InstanceHealth.valueOf(health));
    }
}
