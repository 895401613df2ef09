package dev.kembed.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

/**
 * Writes an Avro datum (generated or generic record) as plain JSON, the way a person or {@code
 * JsonConverter} with {@code schemas.enable=false} expects it: records are objects, unions are just
 * their value (not Avro's {@code {"type": value}} wrapping), enums are strings, timestamps are
 * epoch milliseconds, floats stay floats, bytes are base64. The inverse of what {@link
 * JsonRecordReader} reads.
 */
public final class AvroJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AvroJson() {}

  /** {@code datum}, of schema {@code schema}, as a JSON tree. */
  public static JsonNode toJson(Schema schema, Object datum) {
    if (datum == null) {
      return NODES.nullNode();
    }
    switch (schema.getType()) {
      case RECORD:
        {
          IndexedRecord record = (IndexedRecord) datum;
          ObjectNode out = NODES.objectNode();
          for (Schema.Field f : schema.getFields()) {
            out.set(f.name(), toJson(f.schema(), record.get(f.pos())));
          }
          return out;
        }
      case UNION:
        return toJson(
            schema.getTypes().get(GenericData.get().resolveUnion(schema, unwrapInstant(datum))),
            datum);
      case ARRAY:
        {
          ArrayNode out = NODES.arrayNode();
          for (Object item : (Collection<?>) datum) {
            out.add(toJson(schema.getElementType(), item));
          }
          return out;
        }
      case MAP:
        {
          ObjectNode out = NODES.objectNode();
          for (Map.Entry<?, ?> e : ((Map<?, ?>) datum).entrySet()) {
            out.set(String.valueOf(e.getKey()), toJson(schema.getValueType(), e.getValue()));
          }
          return out;
        }
      case ENUM:
      case STRING:
        return NODES.textNode(datum.toString());
      case LONG:
        return NODES.numberNode(
            datum instanceof Instant i ? i.toEpochMilli() : ((Number) datum).longValue());
      case INT:
        return NODES.numberNode(((Number) datum).intValue());
      case FLOAT:
        return NODES.numberNode(((Number) datum).floatValue());
      case DOUBLE:
        return NODES.numberNode(((Number) datum).doubleValue());
      case BOOLEAN:
        return NODES.booleanNode((Boolean) datum);
      case BYTES:
      case FIXED:
        return NODES.textNode(Base64.getEncoder().encodeToString(bytesOf(datum)));
      default:
        return NODES.nullNode();
    }
  }

  // GenericData.resolveUnion does not know Instant; a timestamp branch is a long branch.
  private static Object unwrapInstant(Object datum) {
    return datum instanceof Instant i ? i.toEpochMilli() : datum;
  }

  private static byte[] bytesOf(Object datum) {
    if (datum instanceof ByteBuffer b) {
      ByteBuffer copy = b.duplicate();
      byte[] out = new byte[copy.remaining()];
      copy.get(out);
      return out;
    }
    if (datum instanceof GenericData.Fixed f) {
      return f.bytes();
    }
    return (byte[]) datum;
  }
}
