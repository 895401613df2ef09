package dev.kembed.state.window;

import dev.kembed.state.VectorMath;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Keeps each (user, kind)'s windowed vectors incrementally: per window a running weighted sum of
 * embeddings, per tile size a set of tiles, so that an event costs O(dim) for all windows together
 * and a window's expiry subtracts whole tiles (amortised O(dim) per tile) instead of re-scanning
 * history. The as-of time of a (user, kind) is the latest event time applied to it or the latest
 * {@link #advanceTo} time, whichever is later; it never moves back. Windows are defined at tile
 * granularity as documented on {@link WindowSpec}, and the incremental state equals a from-scratch
 * recomputation over the applied events under that definition (see the property test). Engine-free:
 * Kafka Streams only appears behind {@link TileStore}. Not thread-safe; one instance per stream
 * task, like the store it wraps.
 *
 * <p>An event older than as-of by at most the allowed lateness is added to its (older) tile and to
 * every window still covering it; an older one is {@link AddResult.Status#LATE}, and one inside the
 * lateness but outside every window is {@link AddResult.Status#EXPIRED}. A rejected event changes
 * nothing. Duplicates are applied again: exactly-once is the stream's job.
 */
public final class WindowedVectorAggregator {
  private final TileStore store;
  private final WindowConfig config;
  private final List<WindowSpec> windows;

  public WindowedVectorAggregator(TileStore store, WindowConfig config) {
    this.store = Objects.requireNonNull(store, "store");
    this.config = Objects.requireNonNull(config, "config");
    this.windows = config.windows();
  }

  public WindowConfig config() {
    return config;
  }

  /**
   * Applies one event. Call {@link #snapshotAt} first to read the user's vectors just before it.
   *
   * @param weight interaction weight, finite and {@code >= 0}
   * @param embedding the content's embedding; its dimension must match earlier events of this kind
   */
  public AddResult add(
      String user, String kind, long eventTimeMs, double weight, float[] embedding) {
    TileStore.Meta meta = store.getMeta(user, kind);
    long prevAsOf = meta == null ? Long.MIN_VALUE : meta.asOf();
    String invalid = validate(weight, embedding, meta);
    if (invalid != null) {
      return AddResult.rejected(AddResult.Status.INVALID, invalid, prevAsOf);
    }
    if (meta != null && eventTimeMs < prevAsOf - config.allowedLatenessMs()) {
      return AddResult.rejected(
          AddResult.Status.LATE,
          "event "
              + (prevAsOf - eventTimeMs)
              + " ms behind as-of, allowed "
              + config.allowedLatenessMs(),
          prevAsOf);
    }
    long asOf = meta == null ? eventTimeMs : Math.max(prevAsOf, eventTimeMs);

    // Judged at the new as-of: an in-order event's own tile is inside every window, so only an
    // out-of-order one can miss them all, and then nothing has been touched yet.
    boolean[] covered = new boolean[windows.size()];
    boolean anyCovered = false;
    for (int i = 0; i < covered.length; i++) {
      covered[i] = windows.get(i).covers(eventTimeMs, asOf);
      anyCovered |= covered[i];
    }
    if (!anyCovered) {
      return AddResult.rejected(
          AddResult.Status.EXPIRED, "event outside every window at as-of " + asOf, prevAsOf);
    }

    int dim = embedding.length;
    Pending pending = new Pending(user, kind, dim);
    if (meta != null && asOf > prevAsOf) {
      expire(pending, prevAsOf, asOf);
    }
    for (int i = 0; i < covered.length; i++) {
      if (covered[i]) {
        pending.sum(i).add(embedding, weight);
        pending.changed[i] = true;
      }
    }
    for (WindowSpec retention : config.retentionByTile().values()) {
      long start = Resolution.tileStart(eventTimeMs, retention.tileMs());
      // A tile already outside the longest window of its size will never be subtracted again.
      if (start >= retention.firstTileStart(asOf)) {
        VectorSum tile = store.getTile(user, kind, retention.tileMs(), start);
        if (tile == null) {
          tile = VectorSum.empty(dim);
        }
        tile.add(embedding, weight);
        store.putTile(user, kind, retention.tileMs(), start, tile);
      }
    }
    if (meta == null || asOf != prevAsOf) {
      store.putMeta(user, kind, new TileStore.Meta(asOf, dim));
    }
    return new AddResult(AddResult.Status.APPLIED, null, asOf, pending.flush(asOf));
  }

  /**
   * Moves the as-of of (user, kind) forward to {@code asOfMs} (stream time), subtracting and
   * deleting what leaves the windows. Returns the windows whose content changed; nothing for an
   * unknown (user, kind) or a time not after its as-of.
   */
  public List<WindowVector> advanceTo(String user, String kind, long asOfMs) {
    TileStore.Meta meta = store.getMeta(user, kind);
    if (meta == null || asOfMs <= meta.asOf()) {
      return List.of();
    }
    Pending pending = new Pending(user, kind, meta.dim());
    expire(pending, meta.asOf(), asOfMs);
    store.putMeta(user, kind, new TileStore.Meta(asOfMs, meta.dim()));
    return pending.flush(asOfMs);
  }

  /** Current vectors of every window, shortest first, at the stored as-of. */
  public List<WindowVector> snapshot(String user, String kind) {
    return snapshotAt(user, kind, Long.MIN_VALUE);
  }

  /**
   * Every window's vector as it would be at {@code asOfMs}, without changing state: the read for
   * "the user's vector just before t" when called with t before {@code add(..., t, ...)}. A time
   * before the stored as-of cannot be rewound and reads the stored as-of (the result's {@code asOf}
   * says which). A (user, kind) never seen reads as empty windows with dimension 0 and as-of {@link
   * Long#MIN_VALUE}.
   */
  public List<WindowVector> snapshotAt(String user, String kind, long asOfMs) {
    TileStore.Meta meta = store.getMeta(user, kind);
    List<WindowVector> out = new ArrayList<>(windows.size());
    if (meta == null) {
      for (WindowSpec w : windows) {
        out.add(WindowVector.empty(w, 0, Long.MIN_VALUE));
      }
      return out;
    }
    long asOf = Math.max(asOfMs, meta.asOf());
    for (WindowSpec w : windows) {
      VectorSum sum = store.getWindowSum(user, kind, w.lengthMs());
      if (sum == null) {
        sum = VectorSum.empty(meta.dim());
      }
      for (TileStore.Tile t : leaving(user, kind, w, meta.asOf(), asOf)) {
        sum.subtract(t.sum());
      }
      out.add(WindowVector.owning(w, sum, asOf)); // sum: the store's copy, changed only here
    }
    return out;
  }

  /**
   * Subtracts tiles leaving each window between the two as-of times; deletes fully expired tiles.
   */
  private void expire(Pending pending, long fromAsOf, long toAsOf) {
    List<TileStore.Tile> toDelete = new ArrayList<>();
    List<Long> toDeleteSize = new ArrayList<>();
    for (int i = 0; i < windows.size(); i++) {
      WindowSpec w = windows.get(i);
      List<TileStore.Tile> gone = leaving(pending.user, pending.kind, w, fromAsOf, toAsOf);
      if (gone.isEmpty()) {
        continue;
      }
      VectorSum sum = pending.sum(i);
      for (TileStore.Tile t : gone) {
        sum.subtract(t.sum());
      }
      pending.changed[i] = true;
      // Deleting waits until every window has subtracted: one hop may take a tile out of a
      // shorter and a longer window of the same size at once.
      if (config.retentionByTile().get(w.tileMs()) == w) {
        for (TileStore.Tile t : gone) {
          toDelete.add(t);
          toDeleteSize.add(w.tileMs());
        }
      }
    }
    for (int j = 0; j < toDelete.size(); j++) {
      store.deleteTile(pending.user, pending.kind, toDeleteSize.get(j), toDelete.get(j).start());
    }
  }

  private List<TileStore.Tile> leaving(
      String user, String kind, WindowSpec w, long fromAsOf, long toAsOf) {
    long lo = w.firstTileStart(fromAsOf);
    long hi = w.firstTileStart(toAsOf);
    return hi > lo ? store.tiles(user, kind, w.tileMs(), lo, hi) : List.of();
  }

  private static String validate(double weight, float[] embedding, TileStore.Meta meta) {
    if (!Double.isFinite(weight) || weight < 0) {
      return "weight must be finite and >= 0: " + weight;
    }
    if (embedding == null || embedding.length == 0) {
      return "empty embedding";
    }
    if (!VectorMath.isFinite(embedding)) {
      return "embedding has NaN or infinite components";
    }
    if (meta != null && meta.dim() != embedding.length) {
      return "embedding dimension " + embedding.length + " differs from this user's " + meta.dim();
    }
    return null;
  }

  /** Window sums loaded once per call, mutated, and written back once. */
  private final class Pending {
    final String user;
    final String kind;
    final int dim;
    final VectorSum[] sums = new VectorSum[windows.size()];
    final boolean[] changed = new boolean[windows.size()];

    Pending(String user, String kind, int dim) {
      this.user = user;
      this.kind = kind;
      this.dim = dim;
    }

    VectorSum sum(int i) {
      if (sums[i] == null) {
        VectorSum stored = store.getWindowSum(user, kind, windows.get(i).lengthMs());
        sums[i] = stored == null ? VectorSum.empty(dim) : stored;
      }
      return sums[i];
    }

    List<WindowVector> flush(long asOf) {
      List<WindowVector> out = new ArrayList<>();
      for (int i = 0; i < sums.length; i++) {
        if (!changed[i]) {
          continue;
        }
        WindowSpec w = windows.get(i);
        // Empty windows are deleted, not stored as zeros: an idle user costs only its meta.
        if (sums[i].isEmpty()) {
          store.deleteWindowSum(user, kind, w.lengthMs());
        } else {
          store.putWindowSum(user, kind, w.lengthMs(), sums[i]);
        }
        // Pending is dropped after this call and the store kept its own copy.
        out.add(WindowVector.owning(w, sums[i], asOf));
      }
      return out;
    }
  }
}
