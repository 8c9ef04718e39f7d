package dev.dbcloud.status.projection;

import static dev.dbcloud.status.projection.EventTimeline.timestamp;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.events.InstanceDriverKind;
import java.sql.Types;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The moves an {@code instances} row can make, each one conditional statement that only goes forward:
 * {@code PROVISIONING -> AVAILABLE <-> UNAVAILABLE}, {@code AVAILABLE|UNAVAILABLE <-> STOPPED} (on request),
 * {@code PROVISIONING -> FAILED}, and from any state but
 * DESTROYED to {@code DESTROYING}, to {@code DESTROYED}, or (a failed destroy) to {@code FAILED}. Linking a server
 * the user runs moves its row as provisioning does, unlinking it as destroying does. The one move back: an instance
 * FAILED only because its provisioning timed out (see {@link OperationTimeouts}) becomes AVAILABLE when the late
 * outcome says it runs. {@code updated_at} is the latest occurredAt applied to the row.
 *
 * <p>A row is one incarnation of an instance, keyed by the operation that provisioned (or linked, or restored) it.
 * Provisioning, linking and restoring events find their row by that key, and create it when they come first; every
 * other event acts on the tenant's current instance of that name (the one not DESTROYED). A restore moves its new
 * instance's row as a provisioning does.
 */
@Component
class InstanceTable {

    private final JdbcClient jdbc;

    InstanceTable(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A provisioning was requested. When an outcome of it came first, the row exists already and keeps its state;
     * the command only fills in the admin user and the earlier creation time.
     *
     * <p>When the name is taken, no row is inserted: either the provisioning is refused (its failure will say so),
     * or the previous incarnation's InstanceDestroyed, which travels on another topic, is not projected yet; then
     * the provisioning's own outcome, emitted after that InstanceDestroyed and on the same partition, inserts it.
     */
    void provisioning(EventMetadata command, String adminUsername) {
        requested(command, adminUsername, null, null, InstanceDriverKind.LOCAL);
    }

    /** Linking was requested: like a provisioning, but the user named the server and its control role already. */
    void linking(EventMetadata command, String adminRole, String hostName, int port) {
        requested(command, adminRole, hostName, port, InstanceDriverKind.LINKED);
    }

    /**
     * A restore into a new instance was requested: the new instance appears as a provisioning does, showing the
     * instance it is restored from and the requested moment (null for the latest). Its admin user is the source's, as
     * the source's roles come back with its data; the outcome confirms it.
     */
    void restoring(EventMetadata command, String sourceInstanceName, Instant pointInTime) {
        String sourceAdmin = jdbc.sql("""
                        SELECT admin_username FROM instances
                         WHERE tenant = :tenant AND name = :name AND status <> 'DESTROYED'
                        """)
                .param("tenant", command.instance().tenant())
                .param("name", sourceInstanceName)
                .query(String.class)
                .optional()
                .orElse(null);
        requested(command, sourceAdmin, null, null, InstanceDriverKind.LOCAL);
        restoredFrom(command, sourceInstanceName, pointInTime, false);
    }

    /**
     * Records where the incarnation that {@code event}'s operation created was restored from, if that row exists.
     *
     * @param pointInTime the moment its state is from; null when not known (the latest state was requested, or a
     *     failure says nothing of it)
     * @param reached whether {@code pointInTime} is the moment the restore reached, which replaces the requested one;
     *     otherwise it only fills in a moment not known yet
     */
    void restoredFrom(EventMetadata event, String sourceInstanceName, Instant pointInTime, boolean reached) {
        jdbc.sql("""
                        UPDATE instances
                           SET restored_from = :source,
                               restored_to = CASE WHEN :reached THEN :pointInTime
                                                  ELSE COALESCE(restored_to, :pointInTime) END
                         WHERE id = :id
                        """)
                .param("source", sourceInstanceName)
                .param("reached", reached)
                .param("pointInTime", pointInTime == null ? null : timestamp(pointInTime), Types.TIMESTAMP_WITH_TIMEZONE)
                .param("id", event.operationId())
                .update();
    }

    private void requested(EventMetadata command, String adminUsername, String hostName, Integer port,
            InstanceDriverKind driver) {
        boolean inserted = insert(command, "PROVISIONING", adminUsername, hostName, port, driver, null);
        if (!inserted) {
            jdbc.sql("""
                            UPDATE instances
                               SET admin_username = COALESCE(admin_username, :adminUsername),
                                   host_name = COALESCE(host_name, :hostName),
                                   port = COALESCE(port, :port),
                                   created_at = LEAST(created_at, :at)
                             WHERE id = :id
                            """)
                    .param("adminUsername", adminUsername, Types.VARCHAR)
                    .param("hostName", hostName, Types.VARCHAR)
                    .param("port", port, Types.INTEGER)
                    .param("at", timestamp(command.occurredAt()))
                    .param("id", command.operationId())
                    .update();
        }
    }

    /**
     * The instance runs (provisioned, or linked). Only a PROVISIONING instance becomes AVAILABLE: one already
     * destroying or destroyed stays so, one whose health was observed since keeps that health, and a failed
     * provisioning stays failed (its operation's first outcome is final). An instance FAILED because its provisioning
     * timed out becomes AVAILABLE too: nothing else fails an instance before its provisioning's first outcome, which
     * the provisioner emits before any outcome of a later command on that instance.
     *
     * @param firstOutcome whether this outcome ended the provisioning operation (see {@link OperationTable})
     */
    void provisioned(EventMetadata outcome, String hostName, int port, String adminUsername, InstanceDriverKind driver,
            boolean firstOutcome) {
        boolean inserted = insert(outcome, "AVAILABLE", adminUsername, hostName, port, driver, outcome.occurredAt());
        if (!inserted) {
            jdbc.sql("""
                            UPDATE instances
                               SET status = 'AVAILABLE', host_name = :hostName, port = :port,
                                   admin_username = :adminUsername, driver = :driver,
                                   health_changed_at = :at, updated_at = GREATEST(updated_at, :at)
                             WHERE id = :id AND (status = 'PROVISIONING' OR (status = 'FAILED' AND :firstOutcome))
                            """)
                    .param("hostName", hostName)
                    .param("port", port)
                    .param("adminUsername", adminUsername)
                    .param("driver", driver.name())
                    .param("at", timestamp(outcome.occurredAt()))
                    .param("id", outcome.operationId())
                    .param("firstOutcome", firstOutcome)
                    .update();
        }
    }

    /** Provisioning (or linking) failed: a PROVISIONING instance becomes FAILED. */
    void provisionFailed(EventMetadata outcome, InstanceDriverKind driver) {
        boolean inserted = insert(outcome, "FAILED", null, null, null, driver, null);
        if (!inserted) {
            jdbc.sql("""
                            UPDATE instances SET status = 'FAILED', updated_at = GREATEST(updated_at, :at)
                             WHERE id = :id AND status = 'PROVISIONING'
                            """)
                    .param("at", timestamp(outcome.occurredAt()))
                    .param("id", outcome.operationId())
                    .update();
        }
    }

    /** Destroying was requested (and its outcome not projected yet): the current instance becomes DESTROYING. */
    void destroying(EventMetadata command) {
        moveCurrent(command, "DESTROYING", "status <> 'DESTROYING'");
    }

    /**
     * Unlinking was requested (and its outcome not projected yet): the current instance becomes DESTROYING if it is
     * linked. The provisioner ignores an unlink of a local instance and reports nothing, so such an instance stays.
     */
    void unlinking(EventMetadata command) {
        moveCurrent(command, "DESTROYING", "status <> 'DESTROYING' AND driver = 'LINKED'");
    }

    /** Whatever state it was in, the current instance is gone, and its name is free again. */
    void destroyed(EventMetadata outcome) {
        moveCurrent(outcome, "DESTROYED", "status <> 'DESTROYED'");
    }

    /** Destroying failed: the instance may be half torn down, so it is FAILED, whatever it was before. */
    void destroyFailed(EventMetadata outcome) {
        moveCurrent(outcome, "FAILED", "status <> 'FAILED'");
    }

    /** The server was stopped on request: a running instance becomes STOPPED; health reports leave it so. */
    void stopped(EventMetadata outcome) {
        moveCurrent(outcome, "STOPPED", "status IN ('AVAILABLE', 'UNAVAILABLE')");
    }

    /**
     * The server was started on request, perhaps on a new port: a running or stopped instance becomes AVAILABLE
     * there, and health reports older than the start no longer apply.
     */
    void started(EventMetadata outcome, String hostName, int port) {
        jdbc.sql("""
                        UPDATE instances
                           SET status = 'AVAILABLE', status_reason = NULL, host_name = :hostName, port = :port,
                               health_changed_at = :at, updated_at = GREATEST(updated_at, :at)
                         WHERE tenant = :tenant AND name = :name AND status IN ('AVAILABLE', 'UNAVAILABLE', 'STOPPED')
                        """)
                .param("hostName", hostName)
                .param("port", port)
                .param("at", timestamp(outcome.occurredAt()))
                .param("tenant", outcome.instance().tenant())
                .param("name", outcome.instance().name())
                .update();
    }

    /**
     * A health observation moves an AVAILABLE or UNAVAILABLE instance between the two, unless a later observation
     * (or the provisioning outcome) was applied already.
     */
    void healthChanged(EventMetadata fact, String health, String reason) {
        jdbc.sql("""
                        UPDATE instances
                           SET status = :health, status_reason = :reason, health_changed_at = :at,
                               updated_at = GREATEST(updated_at, :at)
                         WHERE tenant = :tenant AND name = :name AND status IN ('AVAILABLE', 'UNAVAILABLE')
                           AND (health_changed_at IS NULL OR health_changed_at < :at)
                        """)
                .param("health", health)
                .param("reason", reason)
                .param("at", timestamp(fact.occurredAt()))
                .param("tenant", fact.instance().tenant())
                .param("name", fact.instance().name())
                .update();
    }

    /** Moves the tenant's current instance of the event's name (the one not DESTROYED) where {@code condition} holds. */
    private void moveCurrent(EventMetadata event, String status, String condition) {
        jdbc.sql("""
                        UPDATE instances SET status = :status, updated_at = GREATEST(updated_at, :at)
                         WHERE tenant = :tenant AND name = :name AND status <> 'DESTROYED' AND %s
                        """.formatted(condition))
                .param("status", status)
                .param("at", timestamp(event.occurredAt()))
                .param("tenant", event.instance().tenant())
                .param("name", event.instance().name())
                .update();
    }

    /**
     * Inserts the incarnation that {@code event}'s operation provisions, unless it (or the name) exists already. It
     * dates from its provisioning operation's request, also when the request, projected first, found the name taken.
     */
    private boolean insert(EventMetadata event, String status, String adminUsername, String hostName, Integer port,
            InstanceDriverKind driver, Instant healthChangedAt) {
        return jdbc.sql("""
                        INSERT INTO instances (id, tenant, name, status, host_name, port, admin_username, driver,
                                               health_changed_at, created_at, updated_at)
                        VALUES (:id, :tenant, :name, :status, :hostName, :port, :adminUsername, :driver,
                                :healthChangedAt, LEAST(:at, (SELECT created_at FROM operations WHERE id = :id)), :at)
                        ON CONFLICT DO NOTHING
                        """)
                .param("id", event.operationId())
                .param("tenant", event.instance().tenant())
                .param("name", event.instance().name())
                .param("status", status)
                .param("hostName", hostName, Types.VARCHAR)
                .param("port", port, Types.INTEGER)
                .param("adminUsername", adminUsername, Types.VARCHAR)
                .param("driver", driver.name())
                .param("healthChangedAt", healthChangedAt == null ? null : timestamp(healthChangedAt),
                        Types.TIMESTAMP_WITH_TIMEZONE)
                .param("at", timestamp(event.occurredAt()))
                .update() == 1;
    }
}
