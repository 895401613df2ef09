package dev.kembed.topology.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kembed.schemas.serde.AvroSerde;
import dev.kembed.schemas.serde.KembedSerdes;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes JSON lines as records of one input type. Each line is either a record in natural JSON
 * (the key is taken from the type's key field, e.g. {@code post_id}), or an envelope {@code {"key":
 * ..., "value": {...} | null}} for an explicit key or a tombstone. In {@code AVRO} format the line
 * is decoded with the project's serde (so it is validated exactly as kembed will read it) and
 * written in Avro single-object encoding; {@code JSON} validates the same way and sends the JSON
 * itself; {@code RAW} sends the line's bytes unchecked, which is how to try the DLQ. The record
 * timestamp is the event's {@code event_time}, so broker time and event time agree.
 */
public final class JsonLinesProducer {
  /** How a line goes on the wire. */
  public enum Format {
    AVRO,
    JSON,
    RAW
  }

  /** Counts of one run; {@code skippedLines} are the numbers of the invalid lines left out. */
  public record Result(long sent, long skipped, long lines, List<Long> skippedLines) {}

  /** Most invalid lines named one by one in a report (the count is always exact). */
  static final int MAX_LISTED = 20;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> ENVELOPE_FIELDS = Set.of("key", "value");

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final InputType type;
  private final Format format;
  private final String keyField;
  private final boolean skipInvalid;
  private final AvroSerde<? extends SpecificRecord> serde;

  public JsonLinesProducer(
      Producer<String, byte[]> producer,
      String topic,
      InputType type,
      Format format,
      String keyField,
      boolean skipInvalid) {
    this.producer = producer;
    this.topic = topic;
    this.type = type;
    this.format = format;
    this.keyField = keyField == null ? type.keyField() : keyField;
    this.skipInvalid = skipInvalid;
    this.serde = KembedSerdes.of(type.recordClass());
  }

  /**
   * Validates every non-blank line of {@code in} first; then, if all are valid (or invalid ones are
   * to be skipped), sends them and waits until each is acknowledged. Nothing is sent when a line is
   * invalid and skipping is off, so a file is published whole or not at all.
   *
   * @throws IllegalArgumentException listing the invalid lines by number, when not skipping
   * @throws IOException saying how many records were acknowledged before a send failed
   */
  public Result send(BufferedReader in, java.util.function.LongConsumer progress)
      throws IOException {
    long lines = 0;
    List<ProducerRecord<String, byte[]>> valid = new ArrayList<>();
    List<Long> badLines = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    String line;
    while ((line = in.readLine()) != null) {
      lines++;
      if (line.isBlank()) {
        continue;
      }
      try {
        valid.add(toRecord(line));
      } catch (RuntimeException e) {
        badLines.add(lines);
        if (problems.size() < MAX_LISTED) {
          problems.add("line " + lines + ": " + e.getMessage());
        }
      }
    }
    if (!badLines.isEmpty() && !skipInvalid) {
      throw new IllegalArgumentException(
          "nothing sent: "
              + badLines.size()
              + " of "
              + (valid.size() + badLines.size())
              + " records are invalid"
              + (badLines.size() > MAX_LISTED ? " (first " + MAX_LISTED + " listed)" : "")
              + "\n  "
              + String.join("\n  ", problems)
              + "\n(--skip-invalid sends the valid lines and lists the skipped ones)");
    }
    long acked = sendAll(valid, progress);
    return new Result(acked, badLines.size(), lines, List.copyOf(badLines));
  }

  // Sends in order and counts acknowledgements, so a failure can say exactly how far it got.
  private long sendAll(
      List<ProducerRecord<String, byte[]>> records, java.util.function.LongConsumer progress)
      throws IOException {
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long sent = 0;
    for (ProducerRecord<String, byte[]> r : records) {
      if (failure.get() != null) {
        break;
      }
      producer.send(
          r,
          (meta, e) -> {
            if (e == null) {
              acked.incrementAndGet();
            } else {
              failure.compareAndSet(null, e);
            }
          });
      sent++;
      if (progress != null && sent % 1000 == 0) {
        progress.accept(sent);
      }
    }
    producer.flush();
    if (failure.get() != null) {
      throw new IOException(
          "send to "
              + topic
              + " failed after "
              + acked.get()
              + " of "
              + records.size()
              + " records were acknowledged: "
              + failure.get().getMessage(),
          failure.get());
    }
    return acked.get();
  }

  /** The record a line becomes. */
  public ProducerRecord<String, byte[]> toRecord(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    if (format == Format.RAW) {
      return new ProducerRecord<>(topic, rawKey(line), bytes);
    }
    JsonNode node = parse(line);
    String key;
    JsonNode value;
    if (isEnvelope(node)) {
      key = node.path("key").isNull() ? null : node.path("key").asText();
      value = node.get("value");
    } else {
      value = node;
      key = null;
    }
    if (value == null || value.isNull()) {
      if (key == null) {
        throw new IllegalArgumentException("a tombstone needs a key");
      }
      return new ProducerRecord<>(topic, key, null);
    }
    byte[] valueJson = value.toString().getBytes(StandardCharsets.UTF_8);
    SpecificRecord decoded = serde.deserializer().deserialize(topic, valueJson);
    if (key == null) {
      key = keyOf(decoded);
    }
    byte[] payload = format == Format.AVRO ? serialize(decoded) : valueJson;
    return new ProducerRecord<>(topic, null, eventTime(decoded), key, payload);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private byte[] serialize(SpecificRecord r) {
    return ((org.apache.kafka.common.serialization.Serializer) serde.serializer())
        .serialize(topic, r);
  }

  private String keyOf(SpecificRecord r) {
    Schema.Field f = r.getSchema().getField(keyField);
    if (f == null || r.get(f.pos()) == null) {
      throw new IllegalArgumentException(
          "no key: field '" + keyField + "' missing in " + r.getSchema().getName());
    }
    return r.get(f.pos()).toString();
  }

  private static Long eventTime(SpecificRecord r) {
    Schema.Field f = r.getSchema().getField("event_time");
    Object v = f == null ? null : r.get(f.pos());
    if (v instanceof Instant i) {
      return i.toEpochMilli();
    }
    return v instanceof Long l ? l : null;
  }

  // Raw lines are sent as they are, but a key still decides the partition when one can be read.
  private String rawKey(String line) {
    try {
      JsonNode n = MAPPER.readTree(line);
      JsonNode k = n == null ? null : n.get(keyField);
      return k == null || k.isNull() ? null : k.asText();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static JsonNode parse(String line) {
    try {
      JsonNode n = MAPPER.readTree(line);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  private static boolean isEnvelope(JsonNode n) {
    if (!n.has("value")) {
      return false;
    }
    var names = n.fieldNames();
    while (names.hasNext()) {
      if (!ENVELOPE_FIELDS.contains(names.next())) {
        return false;
      }
    }
    return true;
  }
}
