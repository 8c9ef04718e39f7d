package dev.dbcloud.status;

import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Projects instance and migration commands and their outcomes into a read model (instances, operations, app
 * databases and their migration histories, an event timeline) and serves the internal query API that api-gateway
 * calls. A scheduled sweep ends operations that got no outcome in time.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class StatusServiceApplication {

    /** Reads {@code status-service.yml}, not {@code application.yml}: local-stack runs four services on one classpath. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(StatusServiceApplication.class).properties("spring.config.name=status-service");
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
