package dev.kembed.schemas.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads "natural" JSON (what a person or a script would write, not Avro's JSON encoding with union
 * wrappers) into a record of the current schema. Field names are those of the schema; nullable
 * fields may be null or omitted; fields with a default may be omitted (or null) and take it;
 * required fields may not. Enums are strings, and a symbol the schema does not know becomes the
 * enum's default. Timestamps are epoch milliseconds or ISO-8601 strings. Arrays and maps are JSON
 * arrays and objects. Unknown fields are ignored, so that newer producers can add fields. Any other
 * mismatch is a {@link DecodeFailure} naming the field path and what was found.
 */
final class JsonRecordReader<T extends SpecificRecord> {

  // Thread-safe once configured. Duplicate keys and trailing content are ambiguous: reject them.
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  private static final int MAX_SHOWN_CHARS = 40;

  private final SpecificData model;
  private final Schema schema;

  JsonRecordReader(SpecificData model, Schema schema) {
    this.model = model;
    this.schema = schema;
  }

  @SuppressWarnings("unchecked")
  T read(byte[] data) {
    JsonNode root;
    try {
      root = MAPPER.readTree(data);
    } catch (JsonProcessingException e) {
      throw new DecodeFailure("malformed JSON: " + e.getOriginalMessage() + locationOf(e), e);
    } catch (IOException e) {
      throw new DecodeFailure("malformed JSON: " + e.getMessage(), e);
    }
    if (root.isObject() && root.size() == 2 && root.has("schema") && root.has("payload")) {
      root = root.get("payload"); // Kafka Connect's JsonConverter envelope (schemas.enable=true)
    }
    return (T) readRecord(schema, root, "");
  }

  private Object readRecord(Schema recordSchema, JsonNode node, String path) {
    if (!node.isObject()) {
      throw mismatch(path, "JSON object", node);
    }
    IndexedRecord record = (IndexedRecord) model.newRecord(null, recordSchema);
    for (Schema.Field field : recordSchema.getFields()) {
      String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
      JsonNode value = node.get(field.name());
      record.put(
          field.pos(),
          value == null || value.isNull()
              ? absentValue(field, fieldPath, value == null)
              : readValue(field.schema(), value, fieldPath));
    }
    return record;
  }

  /**
   * The value of a field that is missing or JSON null: its default, null if nullable, else an
   * error.
   */
  private Object absentValue(Schema.Field field, String path, boolean missing) {
    if (field.hasDefaultValue()) {
      // Copy: Avro caches default values per field, and records are mutable.
      return model.deepCopy(field.schema(), model.getDefaultValue(field));
    }
    if (field.schema().isNullable()) {
      return null;
    }
    throw new DecodeFailure(
        missing
            ? "missing required field '" + path + "'"
            : "required field '" + path + "' is null");
  }

  private Object readValue(Schema type, JsonNode node, String path) {
    switch (type.getType()) {
      case NULL:
        if (!node.isNull()) {
          throw mismatch(path, "null", node);
        }
        return null;
      case UNION:
        return readUnion(type, node, path);
      case RECORD:
        return readRecord(type, node, path);
      case ENUM:
        return readEnum(type, node, path);
      case ARRAY:
        return readArray(type, node, path);
      case MAP:
        return readMap(type, node, path);
      case STRING:
        if (!node.isTextual()) {
          throw mismatch(path, "string", node);
        }
        return node.textValue();
      case BOOLEAN:
        if (!node.isBoolean()) {
          throw mismatch(path, "boolean", node);
        }
        return node.booleanValue();
      case INT:
        if (!node.isNumber() || !node.canConvertToExactIntegral() || !node.canConvertToInt()) {
          throw mismatch(path, "32-bit integer", node);
        }
        return node.intValue();
      case LONG:
        return readLong(type, node, path);
      case FLOAT:
        return readFloat(node, path);
      case DOUBLE:
        if (!node.isNumber()) {
          throw mismatch(path, "number", node);
        }
        return node.doubleValue();
      default:
        // No kembed schema uses bytes or fixed; say so rather than guess an encoding.
        throw new DecodeFailure(
            "field '"
                + path
                + "': type "
                + type.getType().getName()
                + " is not supported in JSON input");
    }
  }

  private Object readUnion(Schema union, JsonNode node, String path) {
    if (node.isNull() && union.isNullable()) {
      return null;
    }
    List<Schema> branches = new ArrayList<>();
    for (Schema branch : union.getTypes()) {
      if (branch.getType() != Schema.Type.NULL) {
        branches.add(branch);
      }
    }
    if (branches.size() == 1) {
      return readValue(branches.get(0), node, path);
    }
    // General unions: the first branch that accepts the value wins, as in Avro's own resolution
    // order.
    for (Schema branch : branches) {
      try {
        return readValue(branch, node, path);
      } catch (DecodeFailure notThisBranch) {
        // try the next branch
      }
    }
    throw mismatch(path, "one of " + branches, node);
  }

  private Object readEnum(Schema enumSchema, JsonNode node, String path) {
    if (!node.isTextual()) {
      throw mismatch(path, "enum symbol string", node);
    }
    String symbol = node.textValue();
    if (!enumSchema.hasEnumSymbol(symbol)) {
      // Same rule as Avro schema resolution: newer producers may send symbols we do not know yet.
      if (enumSchema.getEnumDefault() == null) {
        throw new DecodeFailure(
            "field '"
                + path
                + "': unknown symbol "
                + show(node)
                + " of enum "
                + enumSchema.getName()
                + " "
                + enumSchema.getEnumSymbols());
      }
      symbol = enumSchema.getEnumDefault();
    }
    return model.createEnum(symbol, enumSchema);
  }

  private Object readArray(Schema arraySchema, JsonNode node, String path) {
    if (!node.isArray()) {
      throw mismatch(path, "JSON array", node);
    }
    List<Object> items = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String itemPath = path + "[" + i + "]";
      items.add(
          item.isNull() && !arraySchema.getElementType().isNullable()
              ? failNull(itemPath)
              : readValue(arraySchema.getElementType(), item, itemPath));
    }
    return items;
  }

  private Object readMap(Schema mapSchema, JsonNode node, String path) {
    if (!node.isObject()) {
      throw mismatch(path, "JSON object", node);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String entryPath = path + "." + entry.getKey();
      JsonNode value = entry.getValue();
      map.put(
          entry.getKey(),
          value.isNull() && !mapSchema.getValueType().isNullable()
              ? failNull(entryPath)
              : readValue(mapSchema.getValueType(), value, entryPath));
    }
    return map;
  }

  private Object readLong(Schema longSchema, JsonNode node, String path) {
    LogicalType logicalType = longSchema.getLogicalType();
    boolean timestamp = logicalType instanceof LogicalTypes.TimestampMillis;
    long raw;
    if (node.isNumber() && node.canConvertToExactIntegral() && node.canConvertToLong()) {
      raw = node.longValue();
    } else if (timestamp && node.isTextual()) {
      raw = parseIsoInstant(node, path).toEpochMilli();
    } else {
      throw mismatch(path, timestamp ? "epoch millis or ISO-8601 string" : "64-bit integer", node);
    }
    Conversion<?> conversion = logicalType == null ? null : model.getConversionFor(logicalType);
    return conversion == null
        ? raw
        : Conversions.convertToLogicalType(raw, longSchema, logicalType, conversion);
  }

  private static Instant parseIsoInstant(JsonNode node, String path) {
    try {
      // ISO_INSTANT accepts 'Z' and numeric offsets such as +02:00; sub-millisecond digits are
      // dropped.
      return DateTimeFormatter.ISO_INSTANT.parse(node.textValue(), Instant::from);
    } catch (DateTimeParseException e) {
      throw new DecodeFailure(
          "field '"
              + path
              + "': expected epoch millis or ISO-8601 string, got "
              + show(node)
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  private static Object readFloat(JsonNode node, String path) {
    if (!node.isNumber()) {
      throw mismatch(path, "number", node);
    }
    float value = node.floatValue();
    if (Float.isInfinite(value)) {
      throw new DecodeFailure(
          "field '" + path + "': " + show(node) + " is out of the range of a float");
    }
    return value;
  }

  private static Object failNull(String path) {
    throw new DecodeFailure("field '" + path + "' is null but its type is not nullable");
  }

  private static DecodeFailure mismatch(String path, String expected, JsonNode actual) {
    String where = path.isEmpty() ? "record" : "field '" + path + "'";
    return new DecodeFailure(where + ": expected " + expected + ", got " + show(actual));
  }

  /** The JSON type of a node and a short excerpt of it, e.g. {@code string "abc"}. */
  private static String show(JsonNode node) {
    if (node.isNull()) {
      return "null";
    }
    String text = node.toString();
    if (text.length() > MAX_SHOWN_CHARS) {
      text = text.substring(0, MAX_SHOWN_CHARS) + "...";
    }
    return node.getNodeType().name().toLowerCase() + " " + text;
  }

  private static String locationOf(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }
}
