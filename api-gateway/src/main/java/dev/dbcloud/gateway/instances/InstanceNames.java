package dev.dbcloud.gateway.instances;

import dev.dbcloud.events.InstanceDriverKind;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The names the tenant's instances hold, as the gateway knows them the moment it accepts a command: it takes a
 * name when it accepts a provisioning or a link, and lets it go when the provisioner reports the instance
 * destroyed or unlinked.
 */
@Repository
public class InstanceNames {

    /** A name in use: by which kind of instance, and whether a destroy or unlink of it is under way. */
    public record Holder(InstanceDriverKind driver, UUID releaseOperationId) {

        public boolean linked() {
            return driver == InstanceDriverKind.LINKED;
        }

        public boolean releasing() {
            return releaseOperationId != null;
        }
    }

    private final JdbcClient jdbc;

    InstanceNames(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Takes the name for a new instance; answers false when an instance not destroyed holds it. */
    boolean take(String tenant, String name, InstanceDriverKind driver, UUID operationId, Instant at) {
        return jdbc.sql("""
                        INSERT INTO instance_names (tenant, name, driver, operation_id, created_at)
                        VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(tenant, name, driver.name(), operationId, OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .update() == 1;
    }

    /** The holder of the name, locked until the transaction ends so two commands about it are accepted in turn. */
    Optional<Holder> lock(String tenant, String name) {
        return jdbc.sql("SELECT driver, release_operation_id FROM instance_names WHERE tenant = ? AND name = ? FOR UPDATE")
                .params(tenant, name)
                .query((row, n) -> new Holder(InstanceDriverKind.valueOf(row.getString("driver")),
                        row.getObject("release_operation_id", UUID.class)))
                .optional();
    }

    void releasing(String tenant, String name, UUID operationId) {
        jdbc.sql("UPDATE instance_names SET release_operation_id = ? WHERE tenant = ? AND name = ?")
                .params(operationId, tenant, name)
                .update();
    }

    /** The destroy or unlink succeeded: the name is free again. Applying it twice changes nothing. */
    public void released(UUID operationId) {
        jdbc.sql("DELETE FROM instance_names WHERE release_operation_id = ?").param(operationId).update();
    }

    /** The destroy failed: the instance stays, and a new destroy may be asked for. */
    public void releaseFailed(UUID operationId) {
        jdbc.sql("UPDATE instance_names SET release_operation_id = NULL WHERE release_operation_id = ?")
                .param(operationId)
                .update();
    }
}
