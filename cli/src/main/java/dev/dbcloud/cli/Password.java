package dev.dbcloud.cli;

import picocli.CommandLine.Option;

/** {@code -W [password]}: the password on the command line, or, with no value or when absent, asked for. */
final class Password {

    @Option(names = {"-W", "--password"}, arity = "0..1", paramLabel = "<password>",
            description = "The password. With no value, or when absent, it is asked for without echo; prefer that,"
                    + " as a password on the command line stays in the shell's history.")
    String value;

    /** The password given, or one asked for once. */
    String orAsk(Terminal terminal, String prompt) {
        return given() ? value : terminal.askSecret(prompt);
    }

    /** The password given, or a new one asked for twice. */
    String orAskNew(Terminal terminal, String prompt) {
        return given() ? value : terminal.askNewSecret(prompt);
    }

    /** Whether the password came with {@code -W}. */
    boolean given() {
        return value != null && !value.isEmpty();
    }
}
