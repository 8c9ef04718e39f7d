package dev.dbcloud.provisioner.driver;

import java.time.Instant;
import java.util.List;

/**
 * A restored server that runs as a new instance.
 *
 * @param restoredTo the moment whose state it holds
 * @param databases the application databases it holds
 */
public record Restored(Endpoint endpoint, Instant restoredTo, List<String> databases) {
}
