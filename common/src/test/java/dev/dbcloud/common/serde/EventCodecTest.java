package dev.dbcloud.common.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbcloud.common.EventMetadata;
import dev.dbcloud.common.Topics;
import dev.dbcloud.events.InstanceDriverKind;
import dev.dbcloud.events.InstanceProvisioned;
import dev.dbcloud.events.ProvisionRequested;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private final EventCodec codec = new EventCodec();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Test
    void roundTripsEveryRecordTypeThroughOneDecoder() {
        ProvisionRequested command = ProvisionRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setOperationId(UUID.randomUUID().toString())
                .setTenant("acme").setInstanceName("orders").setOccurredAt(now)
                .setAdminUsername("alice").setPasswordVerifier("SCRAM-SHA-256$4096:c2FsdA==$a:b")
                .build();
        InstanceProvisioned outcome = provisioned();

        assertThat(codec.decode(codec.encode(command))).isEqualTo(command);
        assertThat(codec.decode(codec.encode(outcome))).isEqualTo(outcome);
    }

    @Test
    void writesSingleObjectEncodingWithTheWriterSchemaFingerprint() {
        byte[] bytes = codec.encode(provisioned());

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(InstanceProvisioned.getClassSchema()));
    }

    @Test
    void resolvesARecordWrittenWithAnOlderSchemaVersion() throws IOException {
        Schema v1 = readSchema("dbcloud/avro-history/InstanceProvisioned/v1.avsc");
        assertThat(v1.getField("driver")).isNull();
        GenericRecord old = new GenericData.Record(v1);
        old.put("eventId", UUID.randomUUID().toString());
        old.put("operationId", UUID.randomUUID().toString());
        old.put("tenant", "acme");
        old.put("instanceName", "orders");
        old.put("occurredAt", now.toEpochMilli());
        old.put("hostName", "localhost");
        old.put("port", 15432);
        old.put("adminUsername", "alice");
        old.put("controlPasswordCiphertext", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        byte[] written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

        SpecificRecordBase read = codec.decode(written);

        assertThat(read).isInstanceOf(InstanceProvisioned.class);
        InstanceProvisioned provisioned = (InstanceProvisioned) read;
        assertThat(provisioned.getPort()).isEqualTo(15432);
        assertThat(provisioned.getOccurredAt()).isEqualTo(now);
        assertThat(provisioned.getDriver()).isEqualTo(InstanceDriverKind.UNKNOWN);
    }

    @Test
    void refusesBytesThatAreNotAKnownRecord() {
        assertThatThrownBy(() -> codec.decode("not avro at all".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UndecodableRecordException.class);
        assertThatThrownBy(() -> codec.decode(new byte[3])).isInstanceOf(UndecodableRecordException.class);
    }

    @Test
    void serializerNamesTheRecordTypeInAHeader() {
        RecordHeaders headers = new RecordHeaders();
        byte[] bytes = new AvroEventSerializer(codec).serialize(Topics.INSTANCE_EVENTS, headers, provisioned());

        assertThat(new String(headers.lastHeader(Topics.EVENT_TYPE_HEADER).value(), StandardCharsets.UTF_8))
                .isEqualTo("InstanceProvisioned");
        assertThat(new AvroEventDeserializer(codec).deserialize(Topics.INSTANCE_EVENTS, bytes))
                .isInstanceOf(InstanceProvisioned.class);
    }

    @Test
    void exposesTheSharedMetadataOfAnyRecord() {
        InstanceProvisioned event = provisioned();
        EventMetadata metadata = EventMetadata.of(event);

        assertThat(metadata.eventId().toString()).isEqualTo(event.getEventId());
        assertThat(metadata.instance().key()).isEqualTo("acme/orders");
        assertThat(metadata.type()).isEqualTo("InstanceProvisioned");
        assertThat(metadata.occurredAt()).isEqualTo(now);
    }

    private InstanceProvisioned provisioned() {
        return InstanceProvisioned.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setOperationId(UUID.randomUUID().toString())
                .setTenant("acme").setInstanceName("orders").setOccurredAt(now)
                .setHostName("localhost").setPort(15432).setAdminUsername("alice")
                .setDriver(InstanceDriverKind.LOCAL)
                .setControlPasswordCiphertext(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .build();
    }

    static Schema readSchema(String resource) throws IOException {
        try (InputStream in = EventCodecTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new Schema.Parser().parse(in);
        }
    }
}
