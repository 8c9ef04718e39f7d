package dev.dbcloud.migration.registry;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.InstanceDriverKind;
import dev.dbcloud.events.InstanceLinked;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.InstanceRestored;
import dev.dbcloud.events.InstanceStarted;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The instances migrations can run on, as the provisioner announced them: one row per incarnation, named by the
 * operation that announced it. Idempotent and order-tolerant: a redelivered announcement changes nothing, and an
 * ending (destroyed, unlinked) ends exactly the incarnations announced before it happened, whichever of the two
 * arrives first, so a stale event can neither resurrect an ended incarnation nor end a newer one.
 */
@Repository
public class KnownInstances {

    /** The control plane's own role on every local instance (see DESIGN.md, "Instance drivers"). */
    static final String LOCAL_CONTROL_ROLE = "dbosadmin";

    private final JdbcClient jdbc;

    KnownInstances(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void provisioned(InstanceProvisioned event) {
        announceServer(EventMetadata.of(event), event.getDriver(), event.getHostName(), event.getPort(),
                event.getAdminUsername(), event.getControlPasswordCiphertext());
    }

    /**
     * A restore made a new instance: it is reached exactly as a provisioned one, its admin user (the source's)
     * owning what migrations create.
     */
    public void restored(InstanceRestored event) {
        announceServer(EventMetadata.of(event), event.getDriver(), event.getHostName(), event.getPort(),
                event.getAdminUsername(), event.getControlPasswordCiphertext());
    }

    public void linked(InstanceLinked event) {
        announce(EventMetadata.of(event), InstanceDriverKind.LINKED, event.getHostName(), event.getPort(),
                event.getAdminRole(), event.getAdminRole(), event.getControlPasswordCiphertext());
    }

    /**
     * A start may have moved the instance's server to another port: the incarnation live when it happened is
     * reached there from now on. Events about one instance arrive in order, so the latest start wins.
     */
    public void started(InstanceStarted event) {
        EventMetadata start = EventMetadata.of(event);
        live(start.instance()).filter(instance -> !instance.announcedAt().isAfter(start.occurredAt()))
                .ifPresent(instance -> jdbc.sql("UPDATE known_instances SET host_name = ?, port = ? WHERE operation_id = ?")
                        .params(event.getHostName(), event.getPort(), instance.operationId())
                        .update());
    }

    /** Records a destroy or an unlink; it ends every incarnation of the name announced before it happened. */
    public void ended(EventMetadata event) {
        jdbc.sql("""
                INSERT INTO instance_endings (operation_id, tenant, name, event_type, occurred_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (operation_id) DO NOTHING""")
                .params(event.operationId(), event.instance().tenant(), event.instance().name(), event.type(),
                        utc(event.occurredAt()))
                .update();
    }

    /** The incarnation migrations run on: the latest one announced that no ending has ended. */
    public Optional<KnownInstance> live(InstanceRef instance) {
        return jdbc.sql("""
                SELECT operation_id, tenant, name, driver, host_name, port, control_role, owner_role,
                       control_password_ciphertext, announced_at
                FROM known_instances k
                WHERE tenant = ? AND name = ?
                  AND NOT EXISTS (SELECT 1 FROM instance_endings e
                                  WHERE e.tenant = k.tenant AND e.name = k.name AND e.occurred_at >= k.announced_at)
                ORDER BY announced_at DESC
                LIMIT 1""")
                .params(instance.tenant(), instance.name())
                .query(KnownInstances::map)
                .optional();
    }

    /**
     * A server the provisioner made (provisioned or restored): on a local one this service logs in as
     * {@value #LOCAL_CONTROL_ROLE} and acts as the admin user; on a linked one the admin user is the control role.
     */
    private void announceServer(EventMetadata event, InstanceDriverKind kind, String hostName, int port,
            String adminUsername, ByteBuffer ciphertext) {
        boolean linked = kind == InstanceDriverKind.LINKED;
        announce(event, linked ? InstanceDriverKind.LINKED : InstanceDriverKind.LOCAL, hostName, port,
                linked ? adminUsername : LOCAL_CONTROL_ROLE, adminUsername, ciphertext);
    }

    /**
     * An incarnation is announced again when the provisioner re-emits its outcome; the first announcement dates it,
     * and the latest details (the same, unless the server moved) are kept.
     */
    private void announce(EventMetadata event, InstanceDriverKind driver, String hostName, int port,
            String controlRole, String ownerRole, ByteBuffer ciphertext) {
        jdbc.sql("""
                INSERT INTO known_instances (operation_id, tenant, name, driver, host_name, port, control_role,
                                             owner_role, control_password_ciphertext, announced_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (operation_id) DO UPDATE SET
                    host_name = excluded.host_name, port = excluded.port,
                    control_password_ciphertext = excluded.control_password_ciphertext,
                    announced_at = LEAST(known_instances.announced_at, excluded.announced_at)""")
                .params(event.operationId(), event.instance().tenant(), event.instance().name(), driver.name(),
                        hostName, port, controlRole, ownerRole, toBytes(ciphertext), utc(event.occurredAt()))
                .update();
    }

    private static KnownInstance map(ResultSet row, int number) throws SQLException {
        return new KnownInstance(
                row.getObject("operation_id", UUID.class),
                new InstanceRef(row.getString("tenant"), row.getString("name")),
                InstanceDriverKind.valueOf(row.getString("driver")),
                row.getString("host_name"),
                row.getInt("port"),
                row.getString("control_role"),
                row.getString("owner_role"),
                row.getBytes("control_password_ciphertext"),
                row.getObject("announced_at", OffsetDateTime.class).toInstant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
