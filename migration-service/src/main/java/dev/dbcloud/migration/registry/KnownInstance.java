package dev.dbcloud.migration.registry;

import dev.dbcloud.common.InstanceRef;
import dev.dbcloud.events.InstanceDriverKind;
import java.time.Instant;
import java.util.UUID;

/**
 * One incarnation of an instance as the provisioner announced it, named by the operation that announced it (its
 * provisioning, its restore or its link).
 *
 * @param controlRole the role this service logs in as: {@code dbosadmin} (a superuser) on a local instance, the
 *     role the user named on a linked one
 * @param ownerRole the role that owns application databases and everything migrations create: the instance's
 *     admin user on a local instance; the control role itself on a linked one
 * @param driver LOCAL: a server the provisioner runs, where this service logs in as its superuser and acts as the
 *     owner; LINKED: a server the user runs, where it logs in as the user's control role, which owns what it creates
 * @param controlPasswordCiphertext the control role's password, encrypted for this instance; never decrypted here
 * @param announcedAt when the provisioner first reported the incarnation ready
 */
public record KnownInstance(UUID operationId, InstanceRef instance, InstanceDriverKind driver, String hostName,
        int port, String controlRole, String ownerRole, byte[] controlPasswordCiphertext, Instant announcedAt) {

    /**
     * Whether the provisioner archives the server's WAL (local instances do, linked ones do not), so that a
     * restore point made on it can be restored to.
     */
    public boolean keepsBackups() {
        return driver == InstanceDriverKind.LOCAL;
    }

    /** Whether logging in as the control role already acts as the owner. */
    public boolean controlRoleOwns() {
        return controlRole.equals(ownerRole);
    }
}
