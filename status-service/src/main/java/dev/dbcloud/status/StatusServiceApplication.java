package dev.dbcloud.status;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Projects instance and migration commands and their outcomes into a read model (instances, operations, an event
 * timeline) and serves the internal query API that api-gateway calls.
 */
@SpringBootApplication
public class StatusServiceApplication {

    /** Reads {@code status-service.yml}, not {@code application.yml}: local-stack runs four services on one classpath. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(StatusServiceApplication.class).properties("spring.config.name=status-service");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
