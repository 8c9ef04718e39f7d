package dev.dbcloud.cli;

import dev.dbcloud.common.rules.Violation;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** {@code -W [password]}: the password on the command line, or, with no value or when absent, asked for. */
final class Password {

    /** How to give the password without a prompt, as the errors of a prompt that cannot be answered say it. */
    static final String OPTION = "-W <password>";

    @Option(names = {"-W", "--password"}, arity = "0..1", paramLabel = "<password>",
            description = "The password. With no value, or when absent, it is asked for without echo; prefer that,"
                    + " as a password on the command line stays in the shell's history.")
    String value;

    /** The password given, or one asked for once. */
    String orAsk(Terminal terminal, String prompt) {
        return given() ? value : terminal.askSecret(prompt, OPTION);
    }

    /**
     * The password given, or a new one asked for twice: the first entry is checked against {@code rules} at once, so
     * a password the control plane would refuse is refused before it is typed again; then the two must match.
     */
    String orAskNew(Terminal terminal, String prompt, Function<String, List<Violation>> rules) {
        if (given()) {
            return value;
        }
        String first = terminal.askSecret(prompt, OPTION);
        Dbcloud.check(rules.apply(first));
        String second = terminal.askSecret("Again, to confirm: ", OPTION);
        if (!first.equals(second)) {
            throw new CliException(ExitCode.USAGE, "the two passwords do not match; nothing was changed");
        }
        return first;
    }

    /** Whether the password came with {@code -W}. */
    boolean given() {
        return value != null && !value.isEmpty();
    }
}
