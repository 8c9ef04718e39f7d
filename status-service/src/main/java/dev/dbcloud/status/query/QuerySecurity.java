package dev.dbcloud.status.query;

import dev.dbcloud.security.BearerKeys;
import dev.dbcloud.security.ConfiguredKeyProvider;
import dev.dbcloud.security.InternalAccessProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The query API answers only the service token ({@code dbcloud.internal.token}) that the gateway sends: it trusts
 * the tenant in its paths, so nobody else may call it. 401 problem+json otherwise; without a configured token,
 * it refuses everybody.
 */
@Configuration(proxyBeanMethods = false)
class QuerySecurity {

    private static final Logger log = LoggerFactory.getLogger(QuerySecurity.class);
    private static final String SERVICE = "SERVICE";

    @Bean
    @Order(1)
    SecurityFilterChain internalQueries(HttpSecurity http, InternalAccessProperties internal) throws Exception {
        if (!internal.hasToken()) {
            log.warn("No service token (dbcloud.internal.token) is set: the query API refuses every request");
        }
        http.securityMatcher("/internal/**")
                .authorizeHttpRequests(requests -> requests.anyRequest().hasAuthority(SERVICE));
        return BearerKeys.apply(http, new ConfiguredKeyProvider(internal.token(), "api-gateway", SERVICE),
                        "The query API requires the service token as 'Authorization: Bearer <token>'.",
                        BearerKeys.forbidden("The query API answers the service token only."))
                .build();
    }
}
