package dev.dbcloud.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Where the CLI talks to its user: stdout for results, stderr for progress and errors, and prompts. On a terminal
 * secrets are read without echo; otherwise each prompt reads one line of stdin, so scripts and tests can pipe them in.
 */
final class Terminal {

    private final BufferedReader in;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Console console;
    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final boolean processStdin;

    private Terminal(InputStream in, PrintStream out, PrintStream err, Console console, Map<String, String> environment,
            Path workingDirectory, boolean processStdin) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = new PrintWriter(out, true, StandardCharsets.UTF_8);
        this.err = new PrintWriter(err, true, StandardCharsets.UTF_8);
        this.console = console;
        this.environment = environment;
        this.workingDirectory = workingDirectory;
        this.processStdin = processStdin;
    }

    /** The process's own streams, environment and folder; interactive when they are a terminal. */
    static Terminal system() {
        Console console = System.console();
        return new Terminal(System.in, System.out, System.err, isTerminal(console) ? console : null, System.getenv(),
                Path.of("").toAbsolutePath(), true);
    }

    /** Given streams, never interactive: prompts read lines from {@code in}. */
    static Terminal of(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment,
            Path workingDirectory) {
        return new Terminal(in, out, err, null, environment, workingDirectory, false);
    }

    /** Whether a person is at a terminal: prompts do not echo, and waiting shows a spinner. */
    boolean interactive() {
        return console != null;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    String environment(String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    Map<String, String> environment() {
        return environment;
    }

    Path workingDirectory() {
        return workingDirectory;
    }

    /** Asks for a line. */
    String ask(String prompt) {
        if (console != null) {
            String line = console.readLine("%s", prompt);
            if (line == null) {
                throw new CliException(ExitCode.USAGE, "no answer: the input ended");
            }
            return line;
        }
        err.println(prompt);
        return nextLine();
    }

    /**
     * Asks for a secret, without echo on a terminal. {@code instead} is how else to give it, such as
     * {@code -W <password>}: the error says so when the input ends before an answer, as it does at once where there
     * is no terminal and nothing is piped in (a CI job, say).
     */
    String askSecret(String prompt, String instead) {
        if (console != null) {
            char[] secret = console.readPassword("%s", prompt);
            if (secret == null) {
                throw new CliException(ExitCode.USAGE, "no answer: the input ended. Give it with " + instead + ".");
            }
            String value = new String(secret);
            Arrays.fill(secret, '\0');
            return value;
        }
        if (processStdin && echo(false)) {
            // Not a console (stdout is captured, as in psql "$(dbcloud db url x -S)"), but stdin is a terminal.
            Thread restore = new Thread(() -> echo(true));
            Runtime.getRuntime().addShutdownHook(restore);
            try {
                err.print(prompt);
                err.flush();
                return nextLine("no answer: the input ended. Give it with " + instead + ".");
            } finally {
                echo(true);
                Runtime.getRuntime().removeShutdownHook(restore);
                err.println();
            }
        }
        err.println(prompt);
        return nextLine("no answer: the input ended, and there is no terminal to ask on. Give it with " + instead
                + ", or pipe it on stdin.");
    }

    /** Turns the echo of the terminal on stdin on or off; false when stdin is no terminal. */
    private static boolean echo(boolean on) {
        try {
            Process stty = new ProcessBuilder("stty", on ? "echo" : "-echo")
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return stty.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String nextLine() {
        return nextLine("no answer: the input ended");
    }

    private String nextLine(String whenEnded) {
        try {
            String line = in.readLine();
            if (line == null) {
                throw new CliException(ExitCode.USAGE, whenEnded);
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Before Java 22 a console exists only on a terminal; from 22 on, {@code Console.isTerminal()} says. */
    private static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
