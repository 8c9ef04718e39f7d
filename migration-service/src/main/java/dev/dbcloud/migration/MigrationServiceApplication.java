package dev.dbcloud.migration;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Applies each application's schema migrations with Flyway and emits their outcomes. */
@SpringBootApplication
public class MigrationServiceApplication {

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(MigrationServiceApplication.class).properties("spring.config.name=migration-service");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
