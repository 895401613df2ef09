package dev.kembed.schemas.vector;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.VectorEncoding;
import dev.kembed.schemas.vector.PackedVectors.Encoding;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Reads and writes the vector of the public records that carry one ({@link ContentEmbedding},
 * {@link UserVector}, {@link IndexUpdate}) whichever way it travels: the v1 {@code vector} array
 * (float32, the default) or, since v2, {@code packed_vector} with its {@code vector_encoding}
 * (float16 or int8, see {@link PackedVectors}). Consumers should read vectors only through {@link
 * #of} so that a producer switching {@code output.vector.encoding} does not break them.
 */
public final class RecordVectors {
  private RecordVectors() {}

  public static float[] of(ContentEmbedding e) {
    return decode(e.getVector(), e.getPackedVector(), e.getVectorEncoding());
  }

  public static float[] of(UserVector v) {
    return decode(v.getVector(), v.getPackedVector(), v.getVectorEncoding());
  }

  /** The vector of an UPSERT; null for a DELETE. */
  public static float[] of(IndexUpdate u) {
    if (u.getVector() == null && u.getPackedVector() == null) {
      return null;
    }
    return decode(u.getVector(), u.getPackedVector(), u.getVectorEncoding());
  }

  /**
   * The record with its vector in {@code encoding}: FLOAT32 returns it unchanged (the v1 array);
   * FLOAT16 and INT8 return a copy with the vector packed and the array emptied (nulled for
   * IndexUpdate).
   */
  public static ContentEmbedding encode(ContentEmbedding e, Encoding encoding) {
    if (encoding == Encoding.FLOAT32 || e.getPackedVector() != null) {
      return e;
    }
    return ContentEmbedding.newBuilder(e)
        .setVector(List.of())
        .setPackedVector(pack(of(e), encoding))
        .setVectorEncoding(symbol(encoding))
        .build();
  }

  public static UserVector encode(UserVector v, Encoding encoding) {
    if (encoding == Encoding.FLOAT32 || v.getPackedVector() != null) {
      return v;
    }
    return UserVector.newBuilder(v)
        .setVector(List.of())
        .setPackedVector(pack(of(v), encoding))
        .setVectorEncoding(symbol(encoding))
        .build();
  }

  public static IndexUpdate encode(IndexUpdate u, Encoding encoding) {
    if (encoding == Encoding.FLOAT32 || u.getVector() == null) {
      return u;
    }
    return IndexUpdate.newBuilder(u)
        .setVector(null)
        .setPackedVector(pack(of(u), encoding))
        .setVectorEncoding(symbol(encoding))
        .build();
  }

  private static ByteBuffer pack(float[] v, Encoding encoding) {
    return ByteBuffer.wrap(PackedVectors.pack(v, encoding));
  }

  private static VectorEncoding symbol(Encoding encoding) {
    return VectorEncoding.valueOf(encoding.name());
  }

  static float[] decode(List<Float> vector, ByteBuffer packed, VectorEncoding encoding) {
    if (packed != null) {
      if (encoding == null || encoding == VectorEncoding.UNKNOWN) {
        throw new IllegalArgumentException(
            "packed_vector with unknown vector_encoding " + encoding);
      }
      return PackedVectors.unpack(packed, Encoding.valueOf(encoding.name()));
    }
    if (vector == null) {
      return null;
    }
    if (vector instanceof FloatList floats) {
      return floats.values().clone();
    }
    float[] out = new float[vector.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = vector.get(i);
    }
    return out;
  }
}
