package dev.dbcloud.cli;

import dev.dbcloud.common.Credentials;
import dev.dbcloud.common.rules.Rule;
import dev.dbcloud.common.rules.Violation;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dbcloud}: the command line of the dbcloud control plane, shaped after {@code dbos-cloud db ...}. It reads
 * where the control plane is and the API key from {@code $DBCLOUD_HOME/credentials} (written by {@code dbcloud login}
 * or the local stack); {@code DBCLOUD_URL} and {@code DBCLOUD_API_KEY} override the file.
 */
@Command(name = "dbcloud", mixinStandardHelpOptions = true, versionProvider = Dbcloud.Version.class,
        addMethodSubcommands = false, // it has none: see commandLine
        description = "Provision, inspect, connect to, migrate and destroy PostgreSQL instances.",
        footerHeading = "%nConnection:%n",
        footer = "The control plane's URL and your API key come from $DBCLOUD_HOME/credentials (by default"
            + " ~/.dbcloud/credentials), which 'dbcloud login' and the local stack write. DBCLOUD_URL and"
            + " DBCLOUD_API_KEY override it.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:Success.",
            "1:The operation failed (its reason is printed), or the request was refused, e.g. a name in use.",
            "2:Usage or validation error; nothing was changed.",
            "3:Authentication failed: no API key, or an unknown or revoked one. Run 'dbcloud login'.",
            "4:Not found: no such instance, database or operation for your tenant.",
            "5:The control plane cannot be reached, or cannot answer right now."})
public final class Dbcloud implements Callable<Integer> {

    static final String DEFAULT_URL = "http://localhost:8080";

    /** The commands under {@code dbcloud}, in the order its usage lists them; see {@link #commandLine}. */
    private static final List<Class<?>> COMMANDS = List.of(LoginCommand.class, DbCommand.class, MigrateCommand.class,
            OperationCommand.class, KeysCommand.class, AdminCommand.class, CommandLine.HelpCommand.class);

    /** The commands of {@code db} that send no body and, without {@code --json}, print text: see {@link #main}. */
    private static final Set<String> TEXT_READS = Set.of("list", "status", "url", "databases", "backups");

    private final Terminal terminal;

    @Spec CommandSpec spec;

    Dbcloud(Terminal terminal) {
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        // Setting up the JSON mapper takes about as long as picocli's model of the command line. Answers are read
        // without it (JsonTree); where a command line may write JSON, it is set up on a second core meanwhile. Its
        // first use waits for it; a command that needs none exits without waiting.
        if (mayWriteJson(args)) {
            Thread json = new Thread(Json::mapper, "json-setup");
            json.setDaemon(true);
            json.start();
        }
        System.exit(execute(Terminal.system(), args));
    }

    /**
     * Whether a command line may write JSON ({@link Json#mapper()}): all but the reads of {@code db} without
     * {@code --json}, which only read answers and print text.
     */
    private static boolean mayWriteJson(String... args) {
        return !(args.length >= 2 && "db".equals(args[0]) && TEXT_READS.contains(args[1]))
                || Arrays.asList(args).contains("--json");
    }

    /** Runs one command line with the given streams, environment and folder; answers its exit code. */
    public static int run(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment,
            Path workingDirectory, String... args) {
        return execute(Terminal.of(in, out, err, environment, workingDirectory), args);
    }

    static int execute(Terminal terminal, String... args) {
        return isBareList(args) ? list(terminal, args.length == 3) : parseAndRun(terminal, args);
    }

    /** Runs {@code args} through picocli: its model of the commands they name, its parser, its usage and errors. */
    static int parseAndRun(Terminal terminal, String... args) {
        CommandLine commandLine = commandLine(terminal, args);
        commandLine.setOut(terminal.out()).setErr(terminal.err());
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            CommandLine command = e.getCommandLine();
            terminal.err().println("error: " + e.getMessage() + " See '" + command.getCommandSpec().qualifiedName()
                    + " --help'.");
            return ExitCode.USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, command, parseResult) -> failed(terminal, e));
        return commandLine.execute(args);
    }

    /**
     * Whether {@code args} are {@code db list} or {@code db list --json}, as given: the command line run most, in
     * scripts and by people, with nothing for a parser to do. See {@link #list}.
     */
    private static boolean isBareList(String... args) {
        return (args.length == 2 || args.length == 3 && "--json".equals(args[2])) && "db".equals(args[0])
                && "list".equals(args[1]);
    }

    /**
     * {@code db list} ({@code --json} if {@code json}), run as picocli runs it, without its model: the same command
     * method, given what picocli would give it, and a failure handled by the same {@link #failed}. picocli builds its
     * model by reflection on the commands' annotations (a proxy class for each annotation type, on every start):
     * more than half of what a {@code db list} cost before its request. {@code BareListTest} runs these
     * command lines both ways and compares what they print and exit with.
     */
    static int list(Terminal terminal, boolean json) {
        DbCommand db = new DbCommand();
        db.root = new Dbcloud(terminal);
        Json output = new Json();
        output.enabled = json;
        try {
            return db.list(output);
        } catch (Exception e) {
            return failed(terminal, e);
        }
    }

    /** A command that failed: its error on stderr, and the exit code it stands for. */
    private static int failed(Terminal terminal, Exception e) {
        if (e instanceof CliException failure) {
            terminal.err().println("error: " + failure.getMessage());
            return failure.exitCode();
        }
        if (terminal.environment("DBCLOUD_DEBUG") != null) {
            e.printStackTrace(terminal.err());
        }
        terminal.err().println("error: unexpected " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + " (DBCLOUD_DEBUG=1 shows where)");
        return ExitCode.FAILED;
    }

    /**
     * The commands that {@code args} can reach. picocli builds each command's model from its annotations by
     * reflection, which is most of what a command line costs before its request; so where {@code args} name a command
     * ({@code db list}), only that command's chain is built: its siblings are left out, as they can play no part in
     * parsing, running or failing that command line. Where they name none (no arguments, an option first, a typo, the
     * {@code help} command), every command is there, for usage and "did you mean" as before. Commands with commands of
     * their own as methods ({@code db}, {@code keys}, {@code admin}) say {@code addMethodSubcommands = false}: they are
     * added here the same way.
     */
    static CommandLine commandLine(Terminal terminal, String... args) {
        CommandLine root = new CommandLine(new Dbcloud(terminal));
        Class<?> named = args.length == 0 ? null : COMMANDS.stream()
                .filter(command -> command != CommandLine.HelpCommand.class && name(command).equals(args[0]))
                .findFirst().orElse(null);
        if (named == null) {
            COMMANDS.forEach(command -> addCommand(root, command, null));
        } else {
            addCommand(root, named, args.length > 1 ? args[1] : null);
        }
        return root;
    }

    /** Adds {@code command} to {@code parent}, with the one of its method commands named {@code next}, else all. */
    private static void addCommand(CommandLine parent, Class<?> command, String next) {
        parent.addSubcommand(command);
        CommandLine added = parent.getSubcommands().get(name(command));
        if (added.getCommandSpec().isAddMethodSubcommands()) {
            return; // picocli has added them all, if it has any
        }
        Method named = Arrays.stream(command.getDeclaredMethods()).filter(method -> method.isAnnotationPresent(
                Command.class) && method.getAnnotation(Command.class).name().equals(next)).findFirst().orElse(null);
        if (named == null) {
            added.getCommandSpec().addMethodSubcommands(parent.getFactory());
        } else {
            CommandLine method = new CommandLine(named, parent.getFactory());
            added.addSubcommand(method.getCommandName(), method);
        }
    }

    private static String name(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    /** A bare {@code dbcloud}: the usage. */
    @Override
    public Integer call() {
        return usage(spec);
    }

    /**
     * What a command of commands ({@code dbcloud}, {@code dbcloud db}, ...) does without one: its usage on stderr, and
     * the usage error's exit code, as picocli has it for a missing subcommand. Nothing was done, so a script that
     * forgot the command fails; {@code --help} prints the same on stdout with 0.
     */
    static int usage(CommandSpec spec) {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    Terminal terminal() {
        return terminal;
    }

    /** Where the credentials file is. */
    Path credentialsFile() {
        return Credentials.home(terminal.environment()).resolve(Credentials.FILE_NAME);
    }

    Credentials credentials() {
        return Credentials.read(credentialsFile());
    }

    /** The control plane, with the API key; {@link ExitCode#AUTHENTICATION} when there is no key. */
    Gateway gateway() {
        return connect("DBCLOUD_API_KEY", Credentials::apiKey, "no API key: run 'dbcloud login', or start the local"
                + " stack, which writes " + credentialsFile() + ".");
    }

    /** The control plane with the admin key: {@code DBCLOUD_ADMIN_KEY}, else {@code admin_key} in the file. */
    Gateway adminGateway() {
        return connect("DBCLOUD_ADMIN_KEY", Credentials::adminKey, "no admin key: set DBCLOUD_ADMIN_KEY, or add"
                + " admin_key to " + credentialsFile() + ".");
    }

    private Gateway connect(String keyVariable, Function<Credentials, String> savedKey, String noKey) {
        Credentials credentials = credentials();
        String url = firstOf(terminal.environment("DBCLOUD_URL"), credentials.url(), DEFAULT_URL);
        String key = firstOf(terminal.environment(keyVariable), savedKey.apply(credentials), null);
        if (key == null) {
            throw new CliException(ExitCode.AUTHENTICATION, noKey);
        }
        return new Gateway(baseUri(url), key);
    }

    Operations operations(Gateway gateway) {
        return new Operations(gateway, terminal);
    }

    /** The URL as a base for the API's paths; {@link ExitCode#USAGE} when it is not an http(s) URL. */
    static URI baseUri(String url) {
        try {
            URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("not http(s)");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "the control plane's URL '" + url
                    + "' is not an http:// or https:// URL.");
        }
    }

    /** Fails with {@link ExitCode#USAGE} and every broken rule, before any request is sent. */
    @SafeVarargs
    static void check(List<Violation>... groups) {
        List<Violation> violations = Arrays.stream(groups).flatMap(List::stream).toList();
        if (!violations.isEmpty()) {
            throw new CliException(ExitCode.USAGE, violations.stream().map(v -> v.field() + " " + v.message())
                    .collect(Collectors.joining("; ")) + ".");
        }
    }

    /** A UUID, such as an operation's or a key's id. */
    static List<Violation> uuid(String field, String value) {
        try {
            UUID.fromString(value);
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of(new Violation(field, Rule.FORMAT, "must be a UUID such as 123e4567-e89b-12d3-a456-426614174000"));
        }
    }

    private static String firstOf(String first, String second, String fallback) {
        return first != null ? first : second != null && !second.isBlank() ? second : fallback;
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Dbcloud.class.getPackage().getImplementationVersion();
            return new String[] {"dbcloud " + (version == null ? "(development build)" : version)};
        }
    }
}
