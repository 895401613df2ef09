package dev.kembed.schemas.serde;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Translates an Avro schema into the schema half of Kafka Connect's {@code JsonConverter} envelope
 * ({@code schemas.enable=true}): records are {@code struct}s with {@code field} names, {@code
 * [null, X]} unions are optional X, enums are strings, {@code timestamp-millis} longs are {@code
 * int64} named {@code org.apache.kafka.connect.data.Timestamp} (a JDBC sink makes them timestamp
 * columns), float arrays are {@code array} of {@code float}.
 */
public final class ConnectJsonSchema {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final String TIMESTAMP = "org.apache.kafka.connect.data.Timestamp";

  private ConnectJsonSchema() {}

  /** The Connect JSON schema of {@code schema} (not optional). */
  public static ObjectNode of(Schema schema) {
    return of(schema, false);
  }

  private static ObjectNode of(Schema schema, boolean optional) {
    ObjectNode out = NODES.objectNode();
    switch (schema.getType()) {
      case UNION:
        {
          Schema nonNull = null;
          boolean hasNull = false;
          for (Schema branch : schema.getTypes()) {
            if (branch.getType() == Schema.Type.NULL) {
              hasNull = true;
            } else {
              nonNull = branch;
            }
          }
          if (nonNull == null || schema.getTypes().size() > 2) {
            throw new IllegalArgumentException(
                "only [null, X] unions map to Connect schemas: " + schema);
          }
          return of(nonNull, optional || hasNull);
        }
      case RECORD:
        {
          out.put("type", "struct");
          var fields = out.putArray("fields");
          for (Schema.Field f : schema.getFields()) {
            ObjectNode field = of(f.schema(), false);
            field.put("field", f.name());
            fields.add(field);
          }
          out.put("name", schema.getFullName());
          break;
        }
      case ARRAY:
        out.put("type", "array");
        out.set("items", of(schema.getElementType(), false));
        break;
      case MAP:
        out.put("type", "map");
        out.set("keys", NODES.objectNode().put("type", "string").put("optional", false));
        out.set("values", of(schema.getValueType(), false));
        break;
      case LONG:
        {
          out.put("type", "int64");
          LogicalType logical = schema.getLogicalType();
          if (logical instanceof LogicalTypes.TimestampMillis) {
            out.put("name", TIMESTAMP).put("version", 1);
          }
          break;
        }
      case ENUM:
      case STRING:
        out.put("type", "string");
        break;
      case INT:
        out.put("type", "int32");
        break;
      case FLOAT:
        out.put("type", "float");
        break;
      case DOUBLE:
        out.put("type", "double");
        break;
      case BOOLEAN:
        out.put("type", "boolean");
        break;
      case BYTES:
      case FIXED:
        out.put("type", "bytes");
        break;
      default:
        throw new IllegalArgumentException("no Connect schema for " + schema);
    }
    out.put("optional", optional);
    return out;
  }
}
