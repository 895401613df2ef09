package dev.kembed.state.index;

import java.util.List;

/**
 * A nearest-neighbour index over unit vectors of one embedding model, keyed by entity id. It is
 * deliberately as small as hnswlib's {@code Index}: upsert, remove, two kinds of top-k query, size
 * and the model tag. Vectors are normalised on insert, so similarity is cosine; a NaN or infinite
 * component, a zero vector or a vector of the wrong dimension is rejected with {@link
 * IllegalArgumentException}. Implementations are safe for one writer (the stream thread) and any
 * number of concurrent readers (query threads).
 */
public interface VectorIndex extends AutoCloseable {

  /** Inserts {@code vector} under {@code id}, replacing any vector the id had before. */
  void upsert(String id, float[] vector);

  /**
   * Like {@link #upsert(String, float[])}, but first checks that the vector comes from the model
   * this index was built for. Vectors of two models live in different spaces, so mixing them would
   * return neighbours that mean nothing.
   *
   * @throws ModelMismatchException if {@code modelId} is not {@link #modelId()}
   */
  default void upsert(String id, float[] vector, String modelId) {
    if (!modelId().equals(modelId)) {
      throw new ModelMismatchException(modelId(), modelId);
    }
    upsert(id, vector);
  }

  /** Removes {@code id}; returns false if it was not in the index. */
  boolean remove(String id);

  /** The {@code k} items most similar to {@code query}, most similar first. */
  List<Neighbour> nearest(float[] query, int k);

  /**
   * The {@code k} items most similar to the item stored under {@code id}, excluding that item
   * itself; empty if {@code id} is not in the index.
   */
  List<Neighbour> nearest(String id, int k);

  /** Number of live items. */
  int size();

  /** The embedding model whose vectors this index holds. */
  String modelId();

  /** The dimension every vector must have. */
  int dimension();

  /** Releases background resources; the index must not be used afterwards. */
  @Override
  void close();
}
