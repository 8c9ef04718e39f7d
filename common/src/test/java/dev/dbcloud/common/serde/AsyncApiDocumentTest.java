package dev.dbcloud.common.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbcloud.common.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code docs/asyncapi.yaml}, the contract as other systems read it, keeps up with the code: every record type is a
 * message whose payload is its current schema, every topic and dead-letter topic is a channel, every reference
 * resolves.
 */
class AsyncApiDocumentTest {

    private static final Path DOCS = Path.of("../docs");
    private static final Path DOCUMENT = DOCS.resolve("asyncapi.yaml");
    /** Named types the records use without defining them; the Avro plugin parses them first too (pom.xml). */
    private static final List<Path> SHARED_AVRO_TYPES = List.of(
            Path.of("src/main/avro-types/AppliedMigration.avsc"), Path.of("src/main/avro-types/RestorePoint.avsc"));

    private static Map<String, Object> document;

    @BeforeAll
    static void read() throws IOException {
        document = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(DOCUMENT));
    }

    @Test
    void isAnAsyncApi3Document() {
        assertThat(String.valueOf(document.get("asyncapi"))).startsWith("3.");
        assertThat(map(document, "info")).containsKeys("title", "version");
    }

    @Test
    void everyTopicAndItsDeadLetterTopicIsAChannel() {
        Set<String> addresses = channels().values().stream()
                .map(channel -> (String) channel.get("address"))
                .collect(Collectors.toSet());
        for (String topic : Topics.ALL) {
            assertThat(addresses).as("channel addresses").contains(topic, Topics.deadLetter(topic));
        }
    }

    @Test
    void everyRecordTypeIsAMessageWhosePayloadIsItsCurrentSchema() throws IOException {
        // The fingerprint names the writer's schema on the wire (EventCodec): equal fingerprints, same record.
        Map<String, Long> payloadFingerprints = new HashMap<>();
        for (Map.Entry<String, Map<String, Object>> message : messages().entrySet()) {
            Map<String, Object> payload = map(message.getValue(), "payload");
            if (payload.containsKey("schemaFormat")) {
                assertThat((String) payload.get("schemaFormat")).as("schemaFormat of %s", message.getKey())
                        .startsWith("application/vnd.apache.avro");
                Schema schema = avro(payload.get("schema"));
                payloadFingerprints.put(schema.getFullName(), SchemaNormalization.parsingFingerprint64(schema));
            }
        }
        for (Class<? extends SpecificRecordBase> type : EventCatalog.TYPES) {
            Schema current = SpecificData.get().getSchema(type);
            assertThat(payloadFingerprints.keySet()).as("records that are the Avro payload of a message")
                    .contains(current.getFullName());
            assertThat(payloadFingerprints.get(current.getFullName()))
                    .as("fingerprint of the payload of %s", type.getSimpleName())
                    .isEqualTo(SchemaNormalization.parsingFingerprint64(current));
        }
    }

    @Test
    void everyRecordTypeTravelsOnTheChannelOfADbcloudTopic() {
        List<String> onTopics = new ArrayList<>();
        for (Map<String, Object> channel : channels().values()) {
            if (Topics.ALL.contains((String) channel.get("address"))) {
                for (Object reference : map(channel, "messages").values()) {
                    Map<String, Object> message = resolve((String) ((Map<?, ?>) reference).get("$ref"));
                    onTopics.add((String) message.get("name"));
                }
            }
        }
        assertThat(onTopics).as("messages on the channels of Topics.ALL")
                .containsExactlyInAnyOrderElementsOf(EventCatalog.TYPES.stream().map(Class::getSimpleName).toList());
    }

    @Test
    void everyReferenceResolves() {
        List<String> references = new ArrayList<>();
        collectReferences(document, references);
        assertThat(references).isNotEmpty();
        for (String reference : references) {
            if (reference.startsWith("#/")) {
                assertThat(resolve(reference)).as(reference).isNotNull();
            } else {
                assertThat(DOCS.resolve(reference.replaceFirst("#.*$", ""))).as(reference).isRegularFile();
            }
        }
    }

    @Test
    void namesTheHeadersEveryRecordCarries() {
        Map<String, Object> headers = resolve("#/components/schemas/RecordHeaders");
        assertThat(map(headers, "properties")).containsKeys(Topics.EVENT_TYPE_HEADER, "traceparent");
        List<String> required = cast(headers.get("required"));
        assertThat(required).containsExactly(Topics.EVENT_TYPE_HEADER);
    }

    private static Schema avro(Object schema) throws IOException {
        Schema.Parser parser = new Schema.Parser();
        for (Path shared : SHARED_AVRO_TYPES) {
            parser.parse(shared.toFile());
        }
        if (schema instanceof Map<?, ?> reference && reference.containsKey("$ref")) {
            return parser.parse(DOCS.resolve((String) reference.get("$ref")).toFile());
        }
        return parser.parse(new ObjectMapper().writeValueAsString(schema)); // an Avro schema written inline
    }

    private static void collectReferences(Object node, List<String> references) {
        if (node instanceof Map<?, ?> object) {
            object.forEach((key, value) -> {
                if ("$ref".equals(key)) {
                    references.add((String) value);
                } else {
                    collectReferences(value, references);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collectReferences(item, references));
        }
    }

    /** Follows a local JSON pointer such as {@code #/components/messages/X}; answers null when it leads nowhere. */
    private static Map<String, Object> resolve(String pointer) {
        Object node = document;
        for (String step : pointer.substring(2).split("/")) {
            if (!(node instanceof Map<?, ?> object)) {
                return null;
            }
            node = object.get(step.replace("~1", "/").replace("~0", "~"));
        }
        return node instanceof Map<?, ?> ? cast(node) : null;
    }

    private static Map<String, Map<String, Object>> channels() {
        return cast(document.get("channels"));
    }

    private static Map<String, Map<String, Object>> messages() {
        return cast(map(document, "components").get("messages"));
    }

    private static Map<String, Object> map(Map<String, Object> node, String key) {
        assertThat(node.get(key)).as(key).isInstanceOf(Map.class);
        return cast(node.get(key));
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object node) {
        return (T) node;
    }
}
