package dev.kembed.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Test helper: writes a record as the natural JSON a non-Java producer would send (the inverse of
 * {@link JsonRecordReader}), so every record type can be round-tripped through JSON.
 */
final class NaturalJsonWriter {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private NaturalJsonWriter() {}

  static byte[] write(IndexedRecord record) {
    return toNode(record.getSchema(), record).toString().getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode toNode(Schema schema, Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    switch (schema.getType()) {
      case UNION:
        return toNode(
            schema.getTypes().get(schema.getIndexNamed(Schema.Type.NULL.getName()) == 0 ? 1 : 0),
            value);
      case RECORD:
        {
          IndexedRecord record = (IndexedRecord) value;
          ObjectNode node = NODES.objectNode();
          for (Schema.Field field : schema.getFields()) {
            node.set(field.name(), toNode(field.schema(), record.get(field.pos())));
          }
          return node;
        }
      case ARRAY:
        {
          ArrayNode node = NODES.arrayNode();
          for (Object item : (List<?>) value) {
            node.add(toNode(schema.getElementType(), item));
          }
          return node;
        }
      case MAP:
        {
          ObjectNode node = NODES.objectNode();
          ((Map<?, ?>) value)
              .forEach((k, v) -> node.set(k.toString(), toNode(schema.getValueType(), v)));
          return node;
        }
      case ENUM:
      case STRING:
        return NODES.textNode(value.toString());
      case LONG:
        return NODES.numberNode(
            value instanceof Instant ? ((Instant) value).toEpochMilli() : (Long) value);
      case FLOAT:
        return NODES.numberNode((Float) value);
      case DOUBLE:
        return NODES.numberNode((Double) value);
      default:
        throw new IllegalArgumentException("not used by kembed schemas: " + schema);
    }
  }
}
