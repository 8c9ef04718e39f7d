package dev.dbcloud.security;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A bare web application with the messaging auto-configuration, for the management endpoint tests: it opens no
 * path of its own, so everything it answers comes from the shared security configuration.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ManagementTestApplication {
}
