package dev.kembed.state.window;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A {@link TileStore} over one Kafka Streams {@code KeyValueStore<Bytes, byte[]>} (RocksDB in
 * production, changelogged so state survives a crash under exactly-once). Keys come from
 * {@link StateKeyCodec}, which keeps a user's tiles contiguous and ordered by start so that finding
 * the tiles that leave a window is one range scan; values from {@link StateValueCodec}.
 */
public final class KeyValueTileStore implements TileStore {
  private final KeyValueStore<Bytes, byte[]> store;

  public KeyValueTileStore(KeyValueStore<Bytes, byte[]> store) {
    this.store = store;
  }

  @Override
  public VectorSum getTile(String user, String kind, long tileMs, long tileStart) {
    byte[] v = store.get(Bytes.wrap(StateKeyCodec.tileKey(user, kind, tileMs, tileStart)));
    return v == null ? null : StateValueCodec.decodeSum(v);
  }

  @Override
  public void putTile(String user, String kind, long tileMs, long tileStart, VectorSum tile) {
    store.put(Bytes.wrap(StateKeyCodec.tileKey(user, kind, tileMs, tileStart)), StateValueCodec.encodeSum(tile));
  }

  @Override
  public void deleteTile(String user, String kind, long tileMs, long tileStart) {
    store.delete(Bytes.wrap(StateKeyCodec.tileKey(user, kind, tileMs, tileStart)));
  }

  @Override
  public List<Tile> tiles(String user, String kind, long tileMs, long fromInclusive, long toExclusive) {
    List<Tile> out = new ArrayList<>();
    if (fromInclusive >= toExclusive) {
      return out;
    }
    // KeyValueStore.range is inclusive at both ends.
    Bytes from = Bytes.wrap(StateKeyCodec.tileKey(user, kind, tileMs, fromInclusive));
    Bytes to = Bytes.wrap(StateKeyCodec.tileKey(user, kind, tileMs, toExclusive - 1));
    try (KeyValueIterator<Bytes, byte[]> it = store.range(from, to)) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        out.add(new Tile(StateKeyCodec.tileStartOf(kv.key.get()), StateValueCodec.decodeSum(kv.value)));
      }
    }
    return out;
  }

  @Override
  public VectorSum getWindowSum(String user, String kind, long windowMs) {
    byte[] v = store.get(Bytes.wrap(StateKeyCodec.windowSumKey(user, kind, windowMs)));
    return v == null ? null : StateValueCodec.decodeSum(v);
  }

  @Override
  public void putWindowSum(String user, String kind, long windowMs, VectorSum sum) {
    store.put(Bytes.wrap(StateKeyCodec.windowSumKey(user, kind, windowMs)), StateValueCodec.encodeSum(sum));
  }

  @Override
  public void deleteWindowSum(String user, String kind, long windowMs) {
    store.delete(Bytes.wrap(StateKeyCodec.windowSumKey(user, kind, windowMs)));
  }

  @Override
  public Meta getMeta(String user, String kind) {
    byte[] v = store.get(Bytes.wrap(StateKeyCodec.metaKey(user, kind)));
    return v == null ? null : StateValueCodec.decodeMeta(v);
  }

  @Override
  public void putMeta(String user, String kind, Meta meta) {
    store.put(Bytes.wrap(StateKeyCodec.metaKey(user, kind)), StateValueCodec.encodeMeta(meta));
  }
}
