package dev.dbcloud.provisioner.linked;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code linked} driver: servers the user runs and the control plane only logs in to.
 *
 * @param connectTimeout how long reaching a linked server and logging in may take
 * @param socketTimeout how long any one answer of a linked server may take, statements included
 */
@ConfigurationProperties("dbcloud.provisioner.linked")
public record LinkedServerProperties(@DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("30s") Duration socketTimeout) {
}
