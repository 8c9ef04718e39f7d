package dev.dbcloud.messaging.management;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A bare web application with the messaging auto-configuration, for the management endpoint tests. It scans no
 * components: {@link ManagementAccessConfiguration} lives in this package and must only arrive as a management
 * context configuration, never as a scanned bean of the application context.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ManagementTestApplication {
}
