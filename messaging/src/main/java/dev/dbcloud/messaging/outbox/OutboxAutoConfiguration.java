package dev.dbcloud.messaging.outbox;

import dev.dbcloud.common.serde.EventCodec;
import java.util.Arrays;
import org.flywaydb.core.api.Location;
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

    /** Where the outbox table's migration lives; versions 0.x are reserved for it. */
    static final String MIGRATIONS = "classpath:db/outbox";

    @Bean
    OutboxRelay outboxRelay(JdbcClient jdbc, PlatformTransactionManager transactionManager,
            KafkaTemplate<Object, Object> kafka, OutboxProperties properties) {
        return new OutboxRelay(jdbc, new TransactionTemplate(transactionManager), kafka, properties);
    }

    @Bean
    Outbox outbox(JdbcClient jdbc, EventCodec codec, OutboxRelay relay) {
        return new Outbox(jdbc, codec, relay);
    }

    @Bean
    FlywayConfigurationCustomizer outboxMigrations() {
        return configuration -> {
            Location[] locations = configuration.getLocations();
            Location[] withOutbox = Arrays.copyOf(locations, locations.length + 1);
            withOutbox[locations.length] = new Location(MIGRATIONS);
            configuration.locations(withOutbox);
        };
    }
}
