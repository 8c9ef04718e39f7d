package dev.dbcloud.gateway.instances;

import dev.dbcloud.common.Topics;
import dev.dbcloud.common.rules.InstanceRules;
import dev.dbcloud.common.rules.Violation;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.gateway.operations.AcceptedOperations;
import dev.dbcloud.gateway.status.OperationView;
import dev.dbcloud.gateway.web.ValidationFailedException;
import dev.dbcloud.messaging.outbox.Outbox;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.postgresql.util.PasswordUtil;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Accepting a provisioning request: validate it with the seed's rules, turn the password into a
 * SCRAM-SHA-256 verifier (the password goes no further than this method), and commit the operation with its
 * {@code ProvisionRequested} outbox row.
 */
@Service
public class RequestingProvisioning {

    private final AcceptedOperations operations;
    private final Outbox outbox;
    private final Clock clock;

    RequestingProvisioning(AcceptedOperations operations, Outbox outbox, Clock clock) {
        this.operations = operations;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Transactional
    public OperationView request(String tenant, ProvisionInstanceRequest request) {
        List<Violation> violations = new ArrayList<>();
        violations.addAll(InstanceRules.instanceName("name", request.name()));
        violations.addAll(InstanceRules.username("username", request.username()));
        violations.addAll(InstanceRules.password("password", request.password()));
        if (!violations.isEmpty()) {
            throw new ValidationFailedException(violations);
        }
        UUID operationId = UUID.randomUUID();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        operations.record(operationId, tenant, request.name(), "PROVISION", now);
        outbox.append(Topics.INSTANCE_COMMANDS, ProvisionRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOperationId(operationId.toString())
                .setTenant(tenant)
                .setInstanceName(request.name())
                .setOccurredAt(now)
                .setAdminUsername(request.username())
                .setPasswordVerifier(PasswordUtil.encodeScramSha256(request.password().toCharArray()))
                .build());
        return new OperationView(operationId, "PROVISION", request.name(), "PENDING", null, now, now);
    }
}
