package dev.dbcloud.gateway.web;

import dev.dbcloud.common.rules.InstanceRules;
import dev.dbcloud.common.rules.TenantRules;
import dev.dbcloud.common.rules.Violation;
import dev.dbcloud.gateway.refusals.ValidationFailedException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Names in paths obey the same rules as names in bodies, checked before any handler runs: {@code {name}} is an
 * instance name, {@code {database}} a database name, {@code {tenant}} a tenant name. A broken rule answers 400
 * VALIDATION_FAILED, so no such value ever reaches a query, a record or a log line.
 */
@Configuration(proxyBeanMethods = false)
class PathVariableRules implements WebMvcConfigurer, HandlerInterceptor {

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/v1/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Object attribute = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        if (!(attribute instanceof Map<?, ?> variables)) {
            return true;
        }
        List<Violation> violations = new ArrayList<>();
        if (variables.get("name") instanceof String name) {
            violations.addAll(InstanceRules.instanceName("name", name));
        }
        if (variables.get("database") instanceof String database) {
            violations.addAll(InstanceRules.databaseName("database", database));
        }
        if (variables.get("tenant") instanceof String tenant) {
            violations.addAll(TenantRules.tenantName("tenant", tenant));
        }
        if (!violations.isEmpty()) {
            throw new ValidationFailedException(violations);
        }
        return true;
    }
}
