package dev.dbcloud.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Waits for an accepted operation to end: a spinner with the elapsed time on a terminal, plain lines otherwise.
 * The control plane ends every operation, FAILED with {@code TIMEOUT} at worst, so the wait is bounded.
 */
final class Operations {

    private static final Duration HOLD = Duration.ofSeconds(10);
    private static final String FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";

    private final Gateway gateway;
    private final Terminal terminal;

    Operations(Gateway gateway, Terminal terminal) {
        this.gateway = gateway;
        this.terminal = terminal;
    }

    /**
     * Follows {@code accepted} to its end, describing it as {@code doing} ("Provisioning orders").
     *
     * @return the ended operation
     * @throws CliException {@link ExitCode#FAILED} with the operation's reason when it failed
     */
    JsonNode await(JsonNode accepted, String doing) {
        return await(accepted, doing, code -> null);
    }

    /** As {@link #await(JsonNode, String)}, adding {@code hint}'s advice for the failure's code, if it has any. */
    JsonNode await(JsonNode accepted, String doing, Function<String, String> hint) {
        String id = accepted.path("id").asString();
        long begin = System.nanoTime();
        PrintWriter err = terminal.err();
        ScheduledExecutorService spinner = terminal.interactive() ? spin(err, doing, begin) : null;
        if (spinner == null) {
            err.println(doing + " (operation " + id + ")...");
        }
        JsonNode operation = accepted;
        try {
            while (!ended(operation)) {
                operation = gateway.get("/v1/operations/" + id + "?waitSeconds=" + HOLD.toSeconds(), HOLD);
            }
        } catch (CliException e) {
            throw new CliException(e.exitCode(), e.getMessage() + " Operation " + id
                    + " goes on; follow it with 'dbcloud operation " + id + "'.");
        } finally {
            if (spinner != null) {
                spinner.shutdownNow();
                awaitQuietly(spinner);
                err.print("\r\033[K");
                err.flush();
            }
        }
        String elapsed = String.format("%.1fs", (System.nanoTime() - begin) / 1e9);
        if ("FAILED".equals(operation.path("status").asString())) {
            String code = operation.path("error").path("code").asString("UNKNOWN");
            String advice = hint.apply(code);
            String reason = operation.path("error").path("message").asString("no reason given").strip();
            throw new CliException(ExitCode.FAILED, doing + " failed after " + elapsed + ": " + code + ": " + reason
                    + (advice == null ? "" : (reason.endsWith(".") ? " " : ". ") + advice));
        }
        err.println(doing + ": done in " + elapsed + ".");
        return operation;
    }

    static boolean ended(JsonNode operation) {
        String status = operation.path("status").asString();
        return "SUCCEEDED".equals(status) || "FAILED".equals(status);
    }

    private static ScheduledExecutorService spin(PrintWriter err, String doing, long begin) {
        ScheduledExecutorService spinner = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "dbcloud-spinner");
            thread.setDaemon(true);
            return thread;
        });
        int[] frame = {0};
        spinner.scheduleAtFixedRate(() -> {
            err.printf("\r%c %s  %.1fs", FRAMES.charAt(frame[0]++ % FRAMES.length()), doing,
                    (System.nanoTime() - begin) / 1e9);
            err.flush();
        }, 0, 100, TimeUnit.MILLISECONDS);
        return spinner;
    }

    private static void awaitQuietly(ScheduledExecutorService spinner) {
        try {
            spinner.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
