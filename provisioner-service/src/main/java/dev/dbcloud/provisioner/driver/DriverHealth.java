package dev.dbcloud.provisioner.driver;

import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Health {@code driver}, part of the provisioner's readiness: UP when every driver says it can take work, with each
 * driver's details under its kind; DOWN with the first one's reason otherwise.
 */
@Component("driverHealthIndicator")
class DriverHealth extends AbstractHealthIndicator {

    private final InstanceDrivers drivers;

    DriverHealth(InstanceDrivers drivers) {
        super("A driver could not be checked");
        this.drivers = drivers;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        health.up();
        for (InstanceDriver driver : drivers.all()) {
            try {
                Map<String, Object> details = driver.readiness();
                health.withDetail(driver.kind().name(), details);
            } catch (DriverException e) {
                health.down().withDetail(driver.kind().name(), Map.of("reason", e.getMessage()));
            }
        }
    }
}
