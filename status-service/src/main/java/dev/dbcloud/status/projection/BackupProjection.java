package dev.dbcloud.status.projection;

import dev.dbcloud.events.BackupsChanged;
import org.springframework.stereotype.Component;

/**
 * Projects each local instance's backups: the base backups kept and the earliest moment a restore can reach. A fact
 * about an instance, not an operation's outcome: no operation changes.
 */
@Component
class BackupProjection {

    private final EventTimeline timeline;
    private final BackupTable backups;

    BackupProjection(EventTimeline timeline, BackupTable backups) {
        this.timeline = timeline;
        this.backups = backups;
    }

    void backupsChanged(BackupsChanged fact) {
        timeline.applyOnce(fact, event ->
                backups.changed(event, fact.getBackups(), fact.getEarliestRestorableTime()));
    }
}
