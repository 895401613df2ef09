package dev.kembed.topology.content;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.schemas.vector.PackedVectors.Encoding;
import dev.kembed.schemas.vector.RecordVectors;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serdes of the output topics that carry vectors, writing them in {@code output.vector.encoding}:
 * float32 keeps today's {@code array<float>}; float16 and int8 pack the vector into {@code
 * packed_vector} (schema v2) at the last moment, in the serializer, so the topology and its
 * internal hops never see a lossy vector.
 */
public final class OutputSerdes {
  private final Encoding encoding;

  public OutputSerdes(Encoding encoding) {
    this.encoding = encoding;
  }

  public Serde<ContentEmbedding> contentEmbedding() {
    return encoding(KembedSerdes.of(ContentEmbedding.class), e -> RecordVectors.encode(e, encoding));
  }

  public Serde<UserVector> userVector() {
    return encoding(KembedSerdes.of(UserVector.class), v -> RecordVectors.encode(v, encoding));
  }

  public Serde<IndexUpdate> indexUpdate() {
    return encoding(KembedSerdes.of(IndexUpdate.class), u -> RecordVectors.encode(u, encoding));
  }

  private <T> Serde<T> encoding(Serde<T> inner, UnaryOperator<T> encode) {
    if (encoding == Encoding.FLOAT32) {
      return inner;
    }
    Serializer<T> ser = (topic, value) -> value == null ? null : inner.serializer().serialize(topic, encode.apply(value));
    return Serdes.serdeFrom(ser, inner.deserializer());
  }
}
