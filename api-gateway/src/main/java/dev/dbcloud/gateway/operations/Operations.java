package dev.dbcloud.gateway.operations;

import dev.dbcloud.gateway.status.OperationStatus;
import dev.dbcloud.gateway.status.OperationView;
import dev.dbcloud.gateway.status.StatusClient;
import dev.dbcloud.gateway.status.StatusUnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Operations as the API shows them: what status-service projected, or, before it has seen an operation, what the
 * gateway accepted.
 */
@Component
public class Operations {

    private final AcceptedOperations accepted;
    private final StatusClient status;
    private final Clock clock;

    Operations(AcceptedOperations accepted, StatusClient status, Clock clock) {
        this.accepted = accepted;
        this.status = status;
        this.clock = clock;
    }

    /** Records a command the caller's tenant asked for; call it in the transaction that appends the command. */
    public OperationView accept(String tenant, String instanceName, OperationType type) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        accepted.record(id, tenant, instanceName, type, now);
        return new OperationView(id, type.name(), instanceName, OperationStatus.PENDING, null, now, now, null);
    }

    /** The operation as it stands; status-service not answering is the caller's problem (503). */
    public Optional<OperationView> current(String tenant, UUID id) {
        return status.operation(tenant, id).or(() -> accepted.find(tenant, id));
    }

    /**
     * Those of the tenant's operations among {@code ids} (at most {@link StatusClient#MAX_LOOKUP}) that status-service
     * has projected, by id, in one request.
     */
    public Map<UUID, OperationView> projected(String tenant, Collection<UUID> ids) {
        return status.operations(tenant, ids).stream()
                .collect(Collectors.toMap(OperationView::id, Function.identity(), (first, again) -> first));
    }

    /** An operation a replayed request started: its current state, or as accepted when status-service is down. */
    public OperationView replay(String tenant, UUID id) {
        try {
            return current(tenant, id).orElseThrow();
        } catch (StatusUnavailableException e) {
            return accepted.find(tenant, id).orElseThrow();
        }
    }
}
