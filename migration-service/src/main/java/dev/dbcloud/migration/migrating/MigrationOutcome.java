package dev.dbcloud.migration.migrating;

import dev.dbcloud.events.AppliedMigration;
import dev.dbcloud.events.MigrationFailureReason;
import java.util.List;
import java.util.function.Function;

/** How one request's migrations ended: applied, or refused with a reason. */
sealed interface MigrationOutcome {

    /** One of the two, whichever this outcome is. */
    <T> T match(Function<Applied, T> ifApplied, Function<Refused, T> ifRefused);

    /** Every pending migration applied. */
    record Applied(List<String> appliedVersions, String currentVersion, List<AppliedMigration> history)
            implements MigrationOutcome {

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
            List<AppliedMigration> history) implements MigrationOutcome {

        Refused(MigrationFailureReason reason, String failedVersion, String sqlState, String message) {
            this(reason, failedVersion, sqlState, message, null);
        }

        Refused withHistory(List<AppliedMigration> applied) {
            return new Refused(reason, failedVersion, sqlState, message, applied);
        }

        @Override
        public <T> T match(Function<Applied, T> ifApplied, Function<Refused, T> ifRefused) {
            return ifRefused.apply(this);
        }
    }
}
