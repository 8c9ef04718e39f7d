package dev.dbcloud.provisioner.driver;

import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Every driver, by kind: the use cases pick the one an instance names, and know no driver's package. */
@Component
public class InstanceDrivers {

    private final Map<DriverKind, InstanceDriver> byKind = new EnumMap<>(DriverKind.class);

    InstanceDrivers(List<InstanceDriver> drivers) {
        for (InstanceDriver driver : drivers) {
            if (byKind.put(driver.kind(), driver) != null) {
                throw new IllegalStateException("two drivers of kind " + driver.kind());
            }
        }
    }

    public InstanceDriver of(DriverKind kind) {
        InstanceDriver driver = byKind.get(kind);
        if (driver == null) {
            throw new IllegalStateException("no driver of kind " + kind);
        }
        return driver;
    }

    public Collection<InstanceDriver> all() {
        return byKind.values();
    }
}
