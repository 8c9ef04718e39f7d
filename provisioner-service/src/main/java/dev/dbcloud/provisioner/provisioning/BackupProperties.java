package dev.dbcloud.provisioner.provisioning;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Base backups of the instances whose driver keeps backups.
 *
 * @param interval how old the newest base backup of an instance may grow before another is taken
 * @param retention how far back restores must reach: older base backups, and the WAL only they need, are
 *     deleted, but the newest backup older than this, from which a restore of that far back starts
 * @param checkInterval the pause between two rounds that look for backups due
 */
@ConfigurationProperties("dbcloud.provisioner.backups")
record BackupProperties(@DefaultValue("1d") Duration interval, @DefaultValue("7d") Duration retention,
        @DefaultValue("1m") Duration checkInterval) {
}
