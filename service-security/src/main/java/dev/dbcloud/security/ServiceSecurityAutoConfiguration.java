package dev.dbcloud.security;

import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * What every dbcloud service's HTTP surface shares, on Spring Security, deny by default:
 * <ul>
 * <li>a firewall that refuses, with 400 problem+json {@code REQUEST_REJECTED} before anything routes it, every
 * path that is not already in canonical form: any percent-encoding (an encoded letter, slash, dot or percent),
 * {@code ;} parameters, {@code //}, dot segments, backslashes, control characters. Every path dbcloud serves is
 * written in plain lowercase letters, digits, {@code _}, {@code -} and {@code /}, so security rules and Spring MVC
 * can never disagree about which endpoint a request reaches;</li>
 * <li>the actuator: health (and its groups), info and prometheus open, every other endpoint for the admin key
 * only. On a management port of its own, the same filter chain (and firewall) guards it;</li>
 * <li>a last chain that answers every request no service chain claims with 404 problem+json: a service opens a
 * path only by declaring a chain of its own, with a {@code securityMatcher} and an {@code @Order} before
 * {@link Ordered#LOWEST_PRECEDENCE};</li>
 * <li>Tomcat's own error page (for a header too large, say) as problem+json.</li>
 * </ul>
 */
@AutoConfiguration(before = {ServletWebSecurityAutoConfiguration.class, ManagementWebSecurityAutoConfiguration.class,
        UserDetailsServiceAutoConfiguration.class},
        beforeName = "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableWebSecurity
@EnableConfigurationProperties({ManagementAccessProperties.class, InternalAccessProperties.class})
public class ServiceSecurityAutoConfiguration {

    /** The authority of the admin key on the actuator. */
    public static final String ADMIN = "ADMIN";

    private static final Logger log = LoggerFactory.getLogger(ServiceSecurityAutoConfiguration.class);

    /**
     * Every chain authenticates with its own provider; nothing uses a global one. Declaring this keeps Spring
     * Boot from creating an in-memory user with a generated password (and logging it).
     */
    @Bean
    AuthenticationManager dbcloudNoGlobalAuthentication() {
        return authentication -> {
            throw new ProviderNotFoundException("dbcloud authenticates in each filter chain, not globally");
        };
    }

    @Bean
    HttpFirewall dbcloudHttpFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        // Beyond its defaults (encoded slashes, periods and percents, ';', '//', dot segments, '\', controls):
        // any percent sign in the raw path, so an encoded letter never reaches a matcher either.
        firewall.getEncodedUrlBlocklist().add("%");
        return firewall;
    }

    @Bean
    RequestRejectedHandler dbcloudRequestRejectedHandler() {
        return (request, response, rejected) -> {
            response.setHeader("Connection", "close");
            ProblemJson.write(response, HttpStatus.BAD_REQUEST, "REQUEST_REJECTED",
                    "The request must be canonical: a path of plain characters without percent-encoding, ';' "
                            + "parameters, empty or dot segments; a method this API uses; headers without control "
                            + "characters.");
        };
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 10)
    SecurityFilterChain dbcloudActuatorSecurity(HttpSecurity http, ManagementAccessProperties properties)
            throws Exception {
        if (!properties.hasAdminKey()) {
            log.warn("No admin key (dbcloud.management.admin-key) is set: actuator endpoints other than health, "
                    + "info and prometheus refuse every request");
        }
        RequestMatcher open = EndpointRequest.to("health", "info", "prometheus");
        http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(open).permitAll()
                        .anyRequest().hasAuthority(ADMIN));
        // A probe that happens to send some other key still reads the open endpoints.
        return BearerKeys.apply(http, new ConfiguredKeyProvider(properties.adminKey(), "admin", ADMIN),
                        "This management endpoint requires the admin key as 'Authorization: Bearer <key>'.",
                        BearerKeys.forbidden("This management endpoint requires the admin key."),
                        new NegatedRequestMatcher(open))
                .build();
    }

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    SecurityFilterChain dbcloudDenyEverythingElse(HttpSecurity http) throws Exception {
        AuthenticationEntryPoint notFound = (request, response, failure) ->
                ProblemJson.write(response, HttpStatus.NOT_FOUND, "NOT_FOUND", "Nothing is served at this path.");
        return BearerKeys.stateless(http)
                .authorizeHttpRequests(requests -> requests
                        // The container's error dispatch of a request some other chain already let through.
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .anyRequest().denyAll())
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(notFound)
                        .accessDeniedHandler((request, response, denied) -> notFound.commence(request, response, null)))
                .build();
    }

    @Bean
    @ConditionalOnClass(name = "org.springframework.boot.webmvc.error.ErrorController")
    ProblemErrorController dbcloudProblemErrorController() {
        return new ProblemErrorController();
    }

    @Bean
    @ConditionalOnClass(name = "org.apache.catalina.valves.ErrorReportValve")
    ProblemErrorReports dbcloudProblemErrorReports() {
        return new ProblemErrorReports();
    }
}
