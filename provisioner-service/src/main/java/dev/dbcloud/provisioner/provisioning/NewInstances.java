package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.common.secrets.ControlPasswordCipher;
import dev.dbcloud.provisioner.driver.DriverException;
import dev.dbcloud.provisioner.driver.DriverKind;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceDrivers;
import dev.dbcloud.provisioner.driver.InstanceSpec;
import dev.dbcloud.provisioner.driver.Placement;
import dev.dbcloud.provisioner.driver.PortTakenException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Claims the row of a new local instance (provisioned or restored), named by the operation that makes it: its name
 * among the live ones, a port no other holds, a data directory, and a fresh control password, encrypted; and moves
 * it to another port when another program takes its own before its server starts.
 */
@Component
class NewInstances {

    /** Why a new instance gets no row; the symbols are those of ProvisionFailureReason and RestoreFailureReason. */
    enum Refusal {
        NAME_IN_USE("an instance with this name exists"),
        PORTS_EXHAUSTED("no free port is left in the configured range");

        final String message;

        Refusal(String message) {
            this.message = message;
        }
    }

    /** The row claimed, or why there is none. */
    record Claim(ProvisionedInstance instance, Refusal refusal) {
    }

    private static final Logger log = LoggerFactory.getLogger(NewInstances.class);

    private final ProvisionedInstances instances;
    private final InstanceDriver driver;
    private final ControlPasswordCipher cipher;
    private final TransactionTemplate transactions;

    NewInstances(ProvisionedInstances instances, InstanceDrivers drivers, ControlPasswordCipher cipher,
            TransactionTemplate transactions) {
        this.instances = instances;
        this.driver = drivers.of(DriverKind.LOCAL);
        this.cipher = cipher;
        this.transactions = transactions;
    }

    /**
     * The operation's row, made now if there is none; concurrent claims of a port or name are retried.
     *
     * @param prepared whether the instance may take a server the driver made ahead of demand (a provisioning), or
     *        needs an empty place of its own (a restore)
     */
    Claim claim(UUID operationId, InstanceRef ref, String adminUsername, boolean prepared) {
        byte[] ciphertext = cipher.encrypt(ref, ControlPasswordCipher.randomPassword());
        for (int attempt = 0; attempt < Provisioning.PORT_ATTEMPTS; attempt++) {
            Optional<ProvisionedInstance> existing = instances.byOperation(operationId);
            if (existing.isPresent()) {
                return new Claim(existing.get(), null);
            }
            if (instances.isLive(ref)) {
                return new Claim(null, Refusal.NAME_IN_USE);
            }
            Set<Integer> inUse = instances.localPortsInUse();
            Optional<Placement> placement = prepared ? driver.placeNew(operationId, inUse)
                    : driver.place(operationId, inUse);
            if (placement.isEmpty()) {
                return new Claim(null, Refusal.PORTS_EXHAUSTED);
            }
            ProvisionedInstance instance = ProvisionedInstance.provisioning(operationId, ref, adminUsername,
                    placement.get().port(), placement.get().dataDirectory(), ciphertext);
            try {
                instances.insert(instance);
                return new Claim(instance, null);
            } catch (DuplicateKeyException raced) {
                // A concurrent claim took the port or the name; look again.
            }
        }
        throw new IllegalStateException("could not claim a port for " + ref);
    }

    /**
     * Makes the new instance's server on its port, or, when another program took it after it was picked (two stacks
     * on one host, say), on the next free one: the row moves with it, so the port is never handed out twice. The
     * driver's work resumes on the new port with what it made on the old one.
     */
    <T> T onAFreePort(ProvisionedInstance instance, InstanceSpec spec, Function<InstanceSpec, T> work) {
        Set<Integer> taken = new HashSet<>();
        for (int attempt = 1; ; attempt++) {
            try {
                return work.apply(spec);
            } catch (PortTakenException e) {
                taken.add(spec.port());
                if (attempt == Provisioning.PORT_ATTEMPTS) {
                    throw e;
                }
                spec = spec.onPort(movePort(instance, taken));
                log.info("Port {} was taken meanwhile; making {} on port {}", e.port(), instance.instance(), spec.port());
            }
        }
    }

    /** Records a free port for the instance, none of {@code taken}; retries when a concurrent claim takes it first. */
    private int movePort(ProvisionedInstance instance, Set<Integer> taken) {
        for (int attempt = 1; ; attempt++) {
            Set<Integer> inUse = instances.localPortsInUse();
            inUse.addAll(taken);
            int port = driver.place(instance.operationId(), inUse).map(Placement::port)
                    .orElseThrow(() -> new DriverException("no free port is left in the configured range"));
            try {
                transactions.executeWithoutResult(tx -> instances.movePort(instance.operationId(), port));
                return port;
            } catch (DuplicateKeyException raced) {
                if (attempt == Provisioning.PORT_ATTEMPTS) {
                    throw new DriverException("could not claim a free port");
                }
            }
        }
    }
}
