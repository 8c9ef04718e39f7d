package dev.dbcloud.migration.registry;

import dev.dbcloud.events.InstanceProvisioned;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The instances migrations can run on, as the provisioner announced them. Idempotent: a redelivered or
 * re-emitted announcement changes nothing, and an older one never replaces a newer provisioning of the name.
 */
@Repository
public class KnownInstances {

    private final JdbcClient jdbc;

    KnownInstances(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void provisioned(InstanceProvisioned event) {
        jdbc.sql("""
                INSERT INTO known_instances (tenant, name, operation_id, host_name, port, admin_username,
                                             control_password_ciphertext, provisioned_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (tenant, name) DO UPDATE SET
                    operation_id = excluded.operation_id, host_name = excluded.host_name, port = excluded.port,
                    admin_username = excluded.admin_username,
                    control_password_ciphertext = excluded.control_password_ciphertext,
                    provisioned_at = excluded.provisioned_at
                WHERE known_instances.provisioned_at < excluded.provisioned_at""")
                .params(event.getTenant(), event.getInstanceName(), UUID.fromString(event.getOperationId()),
                        event.getHostName(), event.getPort(), event.getAdminUsername(),
                        toBytes(event.getControlPasswordCiphertext()),
                        OffsetDateTime.ofInstant(event.getOccurredAt(), ZoneOffset.UTC))
                .update();
    }

    private static byte[] toBytes(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
