package dev.kembed.state.window;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A {@link TileStore} in plain Java maps, for tests, benchmarks and in-process backfills. It copies
 * values on the way in and out so that code which forgets to {@code put} a mutated value fails here
 * the same way it would against a serialised store. Not thread-safe.
 */
public final class InMemoryTileStore implements TileStore {
  private record Owner(String user, String kind) {}

  private static final class State {
    final Map<Long, NavigableMap<Long, VectorSum>> tilesBySize = new HashMap<>();
    final Map<Long, VectorSum> windowSums = new HashMap<>();
    Meta meta;
  }

  private final Map<Owner, State> states = new HashMap<>();

  private State state(String user, String kind) {
    return states.computeIfAbsent(new Owner(user, kind), o -> new State());
  }

  private NavigableMap<Long, VectorSum> tiles(String user, String kind, long tileMs) {
    return state(user, kind).tilesBySize.computeIfAbsent(tileMs, t -> new TreeMap<>());
  }

  /** Reads must not create entries: snapshots of unknown users would otherwise leak memory. */
  private State existing(String user, String kind) {
    return states.get(new Owner(user, kind));
  }

  private NavigableMap<Long, VectorSum> existingTiles(String user, String kind, long tileMs) {
    State s = existing(user, kind);
    return s == null ? null : s.tilesBySize.get(tileMs);
  }

  @Override
  public VectorSum getTile(String user, String kind, long tileMs, long tileStart) {
    NavigableMap<Long, VectorSum> tiles = existingTiles(user, kind, tileMs);
    VectorSum v = tiles == null ? null : tiles.get(tileStart);
    return v == null ? null : v.copy();
  }

  @Override
  public void putTile(String user, String kind, long tileMs, long tileStart, VectorSum tile) {
    tiles(user, kind, tileMs).put(tileStart, tile.copy());
  }

  @Override
  public void deleteTile(String user, String kind, long tileMs, long tileStart) {
    NavigableMap<Long, VectorSum> tiles = existingTiles(user, kind, tileMs);
    if (tiles != null) {
      tiles.remove(tileStart);
    }
  }

  @Override
  public List<Tile> tiles(
      String user, String kind, long tileMs, long fromInclusive, long toExclusive) {
    List<Tile> out = new ArrayList<>();
    NavigableMap<Long, VectorSum> tiles = existingTiles(user, kind, tileMs);
    if (tiles == null || fromInclusive >= toExclusive) {
      return out;
    }
    for (Map.Entry<Long, VectorSum> e :
        tiles.subMap(fromInclusive, true, toExclusive, false).entrySet()) {
      out.add(new Tile(e.getKey(), e.getValue().copy()));
    }
    return out;
  }

  @Override
  public VectorSum getWindowSum(String user, String kind, long windowMs) {
    State s = existing(user, kind);
    VectorSum v = s == null ? null : s.windowSums.get(windowMs);
    return v == null ? null : v.copy();
  }

  @Override
  public void putWindowSum(String user, String kind, long windowMs, VectorSum sum) {
    state(user, kind).windowSums.put(windowMs, sum.copy());
  }

  @Override
  public void deleteWindowSum(String user, String kind, long windowMs) {
    State s = existing(user, kind);
    if (s != null) {
      s.windowSums.remove(windowMs);
    }
  }

  @Override
  public Meta getMeta(String user, String kind) {
    State s = existing(user, kind);
    return s == null ? null : s.meta;
  }

  @Override
  public void putMeta(String user, String kind, Meta meta) {
    state(user, kind).meta = meta;
  }

  /** Number of tiles held for (user, kind) across all tile sizes, for tests of retention. */
  public int tileCount(String user, String kind) {
    State s = existing(user, kind);
    return s == null ? 0 : s.tilesBySize.values().stream().mapToInt(Map::size).sum();
  }
}
