package dev.kembed.topology.errors;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Finishes the dead-letter records Kafka Streams' handlers build, so that each is the input as
 * received and always fits: it adds the reason header; when the failing record came from one of
 * kembed's repartition topics it names the original input (topic, partition, offset and key from
 * {@link SourceHeaders}) instead of the internal topic, and keeps the value only where that topic
 * carries the input event itself; and it cuts an oversized copy down to the producer's {@code
 * max.request.size} (stack trace and message first, then the value, then the key), with a {@link
 * #TRUNCATED} header saying what was cut. A DLQ record therefore never fails for its size, and
 * nothing ever dead-letters a dead letter.
 */
public final class DlqRecords {
  /** Set when the DLQ copy is shorter than the input: "value 10485760 -> 1031168" (bytes). */
  public static final String TRUNCATED = "kembed.errors.truncated";

  /** The internal topic a record failed on, when it failed after a repartition. */
  public static final String INTERNAL_TOPIC = "kembed.errors.internal.topic";

  /** Repartition topics whose values are the input events themselves (re-keyed, Avro-encoded). */
  static final Set<String> INPUT_CARRYING = Set.of("searches-by-query", "interactions-by-entity");

  static final int MAX_MESSAGE_BYTES = 1024;
  static final int MAX_STACKTRACE_BYTES = 8192;

  /** Room left for Kafka's record batch framing and per-header overhead. */
  static final int FRAMING_BYTES = 8192;

  private final int maxRequestBytes;

  public DlqRecords(int maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  /**
   * From the Streams config a handler is configured with (producer.-prefixed or plain
   * max.request.size).
   */
  public static DlqRecords from(Map<String, ?> configs) {
    Object v = configs.get(StreamsConfig.producerPrefix("max.request.size"));
    if (v == null) {
      v = configs.get("max.request.size");
    }
    return new DlqRecords(v == null ? 1_048_576 : Integer.parseInt(v.toString().trim()));
  }

  /** The DLQ record as kembed writes it: reason, original coordinates, bounded size. */
  public ProducerRecord<byte[], byte[]> finish(
      ProducerRecord<byte[], byte[]> built, ErrorHandlerContext context, DlqReason reason) {
    Headers headers = new RecordHeaders();
    built.headers().forEach(headers::add);
    headers.remove(DlqHeaders.REASON);
    headers.add(DlqHeaders.REASON, utf8(reason.name()));
    byte[] key = built.key();
    byte[] value = built.value();
    String topic = context == null ? null : context.topic();
    if (topic != null && isRepartition(topic)) {
      Headers source = context.headers() == null ? built.headers() : context.headers();
      headers.remove(DlqHeaders.TOPIC);
      headers.remove(DlqHeaders.PARTITION);
      headers.remove(DlqHeaders.OFFSET);
      String original = SourceHeaders.topic(source);
      headers.add(DlqHeaders.TOPIC, utf8(original == null ? "" : original));
      headers.add(DlqHeaders.PARTITION, utf8(Integer.toString(SourceHeaders.partition(source))));
      headers.add(DlqHeaders.OFFSET, utf8(Long.toString(SourceHeaders.offset(source))));
      headers.add(INTERNAL_TOPIC, utf8(topic));
      String originalKey = SourceHeaders.key(source);
      key = originalKey == null ? null : utf8(originalKey);
      if (!carriesInput(topic)) {
        value = null; // internal bytes are no input: the coordinates say where the input is
      }
    }
    return fit(new ProducerRecord<>(built.topic(), null, built.timestamp(), key, value, headers));
  }

  /** True for a Streams repartition topic (named {@code <application.id>-<name>-repartition}). */
  static boolean isRepartition(String topic) {
    return topic.endsWith("-repartition");
  }

  static boolean carriesInput(String topic) {
    return INPUT_CARRYING.stream().anyMatch(name -> topic.endsWith("-" + name + "-repartition"));
  }

  /**
   * {@code r} cut down to fit {@code max.request.size}, with a {@link #TRUNCATED} header when cut.
   */
  public ProducerRecord<byte[], byte[]> fit(ProducerRecord<byte[], byte[]> r) {
    if (size(r.key(), r.value(), r.headers()) <= maxRequestBytes) {
      return r;
    }
    Headers headers = new RecordHeaders();
    for (Header h : r.headers()) {
      int cap =
          h.key().equals(DlqHeaders.STACKTRACE)
              ? MAX_STACKTRACE_BYTES
              : h.key().equals(DlqHeaders.MESSAGE) ? MAX_MESSAGE_BYTES : Integer.MAX_VALUE;
      headers.add(
          h.key(),
          h.value() == null || h.value().length <= cap ? h.value() : Arrays.copyOf(h.value(), cap));
    }
    byte[] key = r.key();
    byte[] value = r.value();
    StringBuilder cut = new StringBuilder();
    long over =
        size(key, value, headers) + 64 - maxRequestBytes; // 64: the truncation header itself
    if (over > 0 && value != null) {
      int keep = (int) Math.max(0, value.length - over);
      cut.append("value ").append(value.length).append(" -> ").append(keep);
      over -= value.length - keep;
      value = Arrays.copyOf(value, keep);
    }
    if (over > 0 && key != null) {
      int keep = (int) Math.max(0, key.length - over);
      cut.append(cut.length() == 0 ? "" : ", ")
          .append("key ")
          .append(key.length)
          .append(" -> ")
          .append(keep);
      key = Arrays.copyOf(key, keep);
    }
    if (cut.length() > 0) {
      headers.add(TRUNCATED, utf8(cut.toString()));
    }
    return new ProducerRecord<>(r.topic(), r.partition(), r.timestamp(), key, value, headers);
  }

  /** Bytes the record takes in a produce request, from above. */
  long size(byte[] key, byte[] value, Headers headers) {
    long n = FRAMING_BYTES + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    for (Header h : headers) {
      n += 16 + utf8(h.key()).length + (h.value() == null ? 0 : h.value().length);
    }
    return n;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
