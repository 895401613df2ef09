package dev.kembed.state.window;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link TileStore} that stores tiles and meta in the store it wraps but keeps no window sum
 * there: a window's sum is by definition the sum of the tiles inside it at the (user, kind)'s
 * as-of, so it is recomputed from them on a miss and otherwise served from a bounded, per-task LRU
 * cache that the aggregator's writes keep current. Why: in the changelogged store the window sums
 * were three 3 KB records (384 doubles each) in every interaction's changelog writes, a third of
 * the bytes an IMPRESSION cost the broker, for values the tiles already determine. A miss (a user
 * not touched since the task started, or evicted) costs one range read of the window's tiles; after
 * a restore or a rebalance the cache starts empty. The recomputed sum adds the same tiles in
 * another order than the incremental one, so the two agree to rounding (~1e-16 relative), not bit
 * for bit. Not thread-safe, like the task that owns it; with {@code maxEntries} 0 every read
 * recomputes (interactive queries).
 *
 * <p>It also remembers, per (user, kind, tile size), up to four stretches of tile starts that its
 * own reads showed empty ({@link Gap}), kept true by the writes that pass through it, and answers a
 * range read inside one without the store (under the same LRU bound as the sums). Why: every
 * point-in-time read asks for the tiles leaving each window since the user's as-of, a range that is
 * empty unless a tile of the user's sits a full window back, and in RocksDB each such read opened
 * an iterator and read the next tile past the range (3 KB) to learn that: 7 % of the stream
 * thread's CPU in a user-path profile.
 */
public final class DerivedWindowSums implements TileStore {
  // A cached "this window is empty" (the aggregator deletes empty sums); never handed out.
  private static final VectorSum EMPTY = VectorSum.empty(0);

  /**
   * Window sums a task keeps by default ({@code user.vector.window.cache.entries}): at 384
   * dimensions about 3.1 KB each, so ~12.6 MB of heap per task holding user vectors, enough for
   * ~1,300 active users with three windows each.
   */
  public static final int DEFAULT_MAX_ENTRIES = 4_096;

  private record Key(String user, String kind, long windowMs) {}

  private record TileSize(String user, String kind, long tileMs) {}

  /** No tile of the size starts in [from, to). */
  private record Gap(long from, long to) {
    boolean covers(long fromInclusive, long toExclusive) {
      return fromInclusive >= from && toExclusive <= to;
    }

    boolean holds(long start) {
      return start >= from && start < to;
    }

    boolean meets(Gap o) {
      return o.from <= to && from <= o.to;
    }
  }

  // Gaps kept per tile size: windows that share a tile size read their leaving tiles at different
  // distances back (30 and 90 days for the daily tiles by default), one gap each.
  private static final int GAPS_PER_SIZE = 4;

  private final TileStore inner;
  private final Map<Long, WindowSpec> windowsByLength = new HashMap<>();
  private final LinkedHashMap<Key, VectorSum> cache;
  private final LinkedHashMap<TileSize, List<Gap>> gaps;
  private final int maxEntries;

  public DerivedWindowSums(TileStore inner, WindowConfig config, int maxEntries) {
    this.inner = Objects.requireNonNull(inner, "inner");
    if (maxEntries < 0) {
      throw new IllegalArgumentException("maxEntries must be >= 0, was " + maxEntries);
    }
    this.maxEntries = maxEntries;
    for (WindowSpec w : config.windows()) {
      windowsByLength.put(w.lengthMs(), w);
    }
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, VectorSum> eldest) {
            return size() > DerivedWindowSums.this.maxEntries;
          }
        };
    this.gaps =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<TileSize, List<Gap>> eldest) {
            return size() > DerivedWindowSums.this.maxEntries;
          }
        };
  }

  @Override
  public VectorSum getWindowSum(String user, String kind, long windowMs) {
    Key key = new Key(user, kind, windowMs);
    VectorSum cached = cache.get(key);
    if (cached != null) {
      return cached == EMPTY ? null : cached.copy();
    }
    Meta meta = inner.getMeta(user, kind);
    if (meta == null) {
      return null;
    }
    WindowSpec w = windowsByLength.get(windowMs);
    if (w == null) {
      throw new IllegalArgumentException("no window of " + windowMs + " ms is configured");
    }
    VectorSum sum = VectorSum.empty(meta.dim());
    long end = Resolution.tileStart(meta.asOf(), w.tileMs()) + w.tileMs();
    for (Tile t : tiles(user, kind, w.tileMs(), w.firstTileStart(meta.asOf()), end)) {
      sum.add(t.sum());
    }
    if (sum.isEmpty()) {
      remember(key, EMPTY);
      return null;
    }
    remember(key, sum.copy());
    return sum;
  }

  @Override
  public void putWindowSum(String user, String kind, long windowMs, VectorSum sum) {
    remember(new Key(user, kind, windowMs), sum.copy());
  }

  @Override
  public void deleteWindowSum(String user, String kind, long windowMs) {
    remember(new Key(user, kind, windowMs), EMPTY);
  }

  private void remember(Key key, VectorSum value) {
    if (maxEntries > 0) {
      cache.put(key, value);
    }
  }

  @Override
  public VectorSum getTile(String user, String kind, long tileMs, long tileStart) {
    return inner.getTile(user, kind, tileMs, tileStart);
  }

  @Override
  public void putTile(String user, String kind, long tileMs, long tileStart, VectorSum tile) {
    inner.putTile(user, kind, tileMs, tileStart, tile);
    List<Gap> known = gaps.get(new TileSize(user, kind, tileMs));
    if (known == null) {
      return;
    }
    // A gap that held this start now ends at it (a tile deleted later only widens a gap: no
    // change).
    for (int i = known.size() - 1; i >= 0; i--) {
      Gap g = known.get(i);
      if (g.holds(tileStart)) {
        if (tileStart > g.from()) {
          known.set(i, new Gap(g.from(), tileStart));
        } else {
          known.remove(i);
        }
      }
    }
  }

  @Override
  public void deleteTile(String user, String kind, long tileMs, long tileStart) {
    inner.deleteTile(user, kind, tileMs, tileStart);
  }

  @Override
  public List<Tile> tiles(
      String user, String kind, long tileMs, long fromInclusive, long toExclusive) {
    if (fromInclusive >= toExclusive) {
      return new ArrayList<>();
    }
    if (maxEntries == 0) {
      return inner.tiles(user, kind, tileMs, fromInclusive, toExclusive);
    }
    TileSize size = new TileSize(user, kind, tileMs);
    List<Gap> known = gaps.get(size);
    if (known != null) {
      for (Gap g : known) {
        if (g.covers(fromInclusive, toExclusive)) {
          return new ArrayList<>();
        }
      }
    }
    List<Tile> found = inner.tiles(user, kind, tileMs, fromInclusive, toExclusive);
    // The read shows [from, first tile found) empty, or all of [from, to) when it found none.
    long emptyTo = toExclusive;
    for (Tile t : found) {
      emptyTo = Math.min(emptyTo, t.start());
    }
    if (emptyTo > fromInclusive) {
      remember(size, known, new Gap(fromInclusive, emptyTo));
    }
    return found;
  }

  // Adds a gap, merged with those it meets; the oldest goes when a size holds too many.
  private void remember(TileSize size, List<Gap> known, Gap seen) {
    List<Gap> kept = new ArrayList<>(GAPS_PER_SIZE);
    if (known != null) {
      for (Gap g : known) {
        if (g.meets(seen)) {
          seen = new Gap(Math.min(g.from(), seen.from()), Math.max(g.to(), seen.to()));
        } else {
          kept.add(g);
        }
      }
    }
    if (kept.size() >= GAPS_PER_SIZE) {
      kept.remove(0);
    }
    kept.add(seen);
    gaps.put(size, kept);
  }

  @Override
  public Meta getMeta(String user, String kind) {
    return inner.getMeta(user, kind);
  }

  @Override
  public void putMeta(String user, String kind, Meta meta) {
    inner.putMeta(user, kind, meta);
  }
}
