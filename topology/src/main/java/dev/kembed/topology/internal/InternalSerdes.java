package dev.kembed.topology.internal;

import dev.kembed.schemas.serde.SingleObjectCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

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
    SingleObjectCodec<T> codec = new SingleObjectCodec<>(data, schema);
    DatumReader<T> reader = SingleObjectCodec.reader(data, schema, schema);
    return Serdes.serdeFrom(
        (topic, r) -> {
          if (r == null) {
            return null;
          }
          try {
            return codec.encode(r);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          if (!SingleObjectCodec.hasHeader(bytes)
              || SingleObjectCodec.fingerprintOf(bytes) != codec.fingerprint()) {
            // Written by a kembed whose internal schema differs: state or repartition data of
            // another version (see the README on draining before an upgrade), or not ours at all.
            throw new UncheckedIOException(
                new IOException(
                    "internal "
                        + type.getSimpleName()
                        + " in "
                        + topic
                        + " was not written with this version's schema"));
          }
          try {
            return SingleObjectCodec.decode(reader, bytes);
          } catch (IOException e) {
            throw new UncheckedIOException(
                "corrupt internal " + type.getSimpleName() + " in " + topic, e);
          }
        });
  }
}
