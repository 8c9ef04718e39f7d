package dev.dbcloud.gateway.instances;

import dev.dbcloud.common.rules.Rule;
import dev.dbcloud.common.rules.Violation;
import java.time.Instant;
import java.util.Optional;

/**
 * How far back a restore of an instance can reach: from the end of its oldest base backup kept ({@code earliest}) until
 * now ({@code latest}), both to the microsecond. A moment outside is refused with a message that names the window.
 */
record RestorableWindow(String instanceName, Instant earliest, Instant latest) {

    /** Why {@code moment}, which the request's {@code field} gave, cannot be restored; empty when it can. */
    Optional<Violation> refuse(String field, Instant moment) {
        if (moment.isAfter(latest)) {
            return Optional.of(new Violation(field, Rule.RANGE, "must not be in the future; instance " + instanceName
                    + " can be restored to a moment " + describe()));
        }
        if (moment.isBefore(earliest)) {
            return Optional.of(new Violation(field, Rule.RANGE, "must lie in the restorable window of instance "
                    + instanceName + ", " + describe()));
        }
        return Optional.empty();
    }

    /** Whether a restore can reach {@code moment}. */
    boolean contains(Instant moment) {
        return !moment.isBefore(earliest) && !moment.isAfter(latest);
    }

    /** "between 2026-12-01T04:00:12.345678Z and 2026-12-04T20:40:46.518Z" */
    String describe() {
        return "between " + earliest + " and " + latest;
    }
}
