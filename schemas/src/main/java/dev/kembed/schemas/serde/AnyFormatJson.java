package dev.kembed.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.QueryExpansion;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.registry.SchemaRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;

/**
 * Turns the bytes of any kembed record, key or value, in any of the three formats into plain JSON,
 * recognising the format by its first bytes: {@code C3 01} single-object Avro (any kembed schema,
 * current or archived, found by fingerprint), {@code 00} Schema Registry Avro (writer schema
 * fetched by id), a JSON object or array (a Connect envelope is unwrapped to its payload), anything
 * else a UTF-8 string (kembed's string keys). For tools: {@code kembed consume} and {@link
 * KembedJsonDeserializer}. Thread-safe.
 */
public final class AnyFormatJson {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Class<?>> RECORD_TYPES =
      List.of(
          PostEvent.class,
          CommentEvent.class,
          InteractionEvent.class,
          SearchQueryEvent.class,
          ContentEmbedding.class,
          UserVector.class,
          SimilarityFeatures.class,
          IndexUpdate.class,
          QueryExpansion.class);

  private final SchemaRegistry registry;
  private final Map<Long, Schema> byFingerprint = new HashMap<>();

  /**
   * A decoder; {@code registry} may be null (then registry-encoded bytes decode to an error
   * object).
   */
  public AnyFormatJson(SchemaRegistry registry) {
    this.registry = registry;
    for (Class<?> type : RECORD_TYPES) {
      Schema current = SpecificData.get().getSchema(type);
      List<Schema> all = new ArrayList<>(SchemaHistory.versions(current.getName()));
      all.add(current);
      for (Schema s : all) {
        byFingerprint.put(SchemaNormalization.parsingFingerprint64(s), s);
      }
    }
  }

  /**
   * The bytes as JSON; null is JSON null. Undecodable bytes give {"undecodable": reason, "hex": …}.
   */
  public JsonNode decode(byte[] data) {
    if (data == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    try {
      if (SingleObjectCodec.hasHeader(data)) {
        long fingerprint = SingleObjectCodec.fingerprintOf(data);
        Schema writer = byFingerprint.get(fingerprint);
        if (writer == null) {
          return undecodable(
              "unknown schema fingerprint " + SingleObjectReader.hex(fingerprint), data);
        }
        return avro(writer, data, SingleObjectCodec.HEADER_LENGTH);
      }
      if (ConfluentWire.hasMagic(data)) {
        int id = ConfluentWire.schemaId(data);
        if (registry == null) {
          return undecodable(
              "Schema Registry Avro (schema id " + id + ") and no schema.registry.url", data);
        }
        return avro(registry.byId(id), data, ConfluentWire.HEADER_LENGTH);
      }
      String text = new String(data, StandardCharsets.UTF_8);
      String trimmed = text.strip();
      if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        JsonNode node = JSON.readTree(data);
        if (node.isObject() && node.size() == 2 && node.has("schema") && node.has("payload")) {
          return node.get("payload");
        }
        return node;
      }
      return JsonNodeFactory.instance.textNode(text);
    } catch (IOException | RuntimeException e) {
      return undecodable(e.toString(), data);
    }
  }

  /** {@link #decode} written as one line of JSON text. */
  public String decodeToString(byte[] data) {
    return decode(data).toString();
  }

  private static JsonNode avro(Schema writer, byte[] data, int offset) throws IOException {
    Object datum =
        new GenericDatumReader<>(writer)
            .read(
                null, DecoderFactory.get().binaryDecoder(data, offset, data.length - offset, null));
    return AvroJson.toJson(writer, datum);
  }

  private static JsonNode undecodable(String reason, byte[] data) {
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(16, data.length); i++) {
      hex.append(String.format("%02X", data[i]));
    }
    return JsonNodeFactory.instance
        .objectNode()
        .put("undecodable", reason)
        .put("hex", hex.toString());
  }
}
