package dev.dbcloud.common.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Encodes and decodes dbcloud records in Avro's single-object encoding: {@code C3 01}, the writer schema's
 * 8-byte CRC-64-AVRO fingerprint (little-endian), then the binary record.
 *
 * <p>The fingerprint names the writer's schema, so one topic carries several record types: decoding looks the
 * fingerprint up among the current and released schemas of every type in {@link EventCatalog} and resolves the
 * record against the current schema of its type. Thread-safe; build one and share it.
 */
public final class EventCodec {

    private static final int HEADER_LENGTH = 10;

    private final Map<Class<?>, BinaryMessageEncoder<SpecificRecordBase>> encoders = new HashMap<>();
    private final Map<Long, BinaryMessageDecoder<SpecificRecordBase>> decodersByFingerprint = new HashMap<>();

    public EventCodec() {
        this(EventCatalog.TYPES);
    }

    EventCodec(List<Class<? extends SpecificRecordBase>> types) {
        for (Class<? extends SpecificRecordBase> type : types) {
            SpecificData model = SpecificData.getForClass(type);
            Schema current = model.getSchema(type);
            encoders.put(type, new BinaryMessageEncoder<>(model, current));
            BinaryMessageDecoder<SpecificRecordBase> decoder = new BinaryMessageDecoder<>(model, current);
            register(current, decoder);
            for (Schema released : EventCatalog.history(type)) {
                decoder.addSchema(released);
                register(released, decoder);
            }
        }
    }

    private void register(Schema writer, BinaryMessageDecoder<SpecificRecordBase> decoder) {
        BinaryMessageDecoder<SpecificRecordBase> previous =
                decodersByFingerprint.putIfAbsent(SchemaNormalization.parsingFingerprint64(writer), decoder);
        if (previous != null && previous != decoder) {
            throw new IllegalStateException("two record types share the schema fingerprint of " + writer.getFullName());
        }
    }

    public byte[] encode(SpecificRecordBase record) {
        BinaryMessageEncoder<SpecificRecordBase> encoder = encoders.get(record.getClass());
        if (encoder == null) {
            throw new IllegalArgumentException("not a dbcloud record type: " + record.getClass().getName());
        }
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes a record written with any known version of any dbcloud schema.
     *
     * @throws UndecodableRecordException when the bytes are not single-object encoded or name an unknown schema
     */
    public SpecificRecordBase decode(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER_LENGTH) {
            throw new UndecodableRecordException("record too short for Avro single-object encoding");
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        BinaryMessageDecoder<SpecificRecordBase> decoder = decodersByFingerprint.get(fingerprint);
        if (decoder == null) {
            throw new UndecodableRecordException("unknown writer schema, fingerprint " + Long.toHexString(fingerprint));
        }
        try {
            return decoder.decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new UndecodableRecordException("cannot decode record: " + e.getMessage(), e);
        }
    }
}
