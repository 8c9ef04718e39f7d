package dev.dbcloud.common.serde;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for dbcloud records of any type on any topic.
 *
 * @throws UndecodableRecordException for bytes that are not a known dbcloud record; wrap this deserializer in
 *     spring-kafka's {@code ErrorHandlingDeserializer} so such records go to the dead-letter topic at once
 */
public class AvroEventDeserializer implements Deserializer<SpecificRecordBase> {

    private final EventCodec codec;

    public AvroEventDeserializer() {
        this(new EventCodec());
    }

    public AvroEventDeserializer(EventCodec codec) {
        this.codec = codec;
    }

    @Override
    public SpecificRecordBase deserialize(String topic, byte[] data) {
        return data == null ? null : codec.decode(data);
    }
}
