package dev.dbcloud.messaging;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Health {@code kafka}: UP when the broker answers a cluster description within the timeout, with its cluster id and
 * the number of brokers. Part of the readiness of every service that takes its work from Kafka; not of the gateway's,
 * whose outbox keeps accepting commands while the broker is away. One admin client serves every check; it is closed
 * with the context.
 */
class KafkaHealth extends AbstractHealthIndicator implements DisposableBean {

    private final Map<String, Object> configuration;
    private final Duration timeout;
    private Admin admin;

    KafkaHealth(KafkaAdmin kafkaAdmin, Duration timeout) {
        super("Kafka did not answer");
        this.configuration = Map.copyOf(kafkaAdmin.getConfigurationProperties());
        this.timeout = timeout;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) throws Exception {
        int millis = (int) timeout.toMillis();
        DescribeClusterResult cluster = admin().describeCluster(new DescribeClusterOptions().timeoutMs(millis));
        try {
            String clusterId = cluster.clusterId().get(millis, TimeUnit.MILLISECONDS);
            int brokers = cluster.nodes().get(millis, TimeUnit.MILLISECONDS).size();
            health.up().withDetail("clusterId", clusterId).withDetail("brokers", brokers);
        } catch (TimeoutException e) {
            health.down().withDetail("error", "no answer from " + configuration.get(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " within " + timeout.toSeconds() + " s");
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> properties = new java.util.HashMap<>(configuration);
            properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "dbcloud-health");
            properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            admin = Admin.create(properties);
        }
        return admin;
    }

    @Override
    public synchronized void destroy() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
