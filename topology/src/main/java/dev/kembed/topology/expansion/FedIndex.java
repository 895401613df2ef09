package dev.kembed.topology.expansion;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.state.index.HnswVectorIndex;
import dev.kembed.state.index.IndexSnapshots;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One named in-memory index and the input it has seen: for each partition of {@code
 * content-embeddings}, the offset of the next record it has not applied. It applies a record only
 * at or past that offset, so several indexes restored from snapshots of different ages can share
 * one consumer that starts at the oldest of them. Its invariant: it holds exactly the entities
 * whose latest record so far is of one of its entity types and of the running model; a tombstone, a
 * record of another type under the same key, or a record of another model all remove the key, as
 * compaction would.
 */
final class FedIndex {
  private final String name;
  private final Set<EntityType> types;
  private final HnswVectorIndex index;
  private final Path snapshotDir;
  private final Map<Integer, Long> next;
  private long appliedSinceSnapshot;
  private boolean dirty;
  private long rejected;

  FedIndex(
      String name,
      Set<EntityType> types,
      HnswVectorIndex index,
      Path snapshotDir,
      Map<Integer, Long> next,
      boolean dirty) {
    this.name = name;
    this.types = Set.copyOf(types);
    this.index = index;
    this.snapshotDir = snapshotDir;
    this.next = new HashMap<>(next);
    this.dirty = dirty;
  }

  String name() {
    return name;
  }

  HnswVectorIndex index() {
    return index;
  }

  /** Next offset this index needs from {@code partition}, or {@code fallback} if it has none. */
  long next(int partition, long fallback) {
    return next.getOrDefault(partition, fallback);
  }

  Map<Integer, Long> offsets() {
    return Map.copyOf(next);
  }

  long rejected() {
    return rejected;
  }

  /**
   * Applies {@code r} unless this index has already seen its offset; returns false if the vector
   * was unusable (NaN, wrong dimension) and the key was removed instead.
   */
  boolean apply(EmbeddingRecord r) {
    if (r.offset() < next.getOrDefault(r.partition(), Long.MIN_VALUE)) {
      return true;
    }
    next.put(r.partition(), r.offset() + 1);
    appliedSinceSnapshot++;
    dirty = true;
    ContentEmbedding e = r.value();
    if (e == null
        || !types.contains(e.getEntityType())
        || !index.modelId().equals(e.getModelId())) {
      index.remove(r.key());
      return true;
    }
    try {
      index.upsert(r.key(), toArray(e));
      return true;
    } catch (IllegalArgumentException bad) {
      index.remove(r.key());
      rejected++;
      return false;
    }
  }

  /**
   * Moves past offsets that held no record for us (transaction markers), once all before are
   * applied.
   */
  void advanceTo(int partition, long position) {
    if (position > next.getOrDefault(partition, Long.MIN_VALUE)) {
      next.put(partition, position);
      dirty = true;
    }
  }

  long appliedSinceSnapshot() {
    return appliedSinceSnapshot;
  }

  boolean dirty() {
    return dirty;
  }

  void snapshot() throws IOException {
    IndexSnapshots.save(index, snapshotDir, next);
    appliedSinceSnapshot = 0;
    dirty = false;
  }

  private static float[] toArray(ContentEmbedding e) {
    return dev.kembed.schemas.vector.RecordVectors.of(
        e); // array or packed (output.vector.encoding)
  }
}
