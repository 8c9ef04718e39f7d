package dev.dbcloud.provisioner.driver;

import java.util.List;

/**
 * The placements the provisioner has recorded for its local instances that are not destroyed: a driver that makes
 * servers ahead of demand learns from them which of its servers are claimed and which ports it must leave alone.
 */
@FunctionalInterface
public interface RecordedPlacements {

    List<Placement> live();
}
