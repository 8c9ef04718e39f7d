package dev.dbcloud.provisioner.provisioning.kafka;

import dev.dbcloud.common.InstanceRef;
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
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;

/**
 * Adapts instance commands to the use cases. A poll's commands run side by side in {@link CommandLanes}, each
 * instance's in order.
 */
@Component
class InstanceCommandListener {

    static final String ID = "instance-commands";

    private final CommandLanes lanes;
    private final Provisioning provisioning;
    private final Destroying destroying;
    private final ResettingPasswords resettingPasswords;
    private final CreatingDatabases creatingDatabases;
    private final Linking linking;
    private final Unlinking unlinking;
    private final StartingAndStopping startingAndStopping;
    private final Restoring restoring;

    InstanceCommandListener(CommandLanes lanes, Provisioning provisioning, Destroying destroying,
            ResettingPasswords resettingPasswords, CreatingDatabases creatingDatabases, Linking linking,
            Unlinking unlinking, StartingAndStopping startingAndStopping, Restoring restoring) {
        this.lanes = lanes;
        this.provisioning = provisioning;
        this.destroying = destroying;
        this.resettingPasswords = resettingPasswords;
        this.creatingDatabases = creatingDatabases;
        this.linking = linking;
        this.unlinking = unlinking;
        this.startingAndStopping = startingAndStopping;
        this.restoring = restoring;
    }

    /**
     * A poll brings as many commands as may run at once: one round of lanes, each a command long unless commands share
     * an instance, so the poll loop stays inside {@code max.poll.interval.ms}, which allows for the longest command.
     */
    @KafkaListener(id = ID, idIsGroup = false, topics = Topics.INSTANCE_COMMANDS, groupId = Topics.Groups.PROVISIONER,
            batch = "true", properties = "max.poll.records=${dbcloud.provisioner.max-parallel-commands:4}")
    void on(List<ConsumerRecord<String, SpecificRecordBase>> commands, Acknowledgment acknowledgment) {
        lanes.carryOut(ID, commands, acknowledgment, InstanceCommandListener::instancesOf, this::carryOut);
    }

    /** The instance a command is keyed by (it names the instance), and a restore's source, which it reads. */
    static Collection<String> instancesOf(ConsumerRecord<String, SpecificRecordBase> record) {
        String own = record.key() != null ? record.key() : "partition " + record.partition();
        if (record.value() instanceof RestoreRequested restore) {
            return Stream.of(own, new InstanceRef(restore.getTenant(), restore.getSourceInstanceName()).key())
                    .distinct().toList();
        }
        return List.of(own);
    }

    private void carryOut(SpecificRecordBase command) {
        if (command instanceof ProvisionRequested provision) {
            provisioning.provision(provision);
        } else if (command instanceof DestroyRequested destroy) {
            destroying.destroy(destroy);
        } else if (command instanceof PasswordResetRequested reset) {
            resettingPasswords.reset(reset);
        } else if (command instanceof CreateDatabaseRequested create) {
            creatingDatabases.create(create);
        } else if (command instanceof LinkRequested link) {
            linking.link(link);
        } else if (command instanceof UnlinkRequested unlink) {
            unlinking.unlink(unlink);
        } else if (command instanceof StopRequested stop) {
            startingAndStopping.stop(stop);
        } else if (command instanceof StartRequested start) {
            startingAndStopping.start(start);
        } else if (command instanceof RestoreRequested restore) {
            restoring.restore(restore);
        } else {
            // Any other record on this topic breaks the contract; it goes to the dead-letter topic, without retries.
            throw new InvalidRecordException(command.getSchema().getName() + " is not an instance command");
        }
    }
}
