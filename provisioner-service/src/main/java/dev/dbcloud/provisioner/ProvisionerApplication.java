package dev.dbcloud.provisioner;

import dev.dbcloud.messaging.handled.HandledOperations;
import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** Consumes instance commands, runs PostgreSQL servers through an {@code InstanceDriver}, emits outcomes. */
@SpringBootApplication
@Import(HandledOperations.class)
@ConfigurationPropertiesScan
public class ProvisionerApplication {

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ProvisionerApplication.class).properties("spring.config.name=provisioner-service");
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
