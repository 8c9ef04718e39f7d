package dev.dbcloud.provisioner.driver;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Times what drivers do, as {@code dbcloud.driver.step.duration} histograms by {@code driver}, {@code step} (initdb,
 * or claim for a warm pool's server; start, role, backup, restore) and {@code outcome} (success, failure): where
 * provisioning spends its time.
 */
@Component
public class DriverSteps {

    private final MeterRegistry meters;

    DriverSteps(MeterRegistry meters) {
        this.meters = meters;
    }

    public void time(DriverKind driver, String step, Runnable work) {
        time(driver, step, () -> {
            work.run();
            return null;
        });
    }

    public <T> T time(DriverKind driver, String step, Supplier<T> work) {
        long start = System.nanoTime();
        String outcome = "failure";
        try {
            T result = work.get();
            outcome = "success";
            return result;
        } finally {
            Timer.builder("dbcloud.driver.step.duration")
                    .description("What a driver's step took: initdb, claim, start, role, backup, restore")
                    .tags("driver", driver.name(), "step", step, "outcome", outcome)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(10))
                    .maximumExpectedValue(Duration.ofHours(1))
                    .register(meters)
                    .record(Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
