package dev.kembed.state.index;

import dev.kembed.state.VectorMath;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Brute-force {@link VectorIndex}: every query scores every item. It is the reference that recall
 * is measured against in tests and in the benchmark, and a fine index for a few thousand items.
 * Items live in two parallel lists (removal swaps the last item into the hole), so a scan walks
 * arrays instead of hash buckets; a read-write lock lets queries run in parallel.
 */
public final class ExactIndex implements VectorIndex {
  private static final Comparator<Neighbour> MOST_SIMILAR_FIRST =
      Comparator.comparingDouble(Neighbour::similarity).reversed().thenComparing(Neighbour::id);

  private final String modelId;
  private final int dimension;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final List<String> ids = new ArrayList<>();
  private final List<float[]> vectors = new ArrayList<>();
  private final Map<String, Integer> slotById = new HashMap<>();
  private volatile boolean closed;

  public ExactIndex(String modelId, int dimension) {
    this.modelId = Objects.requireNonNull(modelId, "modelId");
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be positive, was " + dimension);
    }
    this.dimension = dimension;
  }

  @Override
  public void upsert(String id, float[] vector) {
    Objects.requireNonNull(id, "id");
    float[] unit = UnitVectors.unitCopy(vector, dimension);
    lock.writeLock().lock();
    try {
      ensureOpen();
      Integer slot = slotById.get(id);
      if (slot != null) {
        vectors.set(slot, unit);
      } else {
        slotById.put(id, ids.size());
        ids.add(id);
        vectors.add(unit);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public boolean remove(String id) {
    lock.writeLock().lock();
    try {
      ensureOpen();
      Integer slot = slotById.remove(id);
      if (slot == null) {
        return false;
      }
      int last = ids.size() - 1;
      if (slot != last) {
        ids.set(slot, ids.get(last));
        vectors.set(slot, vectors.get(last));
        slotById.put(ids.get(slot), slot);
      }
      ids.remove(last);
      vectors.remove(last);
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public List<Neighbour> nearest(float[] query, int k) {
    UnitVectors.requirePositiveK(k);
    float[] unit = UnitVectors.unitCopy(query, dimension);
    lock.readLock().lock();
    try {
      ensureOpen();
      return scan(unit, k, null);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<Neighbour> nearest(String id, int k) {
    UnitVectors.requirePositiveK(k);
    lock.readLock().lock();
    try {
      ensureOpen();
      Integer slot = slotById.get(id);
      return slot == null ? List.of() : scan(vectors.get(slot), k, id);
    } finally {
      lock.readLock().unlock();
    }
  }

  private List<Neighbour> scan(float[] unitQuery, int k, String excludedId) {
    // Min-heap of the best k so far: its head is the weakest, evicted by anything better.
    PriorityQueue<Neighbour> best = new PriorityQueue<>(k + 1, MOST_SIMILAR_FIRST.reversed());
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      if (id.equals(excludedId)) {
        continue;
      }
      double similarity = VectorMath.dot(unitQuery, vectors.get(i));
      if (best.size() < k) {
        best.add(new Neighbour(id, similarity));
      } else if (similarity > best.peek().similarity()) {
        best.poll();
        best.add(new Neighbour(id, similarity));
      }
    }
    List<Neighbour> out = new ArrayList<>(best);
    out.sort(MOST_SIMILAR_FIRST);
    return out;
  }

  @Override
  public int size() {
    lock.readLock().lock();
    try {
      return ids.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public void close() {
    closed = true;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("index for model " + modelId + " is closed");
    }
  }
}
