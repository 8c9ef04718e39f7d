package dev.dbcloud.provisioner.provisioning;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.Topics;
import dev.dbcloud.events.BackupsChanged;
import dev.dbcloud.events.BaseBackup;
import dev.dbcloud.messaging.outbox.Outbox;
import dev.dbcloud.provisioner.driver.Backup;
import dev.dbcloud.provisioner.driver.InstanceDriver;
import dev.dbcloud.provisioner.driver.InstanceSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes the base backups of available instances whose driver keeps backups: the first {@link #FIRST_BACKUP_AFTER}
 * after an instance is provisioned or restored, then one each {@code interval}; and prunes what the retention window
 * no longer needs. Each change of an instance's backups is reported as {@link BackupsChanged}, carrying them all,
 * under the instance's provisioning operation; so is each instance's set once after this service starts (a crash may
 * have lost a report).
 *
 * <p>Its {@link InstanceRounds rounds} run on a thread of their own, so a long copy delays neither commands nor
 * health checks.
 */
@Component
class BaseBackups extends InstanceRounds {

    /**
     * A new instance's first base backup (a checkpoint, a copy and an fsync of every file) is not taken the moment it
     * is available, but a little later, in one round for all that came meanwhile: a burst of provisionings is not
     * slowed by its own backups.
     */
    static final Duration FIRST_BACKUP_AFTER = Duration.ofSeconds(3);

    private final ProvisionedInstances instances;
    private final ServerAccess access;
    private final BackupProperties properties;
    private final Outbox outbox;
    private final TransactionTemplate transactions;
    private final Clock clock;
    /** What was last reported of each instance's backups since this service started. */
    private final Map<UUID, List<Backup>> reported = new ConcurrentHashMap<>();

    BaseBackups(ProvisionedInstances instances, ServerAccess access, BackupProperties properties, Outbox outbox,
            TransactionTemplate transactions, Clock clock) {
        super(instances, "base-backups");
        this.instances = instances;
        this.access = access;
        this.properties = properties;
        this.outbox = outbox;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    Duration interval() {
        return properties.checkInterval();
    }

    /** At once: an instance provisioned before a crash may have no backup yet. */
    @Override
    Duration firstDelay() {
        return Duration.ZERO;
    }

    /** A copy in flight is cut off (and deleted); the next start takes it again. */
    @Override
    Duration stopGrace() {
        return Duration.ZERO;
    }

    /** An instance has become available: its first backup is due, after {@link #FIRST_BACKUP_AFTER}. */
    void newInstance() {
        soon(FIRST_BACKUP_AFTER);
    }

    @Override
    void visit(ProvisionedInstance instance) {
        backUp(instance);
    }

    private void backUp(ProvisionedInstance instance) {
        InstanceDriver driver = access.driver(instance);
        if (!driver.keepsBackups()) {
            return;
        }
        InstanceSpec spec = access.spec(instance, null);
        List<Backup> backups = driver.backups(spec);
        Instant now = clock.instant();
        try {
            if (backups.isEmpty() || backups.get(backups.size() - 1).startedAt().plus(properties.interval()).isBefore(now)) {
                driver.takeBackup(spec);
            }
        } finally {
            // Pruning goes on while backups fail: the archive must not grow without bound.
            driver.pruneBackups(spec, now.minus(properties.retention()));
        }
        List<Backup> kept = driver.backups(spec);
        if (!kept.equals(reported.get(instance.operationId()))) {
            transactions.executeWithoutResult(tx -> {
                if (instances.lockAvailable(instance.operationId())) {
                    outbox.append(Topics.INSTANCE_EVENTS, changed(instance, kept));
                }
            });
            reported.put(instance.operationId(), kept);
        }
    }

    private BackupsChanged changed(ProvisionedInstance instance, List<Backup> backups) {
        BackupsChanged event = new BackupsChanged();
        event.setBackups(backups.stream()
                .map(backup -> new BaseBackup(backup.startedAt(), backup.finishedAt(), backup.sizeBytes()))
                .toList());
        event.setEarliestRestorableTime(backups.isEmpty() ? null : backups.get(0).finishedAt());
        return EventMetadata.stamp(event, instance.operationId(), instance.instance(), clock.instant());
    }
}
