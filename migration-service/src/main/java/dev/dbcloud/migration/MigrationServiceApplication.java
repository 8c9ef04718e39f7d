package dev.dbcloud.migration;

import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** Applies each application's schema migrations with Flyway and emits their outcomes. */
@SpringBootApplication
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
