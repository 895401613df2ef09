package dev.kembed.schemas.serde;

import java.util.Locale;

/**
 * How kembed encodes the records of its output topics ({@code output.format}).
 *
 * <ul>
 *   <li>{@link #AVRO}: Avro single-object encoding ({@code C3 01}, 8-byte schema fingerprint, Avro
 *       binary), string keys; the historical default, byte for byte;
 *   <li>{@link #CONFLUENT}: the Schema Registry wire format (byte 0, 4-byte big-endian schema id,
 *       Avro binary) with sink-shaped values and struct keys, subjects {@code <topic>-value} and
 *       {@code <topic>-key};
 *   <li>{@link #JSON}: sink-shaped values and struct keys as plain JSON, optionally inside Kafka
 *       Connect's {@code {"schema":…,"payload":…}} envelope.
 * </ul>
 */
public enum OutputFormat {
  AVRO,
  CONFLUENT,
  JSON;

  /** The format named {@code name}, case-insensitive. */
  public static OutputFormat parse(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }

  /** The name as written in configuration. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
