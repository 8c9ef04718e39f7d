package dev.dbcloud.provisioner.driver;

/** A restore cannot reach what was asked of it with the backups there are; nothing of the new server is left. */
public class RestoreRefusedException extends DriverException {

    public enum Reason {
        /** The source has no base backup (yet), or its driver keeps none. */
        NO_BACKUPS,
        /** The moment lies before the oldest base backup, or after the archived WAL. */
        OUTSIDE_WINDOW,
        /** The archived WAL holds no restore point of that name. */
        RESTORE_POINT_NOT_FOUND
    }

    private final Reason reason;

    public RestoreRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
