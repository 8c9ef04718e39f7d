package dev.dbcloud.status.query;

import java.time.Instant;
import java.util.List;

/**
 * An instance's backups and the window a restore of it can reach.
 *
 * @param earliestRestorableTime the earliest moment a restore can reach: the end of the oldest base backup kept;
 *     null while there is none (a linked instance never has one)
 * @param latestRestorableTime the latest moment a restore can reach: now, as the archive holds every change up to
 *     the last one; null when there is no earliest one
 * @param backups the base backups kept, oldest first
 */
record Backups(String instanceName, Instant earliestRestorableTime, Instant latestRestorableTime,
        List<BaseBackup> backups) {

    /**
     * A copy of the instance's data directory that a restore starts from.
     *
     * @param finishedAt when it ended: the earliest moment it can restore
     * @param sizeBytes its size on disk
     */
    record BaseBackup(Instant startedAt, Instant finishedAt, long sizeBytes) {
    }
}
