package dev.dbcloud.gateway.access;

import dev.dbcloud.security.BearerKeys;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Who may call what under {@code /v1}: every request needs an API key; {@code /v1/admin/**} takes only the admin
 * key, everything else only a tenant's key (403 for the other kind, so the admin key never reads or changes a
 * tenant's instances). Rules match the path as the firewall left it: canonical, or refused with 400 before this.
 * Any other path is nobody's (the shared last chain answers 404).
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurity {

    static final String ADMIN_PATHS = "/v1/admin/**";

    @Bean
    @Order(1)
    SecurityFilterChain apiKeyChain(HttpSecurity http, ApiKeys keys) throws Exception {
        http.securityMatcher("/v1/**")
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(ADMIN_PATHS).hasAuthority(ApiKeyProvider.ADMIN)
                        .anyRequest().hasAuthority(ApiKeyProvider.TENANT));
        return BearerKeys.apply(http, new ApiKeyProvider(keys),
                        "Send a valid API key as 'Authorization: Bearer <key>'.", forbidden())
                .build();
    }

    /** Says which kind of key the path takes. */
    private static AccessDeniedHandler forbidden() {
        AccessDeniedHandler adminOnly = BearerKeys.forbidden("Only the admin key may manage tenants.");
        AccessDeniedHandler tenantOnly =
                BearerKeys.forbidden("The admin key manages tenants only; use one of a tenant's keys.");
        return (request, response, denied) -> {
            Object principal = SecurityContextHolder.getContext().getAuthentication().getPrincipal();
            boolean admin = principal instanceof Caller caller && caller.admin();
            (admin ? tenantOnly : adminOnly).handle(request, response, denied);
        };
    }
}
