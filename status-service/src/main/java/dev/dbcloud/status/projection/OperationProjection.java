package dev.dbcloud.status.projection;

import dev.dbcloud.events.PasswordReset;
import dev.dbcloud.events.PasswordResetFailed;
import dev.dbcloud.events.PasswordResetRequested;
import org.springframework.stereotype.Component;

/** Projects the operations that leave both the instance's own state and its databases alone: password resets. */
@Component
class OperationProjection {

    private final EventTimeline timeline;
    private final OperationTable operations;

    OperationProjection(EventTimeline timeline, OperationTable operations) {
        this.timeline = timeline;
        this.operations = operations;
    }

    void passwordResetRequested(PasswordResetRequested command) {
        timeline.applyOnce(command, event -> operations.requested(event, OperationType.PASSWORD_RESET));
    }

    void passwordReset(PasswordReset outcome) {
        timeline.applyOnce(outcome, event -> operations.succeeded(event, OperationType.PASSWORD_RESET));
    }

    void passwordResetFailed(PasswordResetFailed outcome) {
        timeline.applyOnce(outcome, event ->
                operations.failed(event, OperationType.PASSWORD_RESET, outcome.getReason(), outcome.getMessage()));
    }
}
