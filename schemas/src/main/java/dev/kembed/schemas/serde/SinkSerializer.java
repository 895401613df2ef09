package dev.kembed.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a record (value or key) in its sink shape, as Schema Registry Avro ({@code id >= 0}) or as
 * JSON (optionally in Connect's schema envelope). The sink schema and, for the registry, its id are
 * fixed when the serializer is made, so serializing makes no registry call. Null stays null (a
 * tombstone). Thread-safe.
 */
public final class SinkSerializer<T> implements Serializer<T> {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Schema schema;
  private final Function<T, Object> shape;
  private final GenericData model;
  private final int registryId;
  private final ObjectNode envelopeSchema;

  private SinkSerializer(
      Schema schema,
      Function<T, Object> shape,
      GenericData model,
      int registryId,
      boolean envelope) {
    this.schema = schema;
    this.shape = shape;
    this.model = model;
    this.registryId = registryId;
    this.envelopeSchema = envelope ? ConnectJsonSchema.of(schema) : null;
  }

  /** Schema Registry wire format with the registered {@code id} of {@code schema}. */
  public static <T> SinkSerializer<T> confluent(
      Schema schema, int id, Function<T, Object> shape, GenericData model) {
    return new SinkSerializer<>(schema, shape, model, id, false);
  }

  /** Plain JSON, or the {@code {"schema","payload"}} envelope when {@code envelope}. */
  public static <T> SinkSerializer<T> json(
      Schema schema, Function<T, Object> shape, boolean envelope) {
    return new SinkSerializer<>(schema, shape, null, -1, envelope);
  }

  /** The sink schema this serializer writes. */
  public Schema schema() {
    return schema;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    Object datum = shape.apply(data);
    try {
      if (registryId >= 0) {
        return ConfluentWire.encode(registryId, schema, datum, model);
      }
      JsonNode payload = AvroJson.toJson(schema, datum);
      if (envelopeSchema != null) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.set("schema", envelopeSchema);
        envelope.set("payload", payload);
        payload = envelope;
      }
      return JSON.writeValueAsBytes(payload);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot encode " + schema.getName() + " for topic '" + topic + "': " + e, e);
    }
  }
}
