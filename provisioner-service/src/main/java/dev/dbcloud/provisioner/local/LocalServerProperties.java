package dev.dbcloud.provisioner.local;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code local} driver: one PostgreSQL server process per instance on this host.
 *
 * @param root where instance data directories (and the extracted binaries) live
 * @param binDir PostgreSQL binaries to use instead of the bundled PostgreSQL 17 (zonky's), if set
 * @param hostName the host name clients use to reach instances
 * @param listenAddresses the servers' {@code listen_addresses}
 * @param portMin first port of the range instances get ports from
 * @param portMax last port of that range
 * @param startTimeout how long a server may take to start
 * @param stopServersOnShutdown whether servers stop with the service (the local stack) or outlive it
 * @param archiveTimeout the servers' {@code archive_timeout}: how stale the WAL archive of a quiet server may be
 * @param restoreTimeout how long the replay of a restore may take
 * @param poolSize how many servers the warm pool keeps made and running ahead of demand (2; 0 disables it)
 */
@ConfigurationProperties("dbcloud.provisioner.local")
public record LocalServerProperties(Path root, Path binDir, String hostName, String listenAddresses,
        int portMin, int portMax, Duration startTimeout, boolean stopServersOnShutdown, Duration archiveTimeout,
        Duration restoreTimeout, @DefaultValue("2") int poolSize) {

    public LocalServerProperties {
        archiveTimeout = archiveTimeout == null ? Duration.ofSeconds(60) : archiveTimeout;
        restoreTimeout = restoreTimeout == null ? Duration.ofHours(1) : restoreTimeout;
        if (poolSize < 0) {
            throw new IllegalArgumentException("dbcloud.provisioner.local.pool-size cannot be negative: " + poolSize);
        }
    }
}
