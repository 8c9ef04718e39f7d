package dev.dbcloud.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** {@link JsonTree} reads what {@code JsonMapper.readTree} reads, into the same tree, and refuses what it refuses. */
class JsonTreeTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"items\":[{\"name\":\"bench1\",\"status\":\"AVAILABLE\",\"hostName\":\"localhost\",\"port\":15432,"
            + "\"adminUsername\":\"app\",\"driver\":\"LOCAL\",\"createdAt\":\"2026-12-05T08:50:01.123456Z\"}],"
            + "\"next\":null}",
        "{\"port\":null,\"statusReason\":\"\",\"nested\":{\"a\":[1,[2,[3,{}]],[]],\"b\":{\"c\":true,\"d\":false}}}",
        "[]", "{}", "null", "true", "\"text\"", "0", "-1", "2147483647", "2147483648", "-2147483649",
        "9223372036854775807", "9223372036854775808", "123456789012345678901234567890", "1.5", "-0.0", "1e3",
        "1.0E-7", "3.141592653589793238462643383279", "1e400", "{\"sizeBytes\":41200000000}",
        "{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":[1],\"a\":{\"b\":2}}", "\"\\u00e9t\\u00e9 \\ud83d\\ude00 \\n \\\"q\\\"\"",
        "  {\"padded\": [ 1 , 2 ] }  \n", "{\"type\":\"about:blank\",\"title\":\"Conflict\",\"status\":409,"
            + "\"detail\":\"an instance named bench1 exists\",\"errors\":[{\"field\":\"name\",\"rule\":\"unique\"}]}"})
    void readsTheTreeTheMapperReads(String text) {
        JsonNode expected = Json.mapper().readTree(text);
        JsonNode read = JsonTree.read(text);
        assertThat(read).isEqualTo(expected);
        assertThat(nodeTypes(read)).isEqualTo(nodeTypes(expected));
        assertThat(Json.print(read)).isEqualTo(Json.print(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "[1,", "{\"a\":}", "{\"a\" 1}", "nul", "<html>Bad Gateway</html>", "{} {}", "[] x",
        "1 2", "{\"a\":1}}", "'single'", "{a:1}", "[1,]", "NaN", "01", "\"unterminated"})
    void refusesWhatTheMapperRefuses(String text) {
        assertThatThrownBy(() -> Json.mapper().readTree(text)).isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> JsonTree.read(text)).isInstanceOf(JacksonException.class);
    }

    /** Every node's class, depth first, with the names of its object's fields in their order. */
    private static List<String> nodeTypes(JsonNode node) {
        List<String> types = new ArrayList<>();
        types.add(node.getClass().getSimpleName());
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                types.add(field.getKey());
                types.addAll(nodeTypes(field.getValue()));
            }
        } else if (node.isArray()) {
            node.valueStream().forEach(element -> types.addAll(nodeTypes(element)));
        }
        return types;
    }
}
