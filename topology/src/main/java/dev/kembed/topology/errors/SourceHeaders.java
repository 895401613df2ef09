package dev.kembed.topology.errors;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Where an input record came from (topic, partition, offset), stamped as headers at the first hop.
 * Headers travel with a record through repartition topics, so a processor several hops later (a
 * join that times out, a late event) can still dead-letter the record with its original coordinates
 * rather than those of an internal topic.
 */
public final class SourceHeaders {
  public static final String TOPIC = "kembed.source.topic";
  public static final String PARTITION = "kembed.source.partition";
  public static final String OFFSET = "kembed.source.offset";

  /**
   * The input record's key (absent for a null key), so a later hop can dead-letter it as received.
   */
  public static final String KEY = "kembed.source.key";

  private SourceHeaders() {}

  /** Stamps the current record's coordinates and key, unless an earlier hop already did. */
  public static void stamp(Headers headers, Optional<RecordMetadata> metadata, String key) {
    if (headers.lastHeader(TOPIC) == null && metadata.isPresent() && key != null) {
      headers.add(KEY, key.getBytes(StandardCharsets.UTF_8));
    }
    stamp(headers, metadata);
  }

  /** Stamps the current record's coordinates, unless an earlier hop already did. */
  public static void stamp(Headers headers, Optional<RecordMetadata> metadata) {
    if (headers.lastHeader(TOPIC) != null || metadata.isEmpty()) {
      return;
    }
    RecordMetadata m = metadata.get();
    headers.add(TOPIC, m.topic().getBytes(StandardCharsets.UTF_8));
    headers.add(PARTITION, Integer.toString(m.partition()).getBytes(StandardCharsets.UTF_8));
    headers.add(OFFSET, Long.toString(m.offset()).getBytes(StandardCharsets.UTF_8));
  }

  public static String topic(Headers h) {
    return DlqHeaders.read(h, TOPIC);
  }

  /** The input record's key, or null. */
  public static String key(Headers h) {
    return DlqHeaders.read(h, KEY);
  }

  public static int partition(Headers h) {
    String v = DlqHeaders.read(h, PARTITION);
    return v == null ? -1 : Integer.parseInt(v);
  }

  public static long offset(Headers h) {
    String v = DlqHeaders.read(h, OFFSET);
    return v == null ? -1 : Long.parseLong(v);
  }
}
