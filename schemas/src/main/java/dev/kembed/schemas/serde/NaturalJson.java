package dev.kembed.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes a record as the "natural" JSON that kembed's deserializer accepts (the way a producer in
 * another language would write it): field names of the schema, plain values for nullable unions,
 * enums as strings, timestamps as epoch milliseconds. Used by the demo to send part of its events
 * as JSON and by tools that print records.
 */
public final class NaturalJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private NaturalJson() {}

  public static byte[] bytes(SpecificRecord r) {
    return toJson(r).toString().getBytes(StandardCharsets.UTF_8);
  }

  public static String string(SpecificRecord r) {
    return toJson(r).toString();
  }

  public static ObjectNode toJson(IndexedRecord r) {
    ObjectNode o = F.objectNode();
    for (var field : r.getSchema().getFields()) {
      o.set(field.name(), value(r.get(field.pos())));
    }
    return o;
  }

  private static JsonNode value(Object v) {
    if (v == null) {
      return F.nullNode();
    }
    if (v instanceof IndexedRecord rec) {
      return toJson(rec);
    }
    if (v instanceof Instant i) {
      return F.numberNode(i.toEpochMilli());
    }
    if (v instanceof Enum<?> || v instanceof GenericEnumSymbol<?> || v instanceof CharSequence) {
      return F.textNode(v.toString());
    }
    if (v instanceof Collection<?> c) {
      ArrayNode a = F.arrayNode();
      c.forEach(x -> a.add(value(x)));
      return a;
    }
    if (v instanceof Map<?, ?> m) {
      ObjectNode o = F.objectNode();
      m.forEach((k, x) -> o.set(k.toString(), value(x)));
      return o;
    }
    return MAPPER.valueToTree(v);
  }
}
