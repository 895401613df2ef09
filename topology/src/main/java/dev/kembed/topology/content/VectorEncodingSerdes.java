package dev.kembed.topology.content;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.vector.PackedVectors.Encoding;
import dev.kembed.schemas.vector.RecordVectors;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes the vectors of output records in {@code output.vector.encoding}: float32 keeps today's
 * {@code array<float>}; float16 and int8 pack the vector into {@code packed_vector} (schema v2) at
 * the last moment, in the serializer, so the topology and its internal hops never see a lossy
 * vector. Wraps the {@code avro} output serdes of {@code OutputSerdes}; records without a vector
 * and null values (tombstones) pass through unchanged.
 */
public final class VectorEncodingSerdes {
  private final Encoding encoding;

  public VectorEncodingSerdes(Encoding encoding) {
    this.encoding = encoding;
  }

  /** {@code inner} with records of {@code type} re-encoded before they are serialized. */
  @SuppressWarnings("unchecked")
  public <T> Serde<T> wrap(Class<T> type, Serde<T> inner) {
    if (encoding == Encoding.FLOAT32) {
      return inner;
    }
    UnaryOperator<T> encode;
    if (type == ContentEmbedding.class) {
      encode = v -> (T) RecordVectors.encode((ContentEmbedding) v, encoding);
    } else if (type == UserVector.class) {
      encode = v -> (T) RecordVectors.encode((UserVector) v, encoding);
    } else if (type == IndexUpdate.class) {
      encode = v -> (T) RecordVectors.encode((IndexUpdate) v, encoding);
    } else {
      return inner;
    }
    Serializer<T> ser =
        (topic, value) ->
            value == null ? null : inner.serializer().serialize(topic, encode.apply(value));
    return Serdes.serdeFrom(ser, inner.deserializer());
  }
}
