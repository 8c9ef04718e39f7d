package dev.dbcloud.provisioner.driver;

import java.time.Instant;

/**
 * One base backup of an instance: a copy of its data that, with the WAL archived since, restores any moment from
 * {@code finishedAt} on.
 *
 * @param startedAt when the copy began
 * @param finishedAt when it ended: the earliest moment it restores
 * @param sizeBytes its size on disk
 */
public record Backup(Instant startedAt, Instant finishedAt, long sizeBytes) {
}
