package dev.dbcloud.provisioner.provisioning;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The health watch over local instances' servers.
 *
 * @param healthInterval the pause between two rounds of checks; a server that stops is reported within about
 *     twice this
 * @param healthTimeout how long one check (a login as the control role) may take before the server counts as
 *     unavailable
 */
@ConfigurationProperties("dbcloud.provisioner")
record HealthWatchProperties(@DefaultValue("5s") Duration healthInterval, @DefaultValue("2s") Duration healthTimeout) {
}
