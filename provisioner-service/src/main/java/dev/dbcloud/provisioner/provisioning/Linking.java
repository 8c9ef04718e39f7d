package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.common.rules.InstanceRules;
import dev.dbcloud.common.secrets.ControlPasswordCipher;
import dev.dbcloud.events.InstanceLinked;
import dev.dbcloud.events.LinkFailed;
import dev.dbcloud.events.LinkFailureReason;
import dev.dbcloud.events.LinkRequested;
import dev.dbcloud.messaging.handled.HandledOperations;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceDrivers;
import dev.dbcloud.provisioner.driver.InstanceSpec;
import dev.dbcloud.provisioner.driver.LinkRefusedException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Linking a server the user runs: its control role must log in and be able to create databases. Verified, the
 * instance is AVAILABLE; refused, it is recorded FAILED with the reason, which holds the name until it is
 * unlinked. The control password arrives, and stays, encrypted for the instance; it is decrypted only to log in.
 */
@Service
public class Linking {

    private static final Logger log = LoggerFactory.getLogger(Linking.class);

    private final ProvisionedInstances instances;
    private final HandledOperations handled;
    private final InstanceDriver driver;
    private final ControlPasswordCipher cipher;
    private final TransactionTemplate transactions;
    private final Clock clock;

    Linking(ProvisionedInstances instances, HandledOperations handled, InstanceDrivers drivers,
            ControlPasswordCipher cipher, TransactionTemplate transactions, Clock clock) {
        this.instances = instances;
        this.handled = handled;
        this.driver = drivers.of(DriverKind.LINKED);
        this.cipher = cipher;
        this.transactions = transactions;
        this.clock = clock;
    }

    public void link(LinkRequested command) {
        UUID operationId = UUID.fromString(command.getOperationId());
        InstanceRef ref = new InstanceRef(command.getTenant(), command.getInstanceName());
        if (handled.reEmit(operationId)) {
            return;
        }
        if (instances.isLive(ref)) {
            handled.emit(command, nameInUse(command));
            return;
        }
        byte[] ciphertext = bytes(command.getPasswordCiphertext());
        LinkRefusedException refused = refusal(command, ref, ciphertext);
        ProvisionedInstance instance = ProvisionedInstance.linked(operationId, ref, command.getHostName(),
                command.getPort(), command.getAdminRole(), ciphertext,
                refused == null ? null : refused.reason().name(), refused == null ? null : refused.getMessage());
        try {
            transactions.executeWithoutResult(tx -> {
                instances.insert(instance);
                handled.emit(command, refused == null
                        ? linked(command, ciphertext)
                        : failed(command, refused.reason(), refused.getMessage()));
            });
        } catch (DuplicateKeyException raced) {
            handled.emit(command, nameInUse(command));
            return;
        }
        log.info("Linking {} at {}:{}: {}", ref, command.getHostName(), command.getPort(),
                refused == null ? "linked" : refused.getMessage());
    }

    /** Why the server cannot be linked; null when it can. */
    private LinkRefusedException refusal(LinkRequested command, InstanceRef ref, byte[] ciphertext) {
        if (!InstanceRules.hostName("hostName", command.getHostName()).isEmpty()
                || !InstanceRules.port("port", command.getPort()).isEmpty()
                || !InstanceRules.roleName("adminRole", command.getAdminRole()).isEmpty()) {
            return new LinkRefusedException(LinkFailureReason.INVALID_REQUEST, "the host name, port or role is not valid");
        }
        String password;
        try {
            password = cipher.decrypt(ref, ciphertext);
        } catch (IllegalStateException e) {
            return new LinkRefusedException(LinkFailureReason.INVALID_REQUEST,
                    "the password cannot be decrypted with this control plane's keys");
        }
        try {
            driver.provision(new InstanceSpec(ref, command.getAdminRole(), null, password, command.getHostName(),
                    command.getPort(), null));
            return null;
        } catch (LinkRefusedException refused) {
            return refused;
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private InstanceLinked linked(LinkRequested command, byte[] ciphertext) {
        InstanceLinked event = new InstanceLinked();
        event.setHostName(command.getHostName());
        event.setPort(command.getPort());
        event.setAdminRole(command.getAdminRole());
        event.setControlPasswordCiphertext(ByteBuffer.wrap(ciphertext));
        return EventMetadata.stampAsOutcomeOf(command, event, clock.instant());
    }

    private LinkFailed nameInUse(LinkRequested command) {
        return failed(command, LinkFailureReason.NAME_IN_USE, "an instance with this name exists");
    }

    private LinkFailed failed(LinkRequested command, LinkFailureReason reason, String message) {
        LinkFailed event = new LinkFailed();
        event.setReason(reason);
        event.setMessage(message);
        return EventMetadata.stampAsOutcomeOf(command, event, clock.instant());
    }
}
