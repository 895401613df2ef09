package dev.kembed.state.index;

/**
 * Tuning of an {@link HnswVectorIndex}. {@code m} is the number of graph links per node (memory and
 * recall grow with it), {@code efConstruction} the breadth of the search that places a new node
 * (build time and graph quality), {@code ef} the breadth of a query (latency and recall; the query
 * always uses at least k). {@code initialCapacity} is the first hnswlib node-array size; the index
 * doubles it before it runs out. {@code maxDeletedFraction} is the share of that capacity which may
 * be held by removed or superseded nodes (hnswlib only marks them deleted) before the index
 * rebuilds itself from its live items. Defaults are justified by the benchmark in {@code
 * docs/index.md}.
 */
public record IndexOptions(
    int m, int efConstruction, int ef, int initialCapacity, double maxDeletedFraction) {

  // Measured (docs/index.md): with M=16/efC=200, clustered 384-d 100k reaches recall@10 1.0 at
  // ef 64 and 21x exact speed at ef 100; ef 100 also keeps random 64-d 5k above 0.95 recall.
  // M=32 bought recall only on adversarial random data, at 3-4x the build time.
  public static final int DEFAULT_M = 16;
  // efC=100 built 1.6x faster than 200 (docs/index.md); on clustered 20k it still reached recall@10
  // 1.0 at ef 32. Every post is inserted on the hot path of an indexing instance, so insert cost
  // wins.
  public static final int DEFAULT_EF_CONSTRUCTION = 100;
  public static final int DEFAULT_EF = 100;
  public static final int DEFAULT_INITIAL_CAPACITY = 1024;
  public static final double DEFAULT_MAX_DELETED_FRACTION = 0.25;

  public IndexOptions {
    if (m < 2 || m > 256) {
      throw new IllegalArgumentException("m must be in [2, 256], was " + m);
    }
    if (efConstruction < m) {
      throw new IllegalArgumentException(
          "efConstruction must be at least m (" + m + "), was " + efConstruction);
    }
    if (ef < 1) {
      throw new IllegalArgumentException("ef must be at least 1, was " + ef);
    }
    if (initialCapacity < 1) {
      throw new IllegalArgumentException(
          "initialCapacity must be positive, was " + initialCapacity);
    }
    if (!(maxDeletedFraction > 0 && maxDeletedFraction < 1)) {
      throw new IllegalArgumentException(
          "maxDeletedFraction must be in (0, 1), was " + maxDeletedFraction);
    }
  }

  public static IndexOptions defaults() {
    return new IndexOptions(
        DEFAULT_M,
        DEFAULT_EF_CONSTRUCTION,
        DEFAULT_EF,
        DEFAULT_INITIAL_CAPACITY,
        DEFAULT_MAX_DELETED_FRACTION);
  }

  public IndexOptions withM(int value) {
    return new IndexOptions(
        value, Math.max(efConstruction, value), ef, initialCapacity, maxDeletedFraction);
  }

  public IndexOptions withEfConstruction(int value) {
    return new IndexOptions(m, value, ef, initialCapacity, maxDeletedFraction);
  }

  public IndexOptions withEf(int value) {
    return new IndexOptions(m, efConstruction, value, initialCapacity, maxDeletedFraction);
  }

  public IndexOptions withInitialCapacity(int value) {
    return new IndexOptions(m, efConstruction, ef, value, maxDeletedFraction);
  }

  public IndexOptions withMaxDeletedFraction(double value) {
    return new IndexOptions(m, efConstruction, ef, initialCapacity, value);
  }
}
