package dev.kembed.topology.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kembed.schemas.serde.AnyFormatJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One consumed record as the JSON line {@code kembed consume} prints: topic, partition, offset,
 * timestamp (epoch ms), key and value (decoded), headers (UTF-8 text).
 */
final class ConsumedRecord {

  private ConsumedRecord() {}

  static String line(
      ConsumerRecord<byte[], byte[]> r, JsonNode key, JsonNode value, AnyFormatJson decoder) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("topic", r.topic())
        .put("partition", r.partition())
        .put("offset", r.offset())
        .put("timestamp", r.timestamp());
    out.set("key", key);
    ObjectNode headers = out.putObject("headers");
    for (Header h : r.headers()) {
      headers.put(
          h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
    }
    out.set("value", value);
    return out.toString();
  }

  /**
   * The key as text: a string key itself, a struct key's field values joined by '|' (kembed's
   * string form).
   */
  static String keyText(JsonNode key) {
    if (key == null || key.isNull()) {
      return null;
    }
    if (key.isObject()) {
      List<String> parts = new ArrayList<>();
      key.forEach(v -> parts.add(v.asText()));
      return String.join("|", parts);
    }
    return key.asText();
  }
}
