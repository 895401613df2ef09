package dev.kembed.topology.internal;

import dev.kembed.schemas.serde.SingleObjectCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes for kembed's internal records (state stores, their changelogs, repartition topics). Avro
 * single-object encoding like the public topics: the header names the writer's schema by
 * fingerprint. When an internal schema changes (it may only gain fields with defaults), its
 * previous version is kept under {@code internal-schemas/} and listed in {@link #EARLIER}, so
 * records an older kembed left in flight are still read across an upgrade, resolved to the current
 * schema.
 */
public final class InternalSerdes {
  /** Earlier schemas of internal records, still read: resource paths by record class. */
  static final Map<Class<?>, List<String>> EARLIER =
      Map.of(
          PartialFeatureRow.class, List.of("/internal-schemas/PartialFeatureRow-2026-12-04.avsc"));

  private InternalSerdes() {}

  public static Serde<EmbedRequest> embedRequest() {
    return of(EmbedRequest.class);
  }

  /** A serde for any generated internal record. */
  public static <T extends SpecificRecord> Serde<T> of(Class<T> type) {
    SpecificData data = SpecificData.getForClass(type);
    Schema schema = data.getSchema(type);
    SingleObjectCodec<T> codec = new SingleObjectCodec<>(data, schema);
    Map<Long, DatumReader<T>> readers = new HashMap<>();
    readers.put(codec.fingerprint(), SingleObjectCodec.reader(data, schema, schema));
    for (String resource : EARLIER.getOrDefault(type, List.of())) {
      Schema earlier = earlierSchema(resource);
      readers.put(
          SchemaNormalization.parsingFingerprint64(earlier),
          SingleObjectCodec.reader(data, earlier, schema));
    }
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
          DatumReader<T> reader =
              SingleObjectCodec.hasHeader(bytes)
                  ? readers.get(SingleObjectCodec.fingerprintOf(bytes))
                  : null;
          if (reader == null) {
            // Written with an internal schema this version does not know (a newer kembed's, or
            // one older than EARLIER keeps), or not ours at all.
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

  private static Schema earlierSchema(String resource) {
    try (InputStream in = InternalSerdes.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing internal schema " + resource);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
