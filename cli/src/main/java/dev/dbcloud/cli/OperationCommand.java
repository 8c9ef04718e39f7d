package dev.dbcloud.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code dbcloud operation <id>}: an operation's state, or, with {@code --wait}, its end. */
@Command(name = "operation", mixinStandardHelpOptions = true,
        description = "Show an operation, such as one started with --no-wait; --wait follows it to its end.")
final class OperationCommand implements Callable<Integer> {

    @ParentCommand Dbcloud root;

    @Parameters(paramLabel = "<id>", description = "The operation's id.")
    String id;

    @Option(names = "--wait", description = "Wait for it to end; exit 1 if it failed.")
    boolean await;

    /** Accepted like every command's, so scripts may pass it: an operation is always printed as JSON. */
    @Mixin Json json;

    @Override
    public Integer call() {
        Dbcloud.check(Dbcloud.uuid("operation id", id));
        Gateway gateway = root.gateway();
        JsonNode operation = gateway.get("/v1/operations/" + id);
        if (await) {
            operation = root.operations(gateway).await(operation, "Waiting for " + operation.path("type").asString()
                    + " of " + operation.path("instanceName").asString());
        }
        root.terminal().out().println(Json.print(operation));
        return "FAILED".equals(operation.path("status").asString()) ? ExitCode.FAILED : ExitCode.OK;
    }
}
