package dev.dbcloud.gateway.operations;

import dev.dbcloud.common.OperationTimeout;
import dev.dbcloud.gateway.GatewayProperties;
import dev.dbcloud.gateway.status.OperationStatus;
import dev.dbcloud.gateway.status.OperationView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The commands the gateway accepted: what it can tell of an operation before status-service has seen it. */
@Repository
class AcceptedOperations {

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration timeout;
    private final Duration restoreTimeout;

    AcceptedOperations(JdbcClient jdbc, Clock clock, GatewayProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.timeout = properties.operationTimeout();
        this.restoreTimeout = properties.restoreTimeout();
    }

    void record(UUID id, String tenant, String instanceName, OperationType type, Instant at) {
        jdbc.sql("INSERT INTO operations (id, tenant, instance_name, type, created_at) VALUES (?, ?, ?, ?, ?)")
                .params(id, tenant, instanceName, type.name(), OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .update();
    }

    /**
     * The operation as accepted: PENDING, since nothing else is known here, until the operation timeout has
     * passed; then FAILED, as status-service reports an operation that got no outcome in time.
     */
    Optional<OperationView> find(String tenant, UUID id) {
        return jdbc.sql("SELECT id, instance_name, type, created_at FROM operations WHERE id = ? AND tenant = ?")
                .params(id, tenant)
                .query((row, n) -> {
                    Instant created = row.getObject("created_at", OffsetDateTime.class).toInstant();
                    UUID operationId = row.getObject("id", UUID.class);
                    String type = row.getString("type");
                    String instanceName = row.getString("instance_name");
                    Duration limit = OperationType.RESTORE.name().equals(type) ? restoreTimeout : timeout;
                    Instant expiry = created.plus(limit);
                    if (clock.instant().isAfter(expiry)) {
                        return new OperationView(operationId, type, instanceName, OperationStatus.FAILED, new OperationView.Failure(
                                OperationTimeout.CODE, OperationTimeout.message(limit)), created, expiry, null);
                    }
                    return new OperationView(operationId, type, instanceName, OperationStatus.PENDING, null, created,
                            created, null);
                })
                .optional();
    }
}
