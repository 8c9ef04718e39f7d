package dev.dbcloud.cli;

/** Ends a command with one line on stderr and an {@link ExitCode}; its message never holds a password. */
final class CliException extends RuntimeException {

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
