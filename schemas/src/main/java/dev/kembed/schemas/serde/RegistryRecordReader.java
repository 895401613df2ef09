package dev.kembed.schemas.serde;

import dev.kembed.schemas.registry.SchemaRegistry;
import dev.kembed.schemas.registry.SchemaRegistryException;
import java.io.EOFException;
import java.io.IOException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads Schema Registry encoded records ({@code 00}, 4-byte schema id, Avro binary) into the
 * current version of one record type: the writer schema comes from the registry by id (cached by
 * the registry client) and is resolved against the current schema. Without a registry, or for an id
 * the registry does not know, the record is undecodable (and goes to the DLQ).
 */
final class RegistryRecordReader<T extends SpecificRecord> {

  private final SpecificData model;
  private final Schema current;
  private final SchemaRegistry registry;

  RegistryRecordReader(SpecificData model, Schema current, SchemaRegistry registry) {
    this.model = model;
    this.current = current;
    this.registry = registry;
  }

  @SuppressWarnings("unchecked")
  T read(byte[] data) {
    int id = ConfluentWire.schemaId(data);
    if (registry == null) {
      throw new DecodeFailure(
          "Schema Registry Avro (schema id " + id + ") but no schema.registry.url is configured");
    }
    Schema writer;
    try {
      writer = registry.byId(id);
    } catch (SchemaRegistryException e) {
      throw new DecodeFailure("schema id " + id + " not resolvable: " + e.getMessage(), e);
    }
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                data, ConfluentWire.HEADER_LENGTH, data.length - ConfluentWire.HEADER_LENGTH, null);
    T record;
    try {
      record = (T) new SpecificDatumReader<>(writer, current, model).read(null, decoder);
    } catch (AvroTypeException e) {
      throw new DecodeFailure(
          "writer schema id "
              + id
              + " cannot be read as "
              + current.getName()
              + ": "
              + e.getMessage(),
          e);
    } catch (EOFException e) {
      throw new DecodeFailure("truncated Avro payload (schema id " + id + ")", e);
    } catch (IOException
        | AvroRuntimeException
        | IndexOutOfBoundsException
        | ClassCastException e) {
      throw new DecodeFailure("malformed Avro payload for schema id " + id + ": " + e, e);
    }
    try {
      if (!decoder.isEnd()) {
        throw new DecodeFailure(
            "malformed Avro payload: unexpected bytes after the record (schema id " + id + ")");
      }
    } catch (IOException e) {
      throw new DecodeFailure("malformed Avro payload (schema id " + id + "): " + e, e);
    }
    return record;
  }
}
