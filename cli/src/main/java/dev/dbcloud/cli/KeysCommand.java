package dev.dbcloud.cli;

import dev.dbcloud.common.rules.TenantRules;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code dbcloud keys ...}: your tenant's API keys. A key is shown once, when created. */
@Command(name = "keys", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        addMethodSubcommands = false, // Dbcloud.commandLine adds them
        description = "Create, list and revoke your tenant's API keys.")
final class KeysCommand implements Callable<Integer> {

    @ParentCommand Dbcloud root;

    @Spec CommandSpec spec;

    /** A bare {@code dbcloud keys}: the usage. */
    @Override
    public Integer call() {
        return Dbcloud.usage(spec);
    }

    @Command(name = "list", description = "List your keys: id, visible prefix, label; never the keys themselves.")
    int list(@Mixin Json json) {
        JsonNode keys = root.gateway().list("/v1/keys");
        PrintWriter out = root.terminal().out();
        if (json.enabled) {
            out.println(Json.print(keys));
            return ExitCode.OK;
        }
        Table table = new Table("ID", "PREFIX", "NAME", "CREATED", "REVOKED");
        keys.forEach(k -> table.row(k.path("id").asString(), k.path("prefix").asString(), k.path("name").asString("-"),
                k.path("createdAt").asString(), k.path("revokedAt").asString("-")));
        table.print(out);
        return ExitCode.OK;
    }

    @Command(name = "create", description = {"Create a key and print it, on stdout, this one time.",
        "Its id and prefix go to stderr."})
    int create(@Option(names = "--name", paramLabel = "<label>", description = "A label, such as ci.") String label,
            @Mixin Json json) {
        Dbcloud.check(TenantRules.keyName("name", label));
        Map<String, Object> body = new HashMap<>();
        body.put("name", label);
        JsonNode key = root.gateway().post("/v1/keys", body);
        root.terminal().err().println("Key " + key.path("id").asString() + " (" + key.path("prefix").asString()
                + "...) created; it is shown only now.");
        json.print(root.terminal(), key(key), key.path("key").asString());
        return ExitCode.OK;
    }

    /** A key created, as {@code --json} prints it: the key itself, this one time, with its id, prefix and label. */
    static Map<String, Object> key(JsonNode key) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", key.path("id").asString(null));
        fields.put("prefix", key.path("prefix").asString(null));
        fields.put("name", key.path("name").asString(null));
        fields.put("key", key.path("key").asString(null));
        return fields;
    }

    @Command(name = "revoke", description = "Revoke a key: it is refused from the next request on.")
    int revoke(@Parameters(paramLabel = "<id>", description = "The key's id, from 'dbcloud keys list'.") String id,
            @Mixin Json json) {
        Dbcloud.check(Dbcloud.uuid("id", id));
        root.gateway().delete("/v1/keys/" + id);
        json.print(root.terminal(), Map.of("id", id, "revoked", true), "Key " + id + " is revoked.");
        return ExitCode.OK;
    }
}
