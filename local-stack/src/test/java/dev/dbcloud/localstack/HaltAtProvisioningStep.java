package dev.dbcloud.localstack;

import dev.dbcloud.provisioner.driver.ProvisioningStepDone;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.event.EventListener;

/**
 * For the fault suite: with {@code -Ddbcloud.test.halt-at=STEP:instance}, the JVM of the local stack halts (as
 * {@code kill -9} would stop it: no shutdown hook, no flush) the moment the provisioner is done with that step of
 * that instance. Registered from the local stack's test class path only; without the property it does nothing.
 */
@AutoConfiguration
@ConditionalOnProperty(HaltAtProvisioningStep.PROPERTY)
public class HaltAtProvisioningStep {

    static final String PROPERTY = "dbcloud.test.halt-at";
    /** The exit code of a JVM halted here. */
    static final int HALTED = 86;

    private final ProvisioningStepDone.Step step;
    private final String instance;

    HaltAtProvisioningStep(@Value("${" + PROPERTY + "}") String where) {
        String[] parts = where.split(":", 2);
        this.step = ProvisioningStepDone.Step.valueOf(parts[0]);
        this.instance = parts[1];
    }

    @EventListener
    void on(ProvisioningStepDone done) {
        if (done.step() == step && done.instance().name().equals(instance)) {
            System.out.println("halting at " + step + " of " + instance);
            System.out.flush();
            Runtime.getRuntime().halt(HALTED);
        }
    }
}
