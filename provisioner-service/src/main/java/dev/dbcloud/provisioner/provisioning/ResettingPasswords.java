package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.PasswordReset;
import dev.dbcloud.events.PasswordResetFailed;
import dev.dbcloud.events.PasswordResetFailureReason;
import dev.dbcloud.events.PasswordResetRequested;
import dev.dbcloud.messaging.handled.HandledOperations;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.provisioning.ProvisionedInstance.Status;
import dev.dbcloud.sql.SqlStates;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecordBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Resetting the admin user's password of a local instance: the control role sets the SCRAM-SHA-256 verifier the
 * command carries (the password itself never reaches this service). Each reset applies once: redelivered, even
 * after a newer reset, it re-emits its outcome instead of setting its older verifier again.
 */
@Service
public class ResettingPasswords {

    private static final Logger log = LoggerFactory.getLogger(ResettingPasswords.class);
    private static final String SCRAM_VERIFIER_PREFIX = "SCRAM-SHA-256$";

    private final ProvisionedInstances instances;
    private final HandledOperations handled;
    private final ServerAccess access;
    private final Clock clock;

    ResettingPasswords(ProvisionedInstances instances, HandledOperations handled, ServerAccess access, Clock clock) {
        this.instances = instances;
        this.handled = handled;
        this.access = access;
        this.clock = clock;
    }

    public void reset(PasswordResetRequested command) {
        if (handled.reEmit(UUID.fromString(command.getOperationId()))) {
            return;
        }
        Optional<ProvisionedInstance> instance = instances
                .live(new InstanceRef(command.getTenant(), command.getInstanceName()))
                .filter(live -> live.status() == Status.AVAILABLE);
        SpecificRecordBase outcome;
        if (instance.isEmpty()) {
            outcome = failed(command, PasswordResetFailureReason.INSTANCE_NOT_AVAILABLE,
                    "no available instance has this name");
        } else if (instance.get().driver() == DriverKind.LINKED) {
            outcome = failed(command, PasswordResetFailureReason.WRONG_DRIVER,
                    "the passwords of a linked instance are managed on your own server");
        } else if (!command.getPasswordVerifier().startsWith(SCRAM_VERIFIER_PREFIX)) {
            outcome = failed(command, PasswordResetFailureReason.INVALID_REQUEST,
                    "the new password did not arrive as a SCRAM-SHA-256 verifier");
        } else {
            outcome = apply(instance.get(), command);
        }
        handled.emit(command, outcome);
    }

    private SpecificRecordBase apply(ProvisionedInstance instance, PasswordResetRequested command) {
        try {
            access.driver(instance).resetPassword(access.spec(instance, null), instance.adminUsername(),
                    command.getPasswordVerifier());
            log.info("Reset the password of {} on {}", instance.adminUsername(), instance.instance());
            return passwordReset(command);
        } catch (SQLException e) {
            log.warn("Resetting the password on {} failed with SQLSTATE {}", instance.instance(), e.getSQLState());
            return SqlStates.isUnreachable(e)
                    ? failed(command, PasswordResetFailureReason.INSTANCE_NOT_AVAILABLE,
                            "the server does not accept connections (SQLSTATE " + e.getSQLState() + ")")
                    : failed(command, PasswordResetFailureReason.DRIVER_ERROR,
                            "the password could not be set (SQLSTATE " + e.getSQLState() + ")");
        }
    }

    private PasswordReset passwordReset(PasswordResetRequested command) {
        return EventMetadata.stampAsOutcomeOf(command, new PasswordReset(), clock.instant());
    }

    private PasswordResetFailed failed(PasswordResetRequested command, PasswordResetFailureReason reason,
            String message) {
        PasswordResetFailed event = new PasswordResetFailed();
        event.setReason(reason);
        event.setMessage(message);
        return EventMetadata.stampAsOutcomeOf(command, event, clock.instant());
    }
}
