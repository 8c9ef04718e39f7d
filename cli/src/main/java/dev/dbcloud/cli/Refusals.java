package dev.dbcloud.cli;

import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * A refusal of the control plane in the CLI's words. The gateway's problem details are written for HTTP callers: some
 * name a request to send instead ({@code DELETE /v1/linked-instances/legacy}), a header, or a body field. Picked by
 * the problem's stable {@code code} (never by its wording), such a detail becomes the command to run; any other
 * detail is printed as the gateway wrote it.
 */
final class Refusals {

    /** The API's body fields as the CLI's options name them, for the rules a validation problem lists. */
    private static final Map<String, String> OPTIONS = Map.of(
            "pointInTime", "-t/--timestamp",
            "beforeMigration", "--before-migration",
            "targetName", "-n/--new-name",
            "hostName", "-H/--hostname",
            "adminRole", "-U/--username",
            "username", "-U/--username",
            "appDbName", "--app-db-name",
            "application", "--app");

    private Refusals() {
    }

    /** What to print for the refusal {@code problem}, with {@code status}, of {@code method path}. */
    static String describe(String method, String path, int status, JsonNode problem) {
        String code = problem.path("code").asString("");
        String detail = problem.path("detail").asString(null);
        boolean admin = path.startsWith("/v1/admin/");
        if (status == 401) {
            return admin
                    ? "the admin key was refused. Check DBCLOUD_ADMIN_KEY, or admin_key in the credentials file."
                    : "the API key was refused: it is unknown, or revoked. Run 'dbcloud login' with a valid key.";
        }
        return switch (code) {
            case "INSTANCE_IS_LINKED" -> "DELETE".equals(method)
                    ? linkedNotDestroyed(instance(path))
                    : detail(detail, status);
            case "INSTANCE_NOT_LINKED" -> "instance " + instance(path) + " is not linked: dbcloud provisioned it."
                    + " 'dbcloud db destroy " + instance(path) + "' destroys it, with its server and all its data.";
            case "FORBIDDEN" -> admin
                    ? "this key is not the admin key: 'dbcloud admin' commands take DBCLOUD_ADMIN_KEY, or admin_key in"
                            + " the credentials file."
                    : "the admin key manages tenants only: run 'dbcloud login' with one of a tenant's keys"
                            + " ('dbcloud admin issue-key <tenant>' issues one).";
            case "IDEMPOTENCY_KEY_REUSED" -> "the control plane took this command for another one sent before; nothing"
                    + " was changed. Run it again.";
            case "TOO_MANY_WAITS" -> "too many commands of your tenant are waiting for their operations at once; try"
                    + " again shortly, or run this one with --no-wait.";
            case "REQUEST_TOO_LARGE" -> path.endsWith("/migrations")
                    ? "the migrations are too large to send at once. Apply them in batches: a --dir holding the first"
                            + " files, then one holding them all (applied versions are skipped)."
                    : detail(detail, status);
            case "MALFORMED_REQUEST" -> versionMismatch();
            case "VALIDATION_FAILED" -> validation(problem.path("errors"));
            default -> detail(detail, status);
        };
    }

    /** Why {@code dbcloud db destroy} leaves a linked instance alone, and what to run instead. */
    static String linkedNotDestroyed(String name) {
        return "instance " + name + " is linked: dbcloud never destroys a server it did not provision. Forget it with"
                + " 'dbcloud db unlink " + name + "', which leaves its server alone.";
    }

    /** Every broken rule, each under the option that sets its field. */
    private static String validation(JsonNode errors) {
        if (!errors.isArray() || errors.isEmpty()) {
            return "the control plane refused the input.";
        }
        if (errors.valueStream().anyMatch(e -> "UNKNOWN_FIELD".equals(e.path("rule").asString()))) {
            return versionMismatch();
        }
        return "the control plane refused the input: " + errors.valueStream().map(Refusals::rule)
                .collect(Collectors.joining("; ")) + ".";
    }

    private static String rule(JsonNode error) {
        String field = error.path("field").asString("");
        String message = error.path("message").asString("");
        String option = OPTIONS.get(field);
        return option != null && message.startsWith(field + " ") ? option + message.substring(field.length()) : message;
    }

    private static String versionMismatch() {
        return "the control plane does not understand this CLI's request. Is this dbcloud ('dbcloud --version') of"
                + " the control plane's version?";
    }

    private static String detail(String detail, int status) {
        return detail != null ? detail : "the control plane answered HTTP " + status + ".";
    }

    /** The instance a path such as {@code /v1/instances/orders/stop} or {@code /v1/linked-instances/legacy} names. */
    private static String instance(String path) {
        String[] segments = path.split("/");
        return segments.length > 3 ? segments[3] : "<name>";
    }
}
