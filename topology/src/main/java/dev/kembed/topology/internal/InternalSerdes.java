package dev.kembed.topology.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;

/**
 * Serdes for kembed's internal records (state stores, their changelogs, repartition topics). Avro
 * single-object encoding like the public topics, so data written by an older kembed stays readable
 * after an upgrade as long as internal schemas only gain fields with defaults.
 */
public final class InternalSerdes {
  private InternalSerdes() {}

  public static Serde<EmbedRequest> embedRequest() {
    return of(EmbedRequest.class);
  }

  /** A serde for any generated internal record. */
  public static <T extends SpecificRecord> Serde<T> of(Class<T> type) {
    SpecificData data = SpecificData.getForClass(type);
    Schema schema = data.getSchema(type);
    BinaryMessageEncoder<T> encoder = new BinaryMessageEncoder<>(data, schema);
    BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(data, schema);
    return Serdes.serdeFrom(
        (topic, r) -> {
          if (r == null) {
            return null;
          }
          try {
            return Utils.toArray(encoder.encode(r));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          try {
            return decoder.decode(bytes);
          } catch (IOException e) {
            throw new UncheckedIOException(
                "corrupt internal " + type.getSimpleName() + " in " + topic, e);
          }
        });
  }
}
