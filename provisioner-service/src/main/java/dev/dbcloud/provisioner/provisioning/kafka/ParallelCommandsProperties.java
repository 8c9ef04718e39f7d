package dev.dbcloud.provisioner.provisioning.kafka;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many instance commands run at once.
 *
 * @param maxParallelCommands commands of different instances carried out at the same time (each instance's still
 *     one after another); a burst beyond it waits its turn, so it cannot starve the host of CPU, memory or the
 *     control plane's database connections
 */
@ConfigurationProperties("dbcloud.provisioner")
record ParallelCommandsProperties(@DefaultValue("4") int maxParallelCommands) {

    ParallelCommandsProperties {
        if (maxParallelCommands < 1) {
            throw new IllegalArgumentException(
                    "dbcloud.provisioner.max-parallel-commands must be at least 1, not " + maxParallelCommands);
        }
    }
}
