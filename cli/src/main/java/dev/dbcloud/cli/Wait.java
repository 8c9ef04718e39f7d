package dev.dbcloud.cli;

import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code --no-wait}: print the accepted operation's id instead of waiting for it to end. */
final class Wait {

    @Option(names = "--no-wait", description = "Do not wait: print the operation's id and return. Follow it with"
            + " 'dbcloud operation <id>'.")
    boolean noWait;

    /**
     * With {@code --no-wait}, prints the operation's id (with {@code --json}, the operation as {@link Json#operation}
     * has it) and answers true: the command is done.
     */
    boolean accepted(Terminal terminal, JsonNode operation, Json json) {
        if (noWait) {
            json.print(terminal, Json.operation(operation), operation.path("id").asString());
        }
        return noWait;
    }
}
