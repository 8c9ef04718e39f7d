package dev.dbcloud.provisioner.driver;

import dev.dbcloud.events.LinkFailureReason;

/** A server the user runs cannot be linked: its control role does not log in, or may not create databases. */
public class LinkRefusedException extends DriverException {

    private final LinkFailureReason reason;

    public LinkRefusedException(LinkFailureReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public LinkFailureReason reason() {
        return reason;
    }
}
