package dev.dbcloud.gateway.refusals;

import dev.dbcloud.common.rules.Violation;
import java.util.List;

/** The request breaks input rules; answered 400 with every violation. */
public class ValidationFailedException extends RuntimeException {

    private final List<Violation> violations;

    public ValidationFailedException(List<Violation> violations) {
        super("request failed validation on " + violations.stream().map(Violation::field).distinct().toList());
        this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
        return violations;
    }
}
