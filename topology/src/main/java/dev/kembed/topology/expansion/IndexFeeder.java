package dev.kembed.topology.expansion;

import dev.kembed.state.index.HnswVectorIndex;
import dev.kembed.state.index.IndexOptions;
import dev.kembed.state.index.IndexSnapshots;
import dev.kembed.state.index.LoadedSnapshot;
import dev.kembed.state.index.UnrolledInnerProduct;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a set of {@link FedIndex}es in step with the {@code content-embeddings} topic, on one
 * thread. At {@link #open} each index is restored from its snapshot if that is intact, recent
 * enough and of the running model, and its offsets still exist in the topic; otherwise it starts
 * empty and the reason is logged. The source is then positioned at the oldest offset any index
 * needs, so only what came after the snapshots is replayed. {@link #step} applies one poll and
 * writes snapshots when enough records or time have passed. Not thread-safe: the owner calls it
 * from the feeding thread only; the indexes themselves may be queried from anywhere.
 */
final class IndexFeeder {
  private static final Logger log = LoggerFactory.getLogger(IndexFeeder.class);

  /**
   * What the feeder needs to know besides the source: model, where snapshots live, when to take
   * them.
   */
  record Settings(
      String modelId,
      int dimension,
      IndexOptions options,
      Path baseDir,
      long snapshotIntervalMs,
      long snapshotRecords,
      long snapshotMaxAgeMs) {}

  private final EmbeddingSource source;
  private final Settings settings;
  private final LongSupplier clock;
  private final Map<String, FedIndex> indexes;
  private final Map<Integer, Long> caughtUpAt;
  private final List<Integer> partitions;
  private long lastSnapshotAt;
  private volatile boolean ready;
  private volatile long applied;

  private IndexFeeder(
      EmbeddingSource source,
      Settings settings,
      LongSupplier clock,
      Map<String, FedIndex> indexes,
      List<Integer> partitions,
      Map<Integer, Long> caughtUpAt) {
    this.source = source;
    this.settings = settings;
    this.clock = clock;
    this.indexes = indexes;
    this.partitions = partitions;
    this.caughtUpAt = caughtUpAt;
    this.lastSnapshotAt = clock.getAsLong();
    this.ready = checkReady();
  }

  /**
   * Restores or creates each index in {@code specs} (name to entity types) and positions {@code
   * source}.
   */
  static IndexFeeder open(
      EmbeddingSource source, Settings settings, Map<String, IndexSpec> specs, LongSupplier clock) {
    List<Integer> partitions = source.partitions();
    Map<Integer, Long> beginning = source.beginningOffsets(partitions);
    Map<Integer, Long> end = source.endOffsets(partitions);
    Map<String, FedIndex> indexes = new LinkedHashMap<>();
    for (IndexSpec spec : specs.values()) {
      indexes.put(spec.name(), restoreOrCreate(spec, settings, clock, beginning, end));
    }
    Map<Integer, Long> start = new HashMap<>();
    for (int p : partitions) {
      long from = end.get(p);
      for (FedIndex f : indexes.values()) {
        from = Math.min(from, f.next(p, beginning.get(p)));
      }
      start.put(p, from);
    }
    source.assign(start);
    log.info(
        "index feeder on {}: {} partitions, reading from {} up to {} before ready; distance: {}",
        source,
        partitions.size(),
        start,
        end,
        UnrolledInnerProduct.implementation());
    return new IndexFeeder(source, settings, clock, indexes, partitions, end);
  }

  private static FedIndex restoreOrCreate(
      IndexSpec spec,
      Settings s,
      LongSupplier clock,
      Map<Integer, Long> beginning,
      Map<Integer, Long> end) {
    Path dir = s.baseDir().resolve(spec.name());
    String reason = tooOld(dir, s.snapshotMaxAgeMs(), clock.getAsLong());
    Optional<LoadedSnapshot> loaded =
        reason == null ? IndexSnapshots.load(dir, s.modelId()) : Optional.empty();
    if (loaded.isPresent()) {
      LoadedSnapshot snap = loaded.get();
      reason = offsetsUnusable(snap.offsets(), beginning, end);
      if (reason == null && snap.index().dimension() != s.dimension()) {
        reason = "dimension " + snap.index().dimension() + ", the model has " + s.dimension();
      }
      if (reason == null) {
        snap.index().setEf(s.options().ef()); // ef is a query-time setting, not the snapshot's
        log.info(
            "index '{}' restored from its snapshot: {} items, resuming at offsets {}",
            spec.name(),
            snap.index().size(),
            snap.offsets());
        return new FedIndex(spec.name(), spec.types(), snap.index(), dir, snap.offsets(), false);
      }
      snap.index().close();
    }
    log.info(
        "index '{}' is rebuilt from the earliest offset{}",
        spec.name(),
        reason == null ? " (see the snapshot warning above)" : ": " + reason);
    HnswVectorIndex fresh = new HnswVectorIndex(s.modelId(), s.dimension(), s.options());
    return new FedIndex(spec.name(), spec.types(), fresh, dir, Map.of(), true);
  }

  // Compaction drops tombstones after delete.retention.ms; a snapshot older than that may never
  // see the deletes that happened since, so it is safer to rebuild.
  private static String tooOld(Path dir, long maxAgeMs, long now) {
    Path file = dir.resolve(IndexSnapshots.FILE_NAME);
    if (maxAgeMs <= 0 || !Files.exists(file)) {
      return null;
    }
    try {
      long age = now - Files.getLastModifiedTime(file).toMillis();
      return age > maxAgeMs
          ? "snapshot is " + age + " ms old, more than index.snapshot.max.age.ms (" + maxAgeMs + ")"
          : null;
    } catch (IOException e) {
      return "cannot read the snapshot's age: " + e;
    }
  }

  // An offset past the end means the topic was re-created; one before the beginning means records
  // were deleted in between. Either way the snapshot no longer describes this topic.
  private static String offsetsUnusable(
      Map<Integer, Long> offsets, Map<Integer, Long> beginning, Map<Integer, Long> end) {
    for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
      Long b = beginning.get(e.getKey());
      Long x = end.get(e.getKey());
      if (b == null) {
        return "partition " + e.getKey() + " no longer exists";
      }
      if (e.getValue() > x || e.getValue() < b) {
        return "partition "
            + e.getKey()
            + " offset "
            + e.getValue()
            + " is outside the topic's ["
            + b
            + ", "
            + x
            + "]";
      }
    }
    return null;
  }

  /** Polls once, applies what came, snapshots if due; returns the number of records polled. */
  int step(Duration pollTimeout) throws IOException {
    List<EmbeddingRecord> records = source.poll(pollTimeout);
    for (EmbeddingRecord r : records) {
      for (FedIndex f : indexes.values()) {
        if (!f.apply(r)) {
          log.warn(
              "index '{}': unusable vector under key '{}' at {}@{} removed",
              f.name(),
              r.key(),
              r.partition(),
              r.offset());
        }
      }
    }
    applied += records.size();
    for (int p : partitions) {
      long position = source.position(p);
      indexes.values().forEach(f -> f.advanceTo(p, position));
    }
    if (!ready && checkReady()) {
      ready = true;
      log.info("indexes caught up with the end offsets seen at start: {}", sizes());
    }
    if (snapshotDue()) {
      snapshot();
    }
    return records.size();
  }

  private boolean checkReady() {
    for (int p : partitions) {
      for (FedIndex f : indexes.values()) {
        if (f.next(p, Long.MIN_VALUE) < caughtUpAt.get(p)) {
          return false;
        }
      }
    }
    return true;
  }

  private boolean snapshotDue() {
    long since = 0;
    for (FedIndex f : indexes.values()) {
      since = Math.max(since, f.appliedSinceSnapshot());
    }
    return since >= settings.snapshotRecords()
        || (since > 0 && clock.getAsLong() - lastSnapshotAt >= settings.snapshotIntervalMs());
  }

  /** Writes a snapshot of every index that changed since its last one. */
  void snapshot() throws IOException {
    for (FedIndex f : indexes.values()) {
      if (f.dirty()) {
        f.snapshot();
        log.debug(
            "index '{}' snapshot: {} items at offsets {}", f.name(), f.index().size(), f.offsets());
      }
    }
    lastSnapshotAt = clock.getAsLong();
  }

  boolean ready() {
    return ready;
  }

  long applied() {
    return applied;
  }

  Map<String, FedIndex> indexes() {
    return indexes;
  }

  private Map<String, Integer> sizes() {
    Map<String, Integer> out = new LinkedHashMap<>();
    indexes.forEach((n, f) -> out.put(n, f.index().size()));
    return out;
  }
}
