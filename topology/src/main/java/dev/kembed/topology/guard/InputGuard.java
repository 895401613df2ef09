package dev.kembed.topology.guard;

import dev.kembed.topology.errors.BadInputException;
import dev.kembed.topology.errors.DlqReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * The one check every input record passes at the entrance, before anything is derived from it: its
 * event time lies in {@code [0, now + input.max.future.ms]} ({@link DlqReason#INVALID_TIMESTAMP}
 * otherwise), its key and every string field are bounded (ids at {@link #MAX_ID_CHARS}, a search
 * query at {@code search.query.max.chars}; {@link DlqReason#TEXT_TOO_LONG} otherwise), and all its
 * strings together take at most {@link #maxRecordBytes()} UTF-8 bytes, half of what the producer
 * may send in one request, so that no internal record built from it (which carries the text and the
 * input's bytes) can exceed the producer's {@code max.request.size}. Pure: no Kafka, no clock; the
 * caller passes "now".
 */
public final class InputGuard {
  /** Longest key or id field (in chars): ids are names, not texts. */
  public static final int MAX_ID_CHARS = 1024;

  /** Longest prefix of user input any message (DLQ header, log line, HTTP error) quotes. */
  public static final int SHOWN_CHARS = 64;

  /** Bytes a record needs beyond its strings (Avro framing, numbers, headers, the vector). */
  static final int RECORD_OVERHEAD_BYTES = 16 * 1024;

  /**
   * Free-text fields of the input schemas, bounded by the byte budget rather than by MAX_ID_CHARS.
   */
  private static final Set<String> TEXT_FIELDS = Set.of("subject", "body", "text");

  private static final String QUERY_FIELD = "query";
  private static final String EVENT_TIME_FIELD = "event_time";

  private final long maxFutureMs;
  private final int maxQueryChars;
  private final long maxRecordBytes;

  /**
   * @param maxFutureMs {@code input.max.future.ms}
   * @param maxQueryChars {@code search.query.max.chars}
   * @param maxRequestBytes the producer's {@code max.request.size}
   */
  public InputGuard(long maxFutureMs, int maxQueryChars, int maxRequestBytes) {
    this.maxFutureMs = maxFutureMs;
    this.maxQueryChars = maxQueryChars;
    this.maxRecordBytes = Math.max(1, (maxRequestBytes - RECORD_OVERHEAD_BYTES) / 2);
  }

  /** The guard {@code config} describes. */
  public static InputGuard from(dev.kembed.topology.config.KembedConfig config) {
    return new InputGuard(
        config.getLong(dev.kembed.topology.config.KembedConfig.INPUT_MAX_FUTURE_MS),
        config.getInt(dev.kembed.topology.config.KembedConfig.SEARCH_QUERY_MAX_CHARS),
        config.maxRequestBytes());
  }

  /**
   * True when {@code eventTimeMs} may be used as a record's time: not before the epoch (Kafka
   * rejects negative timestamps) and at most {@code maxFutureMs} ahead of {@code nowMs} (brokers
   * reject timestamps too far ahead, and one far-future time would move stream time for good).
   * Static so that a {@code TimestampExtractor} can apply the same rule.
   */
  public static boolean validEventTime(long eventTimeMs, long nowMs, long maxFutureMs) {
    return eventTimeMs >= 0 && eventTimeMs - nowMs <= maxFutureMs; // no overflow: both >= 0
  }

  /** {@link #validEventTime(long, long, long)} with this guard's {@code input.max.future.ms}. */
  public boolean validEventTime(long eventTimeMs, long nowMs) {
    return validEventTime(eventTimeMs, nowMs, maxFutureMs);
  }

  /** Total UTF-8 bytes of strings one input record may carry. */
  public long maxRecordBytes() {
    return maxRecordBytes;
  }

  /** Rejects a key over {@link #MAX_ID_CHARS}; a null key passes. */
  public void checkKey(String key) {
    if (key != null && key.length() > MAX_ID_CHARS) {
      throw new BadInputException(
          DlqReason.TEXT_TOO_LONG,
          "record key has "
              + key.length()
              + " characters; keys are bounded at "
              + MAX_ID_CHARS
              + " (starts "
              + shown(key)
              + ")");
    }
  }

  /** Rejects an event time outside {@code [0, now + input.max.future.ms]}. */
  public void checkEventTime(long eventTimeMs, long nowMs) {
    if (!validEventTime(eventTimeMs, nowMs)) {
      String why =
          eventTimeMs < 0
              ? "is before 1970-01-01"
              : "is more than input.max.future.ms ("
                  + maxFutureMs
                  + " ms) ahead of now ("
                  + Instant.ofEpochMilli(nowMs)
                  + ")";
      throw new BadInputException(
          DlqReason.INVALID_TIMESTAMP, "event time " + eventTimeMs + " " + why);
    }
  }

  /**
   * Checks a whole input record: key, every string field, the byte budget, and the event time (the
   * value's {@code event_time}, or {@code recordTimestampMs} for a tombstone).
   */
  public void check(String key, IndexedRecord value, long recordTimestampMs, long nowMs) {
    checkKey(key);
    if (value == null) {
      checkEventTime(recordTimestampMs, nowMs);
      return;
    }
    long bytes = key == null ? 0 : utf8Length(key);
    Object eventTime = null;
    for (Schema.Field f : value.getSchema().getFields()) {
      Object v = value.get(f.pos());
      if (f.name().equals(EVENT_TIME_FIELD)) {
        eventTime = v;
      } else if (v instanceof CharSequence s) {
        checkField(f.name(), s);
        bytes += utf8Length(s);
      }
    }
    if (bytes > maxRecordBytes) {
      throw new BadInputException(
          DlqReason.TEXT_TOO_LONG,
          value.getSchema().getName()
              + " carries "
              + bytes
              + " bytes of text; at most "
              + maxRecordBytes
              + " fit (half the producer's max.request.size)");
    }
    if (eventTime instanceof Instant i) {
      checkEventTime(millis(i), nowMs);
    } else if (eventTime instanceof Long l) {
      checkEventTime(l, nowMs);
    }
  }

  private void checkField(String name, CharSequence s) {
    if (name.equals(QUERY_FIELD)) {
      if (s.length() > maxQueryChars) {
        throw new BadInputException(
            DlqReason.TEXT_TOO_LONG,
            "query has "
                + s.length()
                + " characters; search.query.max.chars is "
                + maxQueryChars
                + " (starts "
                + shown(s)
                + ")");
      }
    } else if (!TEXT_FIELDS.contains(name) && s.length() > MAX_ID_CHARS) {
      throw new BadInputException(
          DlqReason.TEXT_TOO_LONG,
          "field '"
              + name
              + "' has "
              + s.length()
              + " characters; ids are bounded at "
              + MAX_ID_CHARS
              + " (starts "
              + shown(s)
              + ")");
    }
  }

  // Instants outside the long range of milliseconds saturate rather than throw.
  private static long millis(Instant i) {
    try {
      return i.toEpochMilli();
    } catch (ArithmeticException e) {
      return i.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** A quoted prefix of user input, at most {@link #SHOWN_CHARS} characters, for messages. */
  public static String shown(CharSequence s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= SHOWN_CHARS
        ? "'" + s + "'"
        : "'" + s.subSequence(0, SHOWN_CHARS) + "…' (" + s.length() + " chars)";
  }

  static long utf8Length(CharSequence s) {
    return s.toString().getBytes(StandardCharsets.UTF_8).length;
  }
}
