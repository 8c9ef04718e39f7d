package dev.dbcloud.security;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Tomcat's error page as problem+json on a management server of its own too, whose (child) context does not see
 * the application's server customizers. Registered through
 * {@code META-INF/spring/org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration.imports}.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnClass(name = "org.apache.catalina.valves.ErrorReportValve")
class ManagementErrorReports {

    @Bean
    ProblemErrorReports dbcloudManagementProblemErrorReports() {
        return new ProblemErrorReports();
    }
}
