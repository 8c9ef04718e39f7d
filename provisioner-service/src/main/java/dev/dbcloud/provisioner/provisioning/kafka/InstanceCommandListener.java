package dev.dbcloud.provisioner.provisioning.kafka;

import dev.dbcloud.common.Topics;
import dev.dbcloud.events.ProvisionRequested;
import dev.dbcloud.provisioner.provisioning.Provisioning;
import org.apache.avro.specific.SpecificRecordBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Adapts instance commands to the use cases. */
@Component
@KafkaListener(topics = Topics.INSTANCE_COMMANDS, groupId = Topics.Groups.PROVISIONER)
class InstanceCommandListener {

    private static final Logger log = LoggerFactory.getLogger(InstanceCommandListener.class);

    private final Provisioning provisioning;

    InstanceCommandListener(Provisioning provisioning) {
        this.provisioning = provisioning;
    }

    @KafkaHandler
    void on(ProvisionRequested command) {
        provisioning.provision(command);
    }

    /** Commands this version does not carry out yet (destroy, password reset, link) wait for their use cases. */
    @KafkaHandler(isDefault = true)
    void onOther(SpecificRecordBase command) {
        log.warn("{} is not supported by this provisioner version yet", command.getSchema().getName());
    }
}
