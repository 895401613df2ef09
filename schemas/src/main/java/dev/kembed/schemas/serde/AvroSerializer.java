package dev.kembed.schemas.serde;

import java.io.IOException;
import org.apache.avro.Schema;
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
  private final SingleObjectCodec<T> codec;

  AvroSerializer(SpecificData model, Schema schema) {
    this.typeName = schema.getName();
    this.codec = new SingleObjectCodec<>(model, schema);
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    try {
      return codec.encode(data);
    } catch (IOException | RuntimeException e) {
      // Typically a required field left null by a setter; Avro names the field in its message.
      throw new SerializationException(
          "cannot encode " + typeName + " for topic '" + topic + "': " + e, e);
    }
  }
}
