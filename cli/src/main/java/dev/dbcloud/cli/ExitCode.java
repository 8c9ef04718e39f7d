package dev.dbcloud.cli;

/** The process exit codes, as {@code dbcloud --help} documents them ({@link Dbcloud}'s exitCodeList). */
final class ExitCode {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int AUTHENTICATION = 3;
    static final int NOT_FOUND = 4;
    static final int UNREACHABLE = 5;

    private ExitCode() {
    }
}
