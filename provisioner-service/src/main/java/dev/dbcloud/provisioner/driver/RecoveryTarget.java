package dev.dbcloud.provisioner.driver;

import java.time.Instant;

/**
 * Where the replay of a restore stops: at a moment, just before a named restore point, or at the end of the
 * archived WAL (the latest state).
 *
 * @param pointInTime the moment to restore; with {@code restorePoint}, when that point was made (to choose a base
 *        backup before it); null for the latest state
 * @param restorePoint the restore point to stop at; null to stop at {@code pointInTime}
 */
public record RecoveryTarget(Instant pointInTime, String restorePoint) {

    public static RecoveryTarget latest() {
        return new RecoveryTarget(null, null);
    }

    public boolean isLatest() {
        return pointInTime == null && restorePoint == null;
    }
}
