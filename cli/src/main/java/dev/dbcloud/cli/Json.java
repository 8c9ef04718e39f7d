package dev.dbcloud.cli;

import picocli.CommandLine.Option;

/** {@code --json}: machine-readable output. */
final class Json {

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean enabled;
}
