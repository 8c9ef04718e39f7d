package dev.dbcloud.gateway.operations;

import dev.dbcloud.gateway.status.OperationView;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The commands the gateway accepted: what it can tell of an operation before status-service has seen it. */
@Repository
public class AcceptedOperations {

    private final JdbcClient jdbc;

    AcceptedOperations(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void record(UUID id, String tenant, String instanceName, String type, Instant at) {
        jdbc.sql("INSERT INTO operations (id, tenant, instance_name, type, created_at) VALUES (?, ?, ?, ?, ?)")
                .params(id, tenant, instanceName, type, OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC))
                .update();
    }

    /** The operation as accepted: PENDING, since nothing else is known here. */
    public Optional<OperationView> pending(String tenant, UUID id) {
        return jdbc.sql("SELECT id, instance_name, type, created_at FROM operations WHERE id = ? AND tenant = ?")
                .params(id, tenant)
                .query((row, n) -> {
                    Instant created = row.getObject("created_at", OffsetDateTime.class).toInstant();
                    return new OperationView(row.getObject("id", UUID.class), row.getString("type"),
                            row.getString("instance_name"), "PENDING", null, created, created);
                })
                .optional();
    }
}
