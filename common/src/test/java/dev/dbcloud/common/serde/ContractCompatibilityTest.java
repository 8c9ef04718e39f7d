package dev.dbcloud.common.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

/** The contract's build-time guarantees: complete, documented, and able to read every released version. */
class ContractCompatibilityTest {

    @Test
    void everySchemaInTheContractIsACatalogedType() throws IOException {
        List<String> schemaFiles;
        try (Stream<Path> files = Files.list(Path.of("src/main/avro"))) {
            schemaFiles = files.map(p -> p.getFileName().toString().replace(".avsc", "")).sorted().toList();
        }
        assertThat(EventCatalog.TYPES.stream().map(Class::getSimpleName).sorted().toList())
                .containsExactlyElementsOf(schemaFiles);
    }

    @Test
    void everyFieldIsDocumented() {
        for (Class<? extends SpecificRecordBase> type : EventCatalog.TYPES) {
            assertDocumented(SpecificData.get().getSchema(type));
        }
    }

    @Test
    void everyCurrentSchemaReadsWhatEachReleasedVersionWrote() {
        int checked = 0;
        for (Class<? extends SpecificRecordBase> type : EventCatalog.TYPES) {
            Schema reader = SpecificData.get().getSchema(type);
            for (Schema writer : EventCatalog.history(type)) {
                assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType())
                        .as("%s reads %s", type.getSimpleName(), writer)
                        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
                checked++;
            }
        }
        assertThat(checked).as("released versions checked").isPositive();
    }

    private static void assertDocumented(Schema schema) {
        for (Schema.Field field : schema.getFields()) {
            assertThat(field.doc()).as("doc of %s.%s", schema.getName(), field.name()).isNotBlank();
            Schema type = field.schema();
            if (type.getType() == Schema.Type.ARRAY) {
                type = type.getElementType();
            }
            if (type.getType() == Schema.Type.RECORD) {
                assertDocumented(type);
            }
        }
    }
}
