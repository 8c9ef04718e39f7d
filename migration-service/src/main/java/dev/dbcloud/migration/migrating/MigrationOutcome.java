package dev.dbcloud.migration.migrating;

import dev.dbcloud.events.AppliedMigration;
import dev.dbcloud.events.MigrationFailureReason;
import dev.dbcloud.events.RestorePoint;
import java.util.List;
import java.util.function.Function;

/**
 * How one request's migrations ended: applied, or refused with a reason. Either names the restore point made on the
 * server before the run, if one was.
 */
sealed interface MigrationOutcome {

    /** One of the two, whichever this outcome is. */
    <T> T match(Function<Applied, T> ifApplied, Function<Refused, T> ifRefused);

    /** The same outcome, after a run that began at {@code point} (null: none was made). */
    MigrationOutcome withRestorePoint(RestorePoint point);

    /** Every pending migration applied. */
    record Applied(List<String> appliedVersions, String currentVersion, List<AppliedMigration> history,
            RestorePoint restorePoint) implements MigrationOutcome {

        Applied(List<String> appliedVersions, String currentVersion, List<AppliedMigration> history) {
            this(appliedVersions, currentVersion, history, null);
        }

        @Override
        public Applied withRestorePoint(RestorePoint point) {
            return new Applied(appliedVersions, currentVersion, history, point);
        }

        @Override
        public <T> T match(Function<Applied, T> ifApplied, Function<Refused, T> ifRefused) {
            return ifApplied.apply(this);
        }
    }

    /**
     * A run that ended without applying everything.
     *
     * @param history the database's applied migrations afterwards (those applied before the failure stay applied);
     *     null when they could not be read
     */
    record Refused(MigrationFailureReason reason, String failedVersion, String sqlState, String message,
            List<AppliedMigration> history, RestorePoint restorePoint) implements MigrationOutcome {

        Refused(MigrationFailureReason reason, String failedVersion, String sqlState, String message) {
            this(reason, failedVersion, sqlState, message, null, null);
        }

        Refused withHistory(List<AppliedMigration> applied) {
            return new Refused(reason, failedVersion, sqlState, message, applied, restorePoint);
        }

        @Override
        public Refused withRestorePoint(RestorePoint point) {
            return new Refused(reason, failedVersion, sqlState, message, history, point);
        }

        @Override
        public <T> T match(Function<Applied, T> ifApplied, Function<Refused, T> ifRefused) {
            return ifRefused.apply(this);
        }
    }
}
