package dev.dbcloud.gateway.access;

import dev.dbcloud.gateway.GatewayProperties;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/** Registers the configured bootstrap tenant key and admin key (the local stack generates both). */
@Component
class BootstrapKeys implements ApplicationRunner {

    private final ApiKeys keys;
    private final GatewayProperties properties;

    BootstrapKeys(ApiKeys keys, GatewayProperties properties) {
        this.keys = keys;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (hasText(properties.bootstrapTenant()) && hasText(properties.bootstrapApiKey())) {
            keys.register(properties.bootstrapApiKey(), properties.bootstrapTenant());
        }
        if (hasText(properties.adminKey())) {
            keys.register(properties.adminKey(), null);
        }
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
