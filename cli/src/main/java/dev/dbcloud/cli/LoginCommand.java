package dev.dbcloud.cli;

import dev.dbcloud.common.Credentials;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dbcloud login}: checks a control plane's URL and API key, then keeps them in the credentials file. */
@Command(name = "login", mixinStandardHelpOptions = true, description = {
    "Check and save the control plane's URL and your API key in $DBCLOUD_HOME/credentials (mode 0600).",
    "Without --token, asks for the key without echo."})
final class LoginCommand implements Callable<Integer> {

    @ParentCommand Dbcloud root;

    @Option(names = "--url", paramLabel = "<url>",
            description = "The control plane's URL (default: the saved one, else " + Dbcloud.DEFAULT_URL + ").")
    String url;

    @Option(names = "--token", paramLabel = "<api key>",
            description = "Your API key. Prefer the prompt: a key on the command line stays in the shell's history.")
    String token;

    @Mixin Json json;

    @Override
    public Integer call() {
        Path file = root.credentialsFile();
        Credentials saved = Credentials.read(file);
        String base = url != null ? url : saved.url() != null ? saved.url() : Dbcloud.DEFAULT_URL;
        String key = token != null ? token.strip() : root.terminal().askSecret("API key for " + base + ": ",
                "--token <api key>").strip();
        if (key.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "no API key given; nothing was saved");
        }
        new Gateway(Dbcloud.baseUri(base), key).get("/v1/instances");
        new Credentials(base, key, saved.adminKey(), saved.kafka()).write(file);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("url", base);
        fields.put("credentialsFile", file.toString());
        json.print(root.terminal(), fields, "Logged in to " + base + "; saved in " + file + ".");
        return ExitCode.OK;
    }
}
