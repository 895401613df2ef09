package dev.kembed.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Kafka serializer that writes one generated record type in Avro single-object encoding: {@code C3
 * 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema's Parsing Canonical
 * Form, then the Avro binary body. The fingerprint lets any reader that has the schema (see {@code
 * docs/wire-format.md}) decode the record without a schema registry. A null record is written as
 * null, i.e. a tombstone. Thread-safe.
 */
public final class AvroSerializer<T extends SpecificRecord>
    implements org.apache.kafka.common.serialization.Serializer<T> {

  private final String typeName;
  private final BinaryMessageEncoder<T> encoder;

  AvroSerializer(SpecificData model, Schema schema) {
    this.typeName = schema.getName();
    this.encoder = new BinaryMessageEncoder<>(model, schema);
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try {
      encoder.encode(data, out);
    } catch (IOException | RuntimeException e) {
      // Typically a required field left null by a setter; Avro names the field in its message.
      throw new SerializationException(
          "cannot encode " + typeName + " for topic '" + topic + "': " + e, e);
    }
    return out.toByteArray();
  }
}
