package dev.dbcloud.gateway.access;

import dev.dbcloud.security.BearerKeys;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may call what under {@code /v1}: every request needs an API key; {@code /v1/admin/**} takes only the admin
 * key, everything else only a tenant's key (403 for the other kind, so the admin key never reads or changes a
 * tenant's instances). Rules match the path as the firewall left it: canonical, or refused with 400 before this.
 * Any other path is nobody's (the shared last chain answers 404).
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurity {

    static final String ADMIN_PATHS = "/v1/admin/**";

    /**
     * The API's description (springdoc's OpenAPI document and Swagger UI), which anybody may read: GET only, these
     * paths only. The UI's page is at {@code /swagger-ui.html}, which sends the browser to {@code /swagger-ui/index.html}.
     */
    static final List<String> DOCUMENTATION_PATHS =
            List.of("/v3/api-docs", "/v3/api-docs/swagger-config", "/swagger-ui.html", "/swagger-ui/**");

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

    /**
     * The API's documentation, open to anybody and to GET only: it describes the API and holds nothing of any
     * tenant's. Any other method on these paths falls through to the last chain (404).
     */
    @Bean
    @Order(2)
    SecurityFilterChain openDocumentationChain(HttpSecurity http) throws Exception {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        http.securityMatcher(new OrRequestMatcher(DOCUMENTATION_PATHS.stream()
                        .<RequestMatcher>map(path -> paths.matcher(HttpMethod.GET, path)).toList()))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable());
        return http.build();
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
