package dev.dbcloud.status.projection;

import dev.dbcloud.events.DestroyFailed;
import dev.dbcloud.events.DestroyRequested;
import dev.dbcloud.events.InstanceDestroyed;
import dev.dbcloud.events.InstanceDriverKind;
import dev.dbcloud.events.InstanceHealth;
import dev.dbcloud.events.InstanceHealthChanged;
import dev.dbcloud.events.InstanceLinked;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.InstanceRestored;
import dev.dbcloud.events.InstanceUnlinked;
import dev.dbcloud.events.LinkFailed;
import dev.dbcloud.events.LinkRequested;
import dev.dbcloud.events.ProvisionFailed;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.events.RestoreFailed;
import dev.dbcloud.events.RestoreRequested;
import dev.dbcloud.events.InstanceStarted;
import dev.dbcloud.events.InstanceStopped;
import dev.dbcloud.events.StartFailed;
import dev.dbcloud.events.StartRequested;
import dev.dbcloud.events.StopFailed;
import dev.dbcloud.events.StopRequested;
import dev.dbcloud.events.UnlinkFailed;
import dev.dbcloud.events.UnlinkRequested;
import org.springframework.stereotype.Component;

/**
 * Projects an instance's lifecycle (provisioning, linking or restoring, stopping and starting, destroying or
 * unlinking, health) onto its row and its operations' rows.
 */
@Component
class InstanceProjection {

    private final EventTimeline timeline;
    private final InstanceTable instances;
    private final OperationTable operations;
    private final DatabaseTable databases;

    InstanceProjection(EventTimeline timeline, InstanceTable instances, OperationTable operations,
            DatabaseTable databases) {
        this.timeline = timeline;
        this.instances = instances;
        this.operations = operations;
        this.databases = databases;
    }

    void provisionRequested(ProvisionRequested command) {
        timeline.applyOnce(command, event -> {
            operations.requested(event, OperationType.PROVISION);
            instances.provisioning(event, command.getAdminUsername());
        });
    }

    void provisioned(InstanceProvisioned outcome) {
        timeline.applyOnce(outcome, event -> {
            boolean firstOutcome = operations.succeeded(event, OperationType.PROVISION);
            instances.provisioned(event, outcome.getHostName(), outcome.getPort(), outcome.getAdminUsername(),
                    driver(outcome.getDriver()), firstOutcome);
        });
    }

    void provisionFailed(ProvisionFailed outcome) {
        timeline.applyOnce(outcome, event -> {
            operations.failed(event, OperationType.PROVISION, outcome.getReason(), outcome.getMessage());
            instances.provisionFailed(event, InstanceDriverKind.LOCAL);
        });
    }

    /** A restore makes a new instance: it shows as PROVISIONING, like a provisioning, until its outcome. */
    void restoreRequested(RestoreRequested command) {
        timeline.applyOnce(command, event -> {
            operations.requested(event, OperationType.RESTORE);
            instances.restoring(event, command.getSourceInstanceName(), command.getPointInTime());
        });
    }

    /**
     * The restored instance runs: AVAILABLE like a provisioned one, showing the moment it was restored to and the
     * application databases its server holds. An outcome that does not end the operation (re-emitted, or
     * contradicting the first) changes nothing but what a late command would.
     */
    void restored(InstanceRestored outcome) {
        timeline.applyOnce(outcome, event -> {
            boolean firstOutcome = operations.succeeded(event, OperationType.RESTORE);
            instances.provisioned(event, outcome.getHostName(), outcome.getPort(), outcome.getAdminUsername(),
                    driver(outcome.getDriver()), firstOutcome);
            instances.restoredFrom(event, outcome.getSourceInstanceName(), outcome.getRestoredTo(), firstOutcome);
            if (firstOutcome) {
                databases.restored(event, outcome.getDatabases());
            }
        });
    }

    /** A failed restore leaves its new instance FAILED with no server, as a failed provisioning does. */
    void restoreFailed(RestoreFailed outcome) {
        timeline.applyOnce(outcome, event -> {
            operations.failed(event, OperationType.RESTORE, outcome.getReason(), outcome.getMessage());
            instances.provisionFailed(event, InstanceDriverKind.LOCAL);
            instances.restoredFrom(event, outcome.getSourceInstanceName(), null, false);
        });
    }

    void linkRequested(LinkRequested command) {
        timeline.applyOnce(command, event -> {
            operations.requested(event, OperationType.LINK);
            instances.linking(event, command.getAdminRole(), command.getHostName(), command.getPort());
        });
    }

    void linked(InstanceLinked outcome) {
        timeline.applyOnce(outcome, event -> {
            boolean firstOutcome = operations.succeeded(event, OperationType.LINK);
            instances.provisioned(event, outcome.getHostName(), outcome.getPort(), outcome.getAdminRole(), InstanceDriverKind.LINKED,
                    firstOutcome);
        });
    }

    void linkFailed(LinkFailed outcome) {
        timeline.applyOnce(outcome, event -> {
            operations.failed(event, OperationType.LINK, outcome.getReason(), outcome.getMessage());
            instances.provisionFailed(event, InstanceDriverKind.LINKED);
        });
    }

    void destroyRequested(DestroyRequested command) {
        timeline.applyOnce(command, event -> {
            // Once the outcome is projected, a late command must not move the instance back to DESTROYING.
            if (operations.requested(event, OperationType.DESTROY)) {
                instances.destroying(event);
            }
        });
    }

    void destroyed(InstanceDestroyed outcome) {
        timeline.applyOnce(outcome, event -> {
            operations.succeeded(event, OperationType.DESTROY);
            instances.destroyed(event);
        });
    }

    void destroyFailed(DestroyFailed outcome) {
        timeline.applyOnce(outcome, event -> {
            operations.failed(event, OperationType.DESTROY, outcome.getReason(), outcome.getMessage());
            instances.destroyFailed(event);
        });
    }

    /** Unlinking leaves the user's server alone; the control plane forgets it, as if it were destroyed. */
    void unlinkRequested(UnlinkRequested command) {
        timeline.applyOnce(command, event -> {
            if (operations.requested(event, OperationType.UNLINK)) {
                instances.unlinking(event);
            }
        });
    }

    void unlinked(InstanceUnlinked outcome) {
        timeline.applyOnce(outcome, event -> {
            operations.succeeded(event, OperationType.UNLINK);
            instances.destroyed(event);
        });
    }

    /**
     * An unlink the provisioner refused (of a local instance): the operation fails; the instance, which the command
     * moved only if it was linked, keeps its state.
     */
    void unlinkFailed(UnlinkFailed outcome) {
        timeline.applyOnce(outcome, event ->
                operations.failed(event, OperationType.UNLINK, outcome.getReason(), outcome.getMessage()));
    }

    void stopRequested(StopRequested command) {
        timeline.applyOnce(command, event -> operations.requested(event, OperationType.STOP));
    }

    void stopped(InstanceStopped outcome) {
        timeline.applyOnce(outcome, event -> {
            operations.succeeded(event, OperationType.STOP);
            instances.stopped(event);
        });
    }

    void stopFailed(StopFailed outcome) {
        timeline.applyOnce(outcome, event ->
                operations.failed(event, OperationType.STOP, outcome.getReason(), outcome.getMessage()));
    }

    void startRequested(StartRequested command) {
        timeline.applyOnce(command, event -> operations.requested(event, OperationType.START));
    }

    void started(InstanceStarted outcome) {
        timeline.applyOnce(outcome, event -> {
            operations.succeeded(event, OperationType.START);
            instances.started(event, outcome.getHostName(), outcome.getPort());
        });
    }

    void startFailed(StartFailed outcome) {
        timeline.applyOnce(outcome, event ->
                operations.failed(event, OperationType.START, outcome.getReason(), outcome.getMessage()));
    }

    /** UNKNOWN health says nothing new; the event still joins the timeline. */
    void healthChanged(InstanceHealthChanged fact) {
        timeline.applyOnce(fact, event -> {
            if (fact.getHealth() != InstanceHealth.UNKNOWN) {
                instances.healthChanged(event, fact.getHealth().name(),
                        fact.getHealth() == InstanceHealth.UNAVAILABLE ? fact.getDetail() : null);
            }
        });
    }

    /**
     * InstanceProvisioned and InstanceRestored report a local instance; a driver symbol this reader does not know
     * means LOCAL.
     */
    private static InstanceDriverKind driver(InstanceDriverKind kind) {
        return kind == InstanceDriverKind.LINKED ? InstanceDriverKind.LINKED : InstanceDriverKind.LOCAL;
    }
}
