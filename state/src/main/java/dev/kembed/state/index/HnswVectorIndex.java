package dev.kembed.state.index;

import com.github.jelmerk.hnswlib.core.SearchResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approximate {@link VectorIndex}: an hnswlib HNSW graph that manages its own capacity and
 * garbage. hnswlib needs a fixed capacity and never frees the slot of a removed or re-embedded
 * item, so this class doubles the capacity before it runs out, and when dead slots exceed {@link
 * IndexOptions#maxDeletedFraction()} of it, rebuilds a fresh graph from the live items on a
 * background thread. Writes made during the rebuild go to the current graph and to a log that is
 * replayed onto the new graph before it is swapped in with one volatile write, so readers only ever
 * see a complete graph and no write is lost. Writes are serialised (one stream thread feeds an
 * index); queries run concurrently from any thread.
 */
public final class HnswVectorIndex implements VectorIndex {
  private static final Logger log = LoggerFactory.getLogger(HnswVectorIndex.class);

  /** Replay the tail of the rebuild log while holding the write lock once it is this short. */
  static final int SWAP_REPLAY_BATCH = 256;

  /**
   * If writes outpace the replay this many rounds in a row, replay the rest under the write lock
   * anyway: it pauses the writer once instead of never finishing.
   */
  private static final int MAX_REPLAY_ROUNDS = 8;

  private final String modelId;
  private final int dimension;
  private volatile IndexOptions options;
  private final Executor rebuildExecutor;
  private final ExecutorService ownedExecutor;

  /** Serialises writers with each other, with the rebuild swap and with snapshots. */
  private final ReentrantLock writeLock = new ReentrantLock();

  private volatile Generation current;
  private volatile boolean closed;
  private volatile long rebuildCount;

  /** Mirrors {@code rebuildLog != null} for metric readers, who must not wait on a write. */
  private volatile boolean rebuilding;

  // Guarded by writeLock.
  private long nextVersion;
  private List<LoggedWrite> rebuildLog;

  /** An empty index whose rebuilds run on a daemon thread it owns. */
  public HnswVectorIndex(String modelId, int dimension, IndexOptions options) {
    this(
        modelId,
        dimension,
        options,
        Generation.create(dimension, options, options.initialCapacity()),
        0,
        null);
  }

  /** For tests: rebuilds run on {@code rebuildExecutor}, which the caller owns. */
  HnswVectorIndex(String modelId, int dimension, IndexOptions options, Executor rebuildExecutor) {
    this(
        modelId,
        dimension,
        options,
        Generation.create(dimension, options, options.initialCapacity()),
        0,
        rebuildExecutor);
  }

  private HnswVectorIndex(
      String modelId,
      int dimension,
      IndexOptions options,
      Generation generation,
      long nextVersion,
      Executor rebuildExecutor) {
    this.modelId = Objects.requireNonNull(modelId, "modelId");
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be positive, was " + dimension);
    }
    this.dimension = dimension;
    this.options = Objects.requireNonNull(options, "options");
    this.current = generation;
    this.nextVersion = nextVersion;
    if (rebuildExecutor == null) {
      this.ownedExecutor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "kembed-index-rebuild-" + modelId);
                t.setDaemon(true);
                return t;
              });
      this.rebuildExecutor = ownedExecutor;
    } else {
      this.ownedExecutor = null;
      this.rebuildExecutor = rebuildExecutor;
    }
  }

  /** An index around a graph restored from a snapshot. */
  static HnswVectorIndex restore(
      String modelId,
      int dimension,
      IndexOptions options,
      Generation generation,
      long nextVersion) {
    return new HnswVectorIndex(modelId, dimension, options, generation, nextVersion, null);
  }

  @Override
  public void upsert(String id, float[] vector) {
    Objects.requireNonNull(id, "id");
    float[] unit = UnitVectors.unitCopy(vector, dimension);
    writeLock.lock();
    try {
      ensureOpen();
      IndexedVector item = new IndexedVector(id, unit, nextVersion++);
      current.upsert(item);
      if (rebuildLog != null) {
        rebuildLog.add(new LoggedWrite(item, null, item.version()));
      }
      maybeStartRebuild();
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public boolean remove(String id) {
    Objects.requireNonNull(id, "id");
    writeLock.lock();
    try {
      ensureOpen();
      long version = nextVersion++;
      boolean removed = current.remove(id, version);
      if (removed && rebuildLog != null) {
        rebuildLog.add(new LoggedWrite(null, id, version));
      }
      if (removed) {
        maybeStartRebuild();
      }
      return removed;
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public List<Neighbour> nearest(float[] query, int k) {
    UnitVectors.requirePositiveK(k);
    float[] unit = UnitVectors.unitCopy(query, dimension);
    ensureOpen();
    return toNeighbours(current.search(unit, k + RACE_SLACK), null, k);
  }

  @Override
  public List<Neighbour> nearest(String id, int k) {
    UnitVectors.requirePositiveK(k);
    ensureOpen();
    // One generation for both steps, so a swap in between cannot pair a lookup with a search.
    Generation generation = current;
    Optional<IndexedVector> self = generation.get(id);
    if (self.isEmpty()) {
      return List.of();
    }
    return toNeighbours(generation.search(self.get().vector(), k + 1 + RACE_SLACK), id, k);
  }

  @Override
  public int size() {
    return current.size();
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  public IndexOptions options() {
    return options;
  }

  /**
   * Changes the query breadth. ef is a search-time knob (hnswlib keeps it outside the graph), so
   * this needs no rebuild; queries use at least k whatever it is.
   */
  public void setEf(int ef) {
    writeLock.lock();
    try {
      options = options.withEf(ef);
      current.hnsw.setEf(ef);
    } finally {
      writeLock.unlock();
    }
  }

  /** Node slots the current graph has room for (a metric; it grows by doubling). */
  public int capacity() {
    return current.capacity();
  }

  /** How many background rebuilds have been swapped in (a metric). */
  public long rebuildCount() {
    return rebuildCount;
  }

  /** True while a background rebuild is building or replaying. */
  public boolean rebuildInProgress() {
    return rebuilding;
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      closed = true;
    } finally {
      writeLock.unlock();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  /** Receives the index's state while writes are paused. */
  interface PausedState {
    void accept(Generation generation, long nextVersion) throws IOException;
  }

  /**
   * Runs {@code consumer} with writes paused, so a snapshot's header and graph describe the same
   * moment. A running rebuild is unaffected: the current generation already holds every write.
   */
  void withWritesPaused(PausedState consumer) throws IOException {
    writeLock.lock();
    try {
      ensureOpen();
      consumer.accept(current, nextVersion);
    } finally {
      writeLock.unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("index for model " + modelId + " is closed");
    }
  }

  // A search racing an update may meet an id twice (old and new node) and drop one; a few extra
  // candidates keep the answer at k. Search cost follows ef, not k, so this is nearly free.
  private static final int RACE_SLACK = 4;

  private List<Neighbour> toNeighbours(
      List<SearchResult<IndexedVector, Float>> results, String excludedId, int k) {
    List<Neighbour> out = new ArrayList<>(Math.min(k, results.size()));
    // A search racing an update can in principle meet both the old and the new node of an id
    // before the old one's deleted flag becomes visible; report each id once.
    Set<String> seen = new HashSet<>();
    for (SearchResult<IndexedVector, Float> r : results) {
      String id = r.item().id();
      if (id.equals(excludedId) || !seen.add(id)) {
        continue;
      }
      out.add(new Neighbour(id, 1.0 - r.distance()));
      if (out.size() == k) {
        break;
      }
    }
    return out;
  }

  // ---- rebuilds ----

  private void maybeStartRebuild() {
    if (rebuildLog != null || closed) {
      return;
    }
    Generation generation = current;
    if (generation.deadSlots() <= options.maxDeletedFraction() * generation.capacity()) {
      return;
    }
    // items() copies references under hnswlib's lock; items are immutable, so this is a
    // consistent cut: everything later goes to the log.
    List<IndexedVector> live = new ArrayList<>(generation.hnsw.items());
    log.info(
        "index {}: {} of {} slots are dead; rebuilding from {} live items in the background",
        modelId,
        generation.deadSlots(),
        generation.capacity(),
        live.size());
    rebuildLog = new ArrayList<>();
    rebuilding = true;
    try {
      rebuildExecutor.execute(() -> rebuild(live));
    } catch (RejectedExecutionException e) {
      rebuildLog = null;
      rebuilding = false;
      log.warn(
          "index {}: rebuild rejected by its executor; will retry on a later write", modelId, e);
    }
  }

  private void rebuild(List<IndexedVector> live) {
    boolean swapped = false;
    try {
      int capacity = Math.max(options.initialCapacity(), live.size() * 2);
      Generation fresh = Generation.create(dimension, options, capacity);
      for (int i = 0; i < live.size(); i++) {
        if (closed || Thread.currentThread().isInterrupted()) {
          return;
        }
        fresh.upsert(live.get(i));
      }
      int replayed = 0;
      for (int round = 1; ; round++) {
        List<LoggedWrite> pending;
        writeLock.lock();
        try {
          if (closed) {
            return;
          }
          pending = new ArrayList<>(rebuildLog.subList(replayed, rebuildLog.size()));
          if (pending.size() <= SWAP_REPLAY_BATCH || round > MAX_REPLAY_ROUNDS) {
            pending.forEach(w -> w.applyTo(fresh));
            fresh.hnsw.setEf(options.ef()); // setEf may have run since the build began
            current = fresh;
            rebuildLog = null;
            rebuilding = false;
            rebuildCount++;
            swapped = true;
            log.info(
                "index {}: rebuilt with {} live items ({} writes replayed), capacity {}",
                modelId,
                fresh.size(),
                replayed + pending.size(),
                fresh.capacity());
            return;
          }
        } finally {
          writeLock.unlock();
        }
        // The bulk of the log is replayed without blocking the writer.
        pending.forEach(w -> w.applyTo(fresh));
        replayed += pending.size();
      }
    } catch (RuntimeException e) {
      // The current generation still holds every write, so failing the rebuild loses nothing.
      log.error("index {}: rebuild failed; keeping the current graph", modelId, e);
    } finally {
      if (!swapped) {
        writeLock.lock();
        try {
          rebuildLog = null;
          rebuilding = false;
        } finally {
          writeLock.unlock();
        }
      }
    }
  }

  /** A write made while a rebuild was running: an upsert ({@code item}) or a removal. */
  private record LoggedWrite(IndexedVector item, String removedId, long version) {
    void applyTo(Generation generation) {
      if (item != null) {
        generation.upsert(item);
      } else {
        generation.remove(removedId, version);
      }
    }
  }
}
