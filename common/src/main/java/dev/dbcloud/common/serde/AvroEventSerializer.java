package dev.dbcloud.common.serde;

import dev.dbcloud.common.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer for dbcloud records; adds the {@value Topics#EVENT_TYPE_HEADER} header. */
public class AvroEventSerializer implements Serializer<SpecificRecordBase> {

    private final EventCodec codec;

    public AvroEventSerializer() {
        this(new EventCodec());
    }

    public AvroEventSerializer(EventCodec codec) {
        this.codec = codec;
    }

    @Override
    public byte[] serialize(String topic, SpecificRecordBase record) {
        return record == null ? null : codec.encode(record);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, SpecificRecordBase record) {
        if (record != null && headers != null) {
            headers.remove(Topics.EVENT_TYPE_HEADER);
            headers.add(Topics.EVENT_TYPE_HEADER,
                    record.getSchema().getName().getBytes(StandardCharsets.UTF_8));
        }
        return serialize(topic, record);
    }
}
