package dev.kembed.state.index;

import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One hnswlib graph plus the bookkeeping hnswlib does not expose: how many node slots it has
 * consumed. hnswlib never frees a slot (a remove or a changed vector only marks the old node
 * deleted, jelmerk/hnswlib#64), so the owner needs this count to know when to grow the graph and
 * when enough of it is dead to be worth rebuilding. A {@link HnswVectorIndex} swaps whole
 * generations, never patches a visible one into shape.
 *
 * <p>Mutations come from one thread at a time (the owner's writer, or the rebuild thread before the
 * generation is published); searches may run concurrently with them.
 */
final class Generation {
  private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

  final HnswIndex<String, float[], IndexedVector, Float> hnsw;

  /**
   * hnswlib's add and findNearest may run concurrently, but resize may not: it replaces the node
   * array and the pool of visited-sets that a running search holds, so a search could follow a link
   * to a node id past the end of its old arrays. Searches take the read side, resize the write
   * side; adds need neither because only the writer thread resizes.
   */
  private final ReadWriteLock resizeLock = new ReentrantReadWriteLock();

  private int slotsUsed;

  private Generation(HnswIndex<String, float[], IndexedVector, Float> hnsw, int slotsUsed) {
    this.hnsw = hnsw;
    this.slotsUsed = slotsUsed;
  }

  static Generation create(int dimension, IndexOptions options, int capacity) {
    // Inner product on unit vectors is cosine distance without recomputing two norms per
    // comparison, which is most of what a search does.
    HnswIndex<String, float[], IndexedVector, Float> hnsw =
        HnswIndex.newBuilder(dimension, UnrolledInnerProduct.INSTANCE, capacity)
            .withM(options.m())
            .withEfConstruction(options.efConstruction())
            .withEf(options.ef())
            .withRemoveEnabled()
            .withCustomSerializers(
                new HnswSerializers.IdSerializer(), new HnswSerializers.ItemSerializer())
            .build();
    return new Generation(hnsw, 0);
  }

  static Generation restore(HnswIndex<String, float[], IndexedVector, Float> hnsw, int slotsUsed) {
    return new Generation(hnsw, slotsUsed);
  }

  List<SearchResult<IndexedVector, Float>> search(float[] unitQuery, int k) {
    resizeLock.readLock().lock();
    try {
      return hnsw.findNearest(unitQuery, k);
    } finally {
      resizeLock.readLock().unlock();
    }
  }

  Optional<IndexedVector> get(String id) {
    return hnsw.get(id);
  }

  /** Adds or replaces {@code item}, growing the graph first if it has no free slot. */
  void upsert(IndexedVector item) {
    Optional<IndexedVector> existing = hnsw.get(item.id());
    if (existing.isPresent() && Arrays.equals(existing.get().vector(), item.vector())) {
      // Same vector again (a replayed or re-embedded record): the graph would not change.
      return;
    }
    if (slotsUsed >= hnsw.getMaxItemCount()) {
      grow();
    }
    if (hnsw.add(item)) {
      slotsUsed++;
    }
  }

  boolean remove(String id, long version) {
    return hnsw.remove(id, version);
  }

  private void grow() {
    int capacity = hnsw.getMaxItemCount();
    int next = (int) Math.min(MAX_CAPACITY, Math.max(capacity + 1L, capacity * 2L));
    if (next <= capacity) {
      throw new IllegalStateException("index is at its maximum capacity of " + capacity);
    }
    resizeLock.writeLock().lock();
    try {
      hnsw.resize(next);
    } finally {
      resizeLock.writeLock().unlock();
    }
  }

  int size() {
    return hnsw.size();
  }

  int capacity() {
    return hnsw.getMaxItemCount();
  }

  int slotsUsed() {
    return slotsUsed;
  }

  /** Slots held by removed or superseded nodes: the cost a rebuild would reclaim. */
  int deadSlots() {
    return slotsUsed - hnsw.size();
  }
}
