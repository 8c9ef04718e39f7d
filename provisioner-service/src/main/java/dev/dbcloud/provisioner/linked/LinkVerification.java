package dev.dbcloud.provisioner.linked;

import dev.dbcloud.events.LinkFailureReason;

/**
 * Whether a server the user runs can be linked: {@link #passed()}, or the reason and a message (without
 * secrets) for the user.
 */
record LinkVerification(LinkFailureReason failure, String message) {

    static LinkVerification verified() {
        return new LinkVerification(null, null);
    }

    static LinkVerification refused(LinkFailureReason reason, String message) {
        return new LinkVerification(reason, message);
    }

    boolean passed() {
        return failure == null;
    }
}
