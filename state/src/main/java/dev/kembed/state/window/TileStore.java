package dev.kembed.state.window;

import java.util.List;

/**
 * The state the aggregator needs, per (user, kind): tiles by (tile size, tile start), one running
 * sum per window, and a small meta record. Values are copied in and out (a get returns an object
 * the caller may mutate and must {@code put} back), so an in-memory map and a serialised
 * RocksDB-backed store behave identically. Implementations: {@link InMemoryTileStore} for tests and
 * backfills, {@link KeyValueTileStore} over a Kafka Streams store.
 */
public interface TileStore {

  /** A tile and where it starts. */
  record Tile(long start, VectorSum sum) {}

  /** Per (user, kind) bookkeeping: the as-of time and the embedding dimension. */
  record Meta(long asOf, int dim) {}

  VectorSum getTile(String user, String kind, long tileMs, long tileStart);

  void putTile(String user, String kind, long tileMs, long tileStart, VectorSum tile);

  void deleteTile(String user, String kind, long tileMs, long tileStart);

  /** Tiles of size {@code tileMs} starting in {@code [fromInclusive, toExclusive)}, ascending. */
  List<Tile> tiles(String user, String kind, long tileMs, long fromInclusive, long toExclusive);

  VectorSum getWindowSum(String user, String kind, long windowMs);

  void putWindowSum(String user, String kind, long windowMs, VectorSum sum);

  void deleteWindowSum(String user, String kind, long windowMs);

  /** The meta record, or null for a (user, kind) never seen. */
  Meta getMeta(String user, String kind);

  void putMeta(String user, String kind, Meta meta);
}
