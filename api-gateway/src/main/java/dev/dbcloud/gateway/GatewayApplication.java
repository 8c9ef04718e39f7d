package dev.dbcloud.gateway;

import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The only public HTTP surface of dbcloud. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class GatewayApplication {

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(GatewayApplication.class).properties("spring.config.name=api-gateway");
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
