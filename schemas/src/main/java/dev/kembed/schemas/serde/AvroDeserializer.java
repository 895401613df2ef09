package dev.kembed.schemas.serde;

import dev.kembed.schemas.registry.SchemaRegistry;
import java.util.Collection;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for one generated record type that accepts the three formats of the wire
 * contract, told apart by their first bytes: Avro single-object encoding ({@code C3 01}, resolved
 * by writer-schema fingerprint against the current schema and every archived version), Schema
 * Registry Avro ({@code 00} + schema id, resolved through the registry when one is configured), and
 * natural JSON objects (also inside Kafka Connect's {@code schema}/{@code payload} envelope). A
 * null value is a tombstone and yields null. Every failure, whatever its cause, is a {@link
 * RecordDecodeException} whose message names the topic, the record type and the reason, so the
 * caller can dead-letter the record without crashing. Thread-safe.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

  private static final int SHOWN_PREFIX_BYTES = 8;

  private final String typeName;
  private final SingleObjectReader<T> avro;
  private final JsonRecordReader<T> json;
  private final RegistryRecordReader<T> registered;

  AvroDeserializer(
      SpecificData model,
      Schema current,
      Collection<Schema> writerSchemas,
      SchemaRegistry registry) {
    this.typeName = current.getName();
    this.avro = new SingleObjectReader<>(model, current, writerSchemas);
    this.json = new JsonRecordReader<>(model, current);
    this.registered = new RegistryRecordReader<>(model, current, registry);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      return decode(data);
    } catch (DecodeFailure failure) {
      throw new RecordDecodeException(topic, typeName, failure.getMessage(), failure.getCause());
    } catch (RuntimeException unexpected) {
      // Bad bytes must never escape as anything the DLQ handler does not recognise.
      throw new RecordDecodeException(topic, typeName, "unexpected " + unexpected, unexpected);
    } catch (StackOverflowError | OutOfMemoryError error) {
      // What hostile bytes can still cause (deep JSON nesting, a huge allocation): this one
      // record fails, the stream thread lives. Declared Avro lengths are bounded before any
      // allocation (SingleObjectReader), so the second should not happen at all.
      throw new RecordDecodeException(topic, typeName, "decoding failed with " + error, error);
    }
  }

  /** Fingerprints of every writer schema this deserializer can read, for diagnostics. */
  public Collection<Long> knownFingerprints() {
    return avro.knownFingerprints();
  }

  private T decode(byte[] data) {
    if (data.length == 0) {
      throw new DecodeFailure(
          "empty payload (0 bytes); a tombstone is a null value, not an empty one");
    }
    if (SingleObjectReader.hasMagic(data)) {
      return avro.read(data);
    }
    if (ConfluentWire.hasMagic(data)) {
      return registered.read(data);
    }
    int first = firstNonWhitespace(data);
    if (first >= 0 && data[first] == '{') {
      return json.read(data);
    }
    throw new DecodeFailure(
        "neither Avro single-object encoding (C3 01) nor JSON object nor Schema Registry Avro (00 +"
            + " 4-byte id); "
            + data.length
            + " bytes starting with "
            + hexPrefix(data));
  }

  private static int firstNonWhitespace(byte[] data) {
    for (int i = 0; i < data.length; i++) {
      byte b = data[i];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return i;
      }
    }
    return -1;
  }

  private static String hexPrefix(byte[] data) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(data.length, SHOWN_PREFIX_BYTES); i++) {
      out.append(i == 0 ? "" : " ").append(String.format("%02X", data[i]));
    }
    return out.append(data.length > SHOWN_PREFIX_BYTES ? " ..." : "").toString();
  }
}
