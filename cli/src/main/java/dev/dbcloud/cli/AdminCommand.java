package dev.dbcloud.cli;

import dev.dbcloud.common.rules.TenantRules;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
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

/**
 * {@code dbcloud admin ...}: tenants, with the admin key ({@code admin_key} in the credentials file, which the local
 * stack writes, or {@code DBCLOUD_ADMIN_KEY}).
 */
@Command(name = "admin", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        addMethodSubcommands = false, // Dbcloud.commandLine adds them
        description = "Manage tenants, with the admin key (admin_key in the credentials file, or DBCLOUD_ADMIN_KEY).")
final class AdminCommand implements Callable<Integer> {

    @ParentCommand Dbcloud root;

    @Spec CommandSpec spec;

    /** A bare {@code dbcloud admin}: the usage. */
    @Override
    public Integer call() {
        return Dbcloud.usage(spec);
    }

    @Command(name = "create-tenant", description = {"Create a tenant and print its first API key, on stdout, this one time."})
    int createTenant(@Parameters(paramLabel = "<tenant>", description = "3 to 32 lowercase letters, digits and hyphens.")
            String tenant, @Mixin Json json) {
        Dbcloud.check(TenantRules.tenantName("tenant", tenant));
        JsonNode created = root.adminGateway().post("/v1/admin/tenants", Map.of("name", tenant));
        root.terminal().err().println("Tenant " + tenant + " created; its first key is shown only now.");
        json.print(root.terminal(), withTenant(tenant, created.path("apiKey")),
                created.path("apiKey").path("key").asString());
        return ExitCode.OK;
    }

    @Command(name = "tenants", description = "List the tenants.")
    int tenants(@Mixin Json json) {
        JsonNode tenants = root.adminGateway().list("/v1/admin/tenants");
        if (json.enabled) {
            root.terminal().out().println(Json.print(tenants));
            return ExitCode.OK;
        }
        Table table = new Table("TENANT", "ACTIVE KEYS", "CREATED");
        tenants.forEach(t -> table.row(t.path("name").asString(), t.path("activeKeys").asString(),
                t.path("createdAt").asString()));
        table.print(root.terminal().out());
        return ExitCode.OK;
    }

    @Command(name = "issue-key", description = "Issue a new key for a tenant, e.g. one that lost or revoked its keys.")
    int issueKey(@Parameters(paramLabel = "<tenant>", description = "The tenant.") String tenant,
            @Option(names = "--name", paramLabel = "<label>", description = "A label for the key.") String label,
            @Mixin Json json) {
        Dbcloud.check(TenantRules.tenantName("tenant", tenant), TenantRules.keyName("name", label));
        Map<String, Object> body = new HashMap<>();
        body.put("name", label);
        JsonNode key = root.adminGateway().post("/v1/admin/tenants/" + tenant + "/keys", body);
        root.terminal().err().println("Key " + key.path("id").asString() + " issued for " + tenant
                + "; it is shown only now.");
        json.print(root.terminal(), withTenant(tenant, key), key.path("key").asString());
        return ExitCode.OK;
    }

    /** A tenant's key created, as {@code --json} prints it: its tenant, then as 'dbcloud keys create' has it. */
    private static Map<String, Object> withTenant(String tenant, JsonNode key) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("tenant", tenant);
        fields.putAll(KeysCommand.key(key));
        return fields;
    }
}
