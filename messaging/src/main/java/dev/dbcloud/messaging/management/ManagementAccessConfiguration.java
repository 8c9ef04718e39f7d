package dev.dbcloud.messaging.management;

import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Puts {@link ActuatorAccessFilter} in front of the actuator endpoints. As a management context configuration it
 * lands in the management server's own (child) context when {@code management.server.port} differs from
 * {@code server.port}, and in the application context when both share a port; either way the filter sees the
 * requests the endpoints see. It requires the endpoints' path mapping rather than being conditional on it, so a
 * wiring mistake stops the service instead of leaving the endpoints open. Registered through
 * {@code META-INF/spring/org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration.imports}.
 */
@ManagementContextConfiguration(value = ManagementContextType.ANY, proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = "jakarta.servlet.Filter")
@EnableConfigurationProperties(ManagementAccessProperties.class)
public class ManagementAccessConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ManagementAccessConfiguration.class);
    private static final Set<String> OPEN = Set.of("info", "prometheus");
    private static final String HEALTH = "health";

    @Bean
    FilterRegistrationBean<ActuatorAccessFilter> dbcloudActuatorAccessFilter(PathMappedEndpoints endpoints,
            ManagementAccessProperties properties, Environment environment) {
        String dispatcher = dispatcherPath(environment);
        String basePath = dispatcher + endpoints.getBasePath();
        Set<String> openPaths = new LinkedHashSet<>();
        Set<String> openPrefixes = new LinkedHashSet<>();
        for (String id : OPEN) {
            String path = endpoints.getPath(EndpointId.of(id));
            if (path != null) {
                openPaths.add(dispatcher + path);
            }
        }
        String health = endpoints.getPath(EndpointId.of(HEALTH));
        if (health != null) {
            openPaths.add(dispatcher + health);
            openPrefixes.add(dispatcher + health);
        }
        if (!properties.hasAdminKey()) {
            log.warn("No admin key (dbcloud.management.admin-key) is set: actuator endpoints other than health, "
                    + "info and prometheus refuse every request");
        }
        FilterRegistrationBean<ActuatorAccessFilter> registration = new FilterRegistrationBean<>(
                new ActuatorAccessFilter(basePath, openPaths, openPrefixes, properties.adminKey()));
        registration.setName("dbcloudActuatorAccessFilter");
        registration.addUrlPatterns("/*");
        // Behind the HTTP observation filter where there is one (a shared port), so refusals are counted;
        // ahead of the rest.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /**
     * Where the DispatcherServlet serving the endpoints is mapped: the management server's own one is at
     * {@code /}; on a shared port it is the application's, at {@code spring.mvc.servlet.path}.
     */
    private static String dispatcherPath(Environment environment) {
        if (ManagementPortType.get(environment) == ManagementPortType.DIFFERENT) {
            return "";
        }
        String path = environment.getProperty("spring.mvc.servlet.path", "/").strip();
        if (path.endsWith("/*")) {
            path = path.substring(0, path.length() - 2);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path.isEmpty() || path.startsWith("/") ? path : "/" + path;
    }
}
