package dev.dbcloud.provisioner.provisioning.kafka;

import dev.dbcloud.common.Topics;
import dev.dbcloud.events.CreateDatabaseRequested;
import dev.dbcloud.events.DestroyRequested;
import dev.dbcloud.events.LinkRequested;
import dev.dbcloud.events.PasswordResetRequested;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.events.RestoreRequested;
import dev.dbcloud.events.StartRequested;
import dev.dbcloud.events.StopRequested;
import dev.dbcloud.events.UnlinkRequested;
import dev.dbcloud.messaging.InvalidRecordException;
import dev.dbcloud.provisioner.provisioning.CreatingDatabases;
import dev.dbcloud.provisioner.provisioning.Destroying;
import dev.dbcloud.provisioner.provisioning.Linking;
import dev.dbcloud.provisioner.provisioning.Provisioning;
import dev.dbcloud.provisioner.provisioning.ResettingPasswords;
import dev.dbcloud.provisioner.provisioning.Restoring;
import dev.dbcloud.provisioner.provisioning.StartingAndStopping;
import dev.dbcloud.provisioner.provisioning.Unlinking;
import org.apache.avro.specific.SpecificRecordBase;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Adapts instance commands to the use cases. Commands are keyed by instance, so each instance's are on one partition,
 * carried out in the order they were sent; the listener runs {@code dbcloud.provisioner.max-parallel-commands}
 * consumers, each taking its own partitions' commands one after another, so commands of instances on different
 * partitions run side by side, and no more than that many at once (fewer when the topic has fewer partitions).
 * Two commands that act on a common instance from different partitions (a restore reads its source) meet in the
 * driver, which serializes what reads and what deletes an instance's data.
 */
@Component
@KafkaListener(topics = Topics.INSTANCE_COMMANDS, groupId = Topics.Groups.PROVISIONER,
        concurrency = "${dbcloud.provisioner.max-parallel-commands}")
class InstanceCommandListener {

    private final Provisioning provisioning;
    private final Destroying destroying;
    private final ResettingPasswords resettingPasswords;
    private final CreatingDatabases creatingDatabases;
    private final Linking linking;
    private final Unlinking unlinking;
    private final StartingAndStopping startingAndStopping;
    private final Restoring restoring;

    InstanceCommandListener(Provisioning provisioning, Destroying destroying, ResettingPasswords resettingPasswords,
            CreatingDatabases creatingDatabases, Linking linking, Unlinking unlinking,
            StartingAndStopping startingAndStopping, Restoring restoring) {
        this.provisioning = provisioning;
        this.destroying = destroying;
        this.resettingPasswords = resettingPasswords;
        this.creatingDatabases = creatingDatabases;
        this.linking = linking;
        this.unlinking = unlinking;
        this.startingAndStopping = startingAndStopping;
        this.restoring = restoring;
    }

    @KafkaHandler
    void on(ProvisionRequested command) {
        provisioning.provision(command);
    }

    @KafkaHandler
    void on(DestroyRequested command) {
        destroying.destroy(command);
    }

    @KafkaHandler
    void on(PasswordResetRequested command) {
        resettingPasswords.reset(command);
    }

    @KafkaHandler
    void on(CreateDatabaseRequested command) {
        creatingDatabases.create(command);
    }

    @KafkaHandler
    void on(LinkRequested command) {
        linking.link(command);
    }

    @KafkaHandler
    void on(UnlinkRequested command) {
        unlinking.unlink(command);
    }

    @KafkaHandler
    void on(StopRequested command) {
        startingAndStopping.stop(command);
    }

    @KafkaHandler
    void on(StartRequested command) {
        startingAndStopping.start(command);
    }

    @KafkaHandler
    void on(RestoreRequested command) {
        restoring.restore(command);
    }

    /** Any other record on this topic breaks the contract; it goes to the dead-letter topic, without retries. */
    @KafkaHandler(isDefault = true)
    void onOther(SpecificRecordBase record) {
        throw new InvalidRecordException(record.getSchema().getName() + " is not an instance command");
    }
}
