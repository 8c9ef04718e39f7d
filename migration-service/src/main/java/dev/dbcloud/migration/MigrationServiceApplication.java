package dev.dbcloud.migration;

import dev.dbcloud.messaging.handled.HandledOperations;
import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** Applies each application's schema migrations with Flyway and emits their outcomes. */
@SpringBootApplication
@Import(HandledOperations.class)
@ConfigurationPropertiesScan
public class MigrationServiceApplication {

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(MigrationServiceApplication.class).properties("spring.config.name=migration-service");
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
