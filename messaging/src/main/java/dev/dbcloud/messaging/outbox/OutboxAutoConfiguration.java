package dev.dbcloud.messaging.outbox;

import dev.dbcloud.common.serde.EventCodec;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Clock;
import java.util.Arrays;
import org.flywaydb.core.api.Location;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The outbox and its relay, in every service that publishes events. Its table comes with its own Flyway migration. */
@AutoConfiguration(after = {KafkaAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class})
@ConditionalOnBooleanProperty(name = "dbcloud.outbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties(OutboxProperties.class)
public class OutboxAutoConfiguration {

    /**
     * Where the outbox table's migrations live; versions 0.x are reserved for them. A database whose service's own
     * migrations (1 and up) already ran still gets a new 0.x migration: Flyway applies it out of order.
     */
    static final String MIGRATIONS = "classpath:db/outbox";

    @Bean
    OutboxRelay outboxRelay(JdbcClient jdbc, PlatformTransactionManager transactionManager,
            KafkaTemplate<Object, Object> kafka, OutboxProperties properties, ObjectProvider<Tracer> tracer,
            ObjectProvider<Propagator> propagator) {
        return new OutboxRelay(jdbc, new TransactionTemplate(transactionManager), kafka, properties,
                tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    @Bean
    Outbox outbox(JdbcClient jdbc, EventCodec codec, OutboxRelay relay, ObjectProvider<Tracer> tracer,
            ObjectProvider<Propagator> propagator) {
        return new Outbox(jdbc, codec, relay, tracer.getIfAvailable(() -> Tracer.NOOP),
                propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    /** Health {@code outbox} and the backlog gauges. */
    @Bean
    OutboxBacklog outboxHealthIndicator(JdbcClient jdbc, OutboxProperties properties) {
        return new OutboxBacklog(jdbc, properties.stuckAfter(), Clock.systemUTC());
    }

    @Bean
    FlywayConfigurationCustomizer outboxMigrations() {
        return configuration -> {
            Location[] locations = configuration.getLocations();
            Location[] withOutbox = Arrays.copyOf(locations, locations.length + 1);
            withOutbox[locations.length] = new Location(MIGRATIONS);
            configuration.locations(withOutbox);
            configuration.outOfOrder(true);
        };
    }
}
