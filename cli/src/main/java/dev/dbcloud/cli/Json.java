package dev.dbcloud.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code --json}: machine-readable output on stdout, one JSON document whose field names are a contract: scripts read
 * them, so they change only by gaining fields. Progress and errors stay on stderr; a failed command prints no JSON.
 */
final class Json {

    @Option(names = "--json", description = "Print JSON, with stable field names, instead of text.")
    boolean enabled;

    /** Prints {@code fields} as JSON with {@code --json}, else the line {@code text}. */
    void print(Terminal terminal, Map<String, ?> fields, String text) {
        terminal.out().println(enabled ? print(fields) : text);
    }

    /** {@code value} as indented JSON. */
    static String print(Object value) {
        return mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value);
    }

    /**
     * The mapper that writes JSON: {@code --json}'s output and the bodies of requests. Set up on first use (or ahead of
     * it, by {@link Dbcloud#main}): answers are read without it ({@link JsonTree}).
     */
    static JsonMapper mapper() {
        return Mapper.JSON;
    }

    private static final class Mapper {
        static final JsonMapper JSON = JsonMapper.builder().build();
    }

    /**
     * What a command that runs an operation prints with {@code --json}: {@code operationId}, {@code type},
     * {@code status} and {@code instance}, then {@code more}, pairs of a field's name and its value.
     */
    static Map<String, Object> operation(JsonNode operation, Object... more) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("operationId", operation.path("id").asString(null));
        fields.put("type", operation.path("type").asString(null));
        fields.put("status", operation.path("status").asString(null));
        fields.put("instance", operation.path("instanceName").asString(null));
        for (int i = 0; i + 1 < more.length; i += 2) {
            fields.put((String) more[i], more[i + 1]);
        }
        return fields;
    }
}
