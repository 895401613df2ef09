package dev.kembed.state.window;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A {@link TileStore} over one Kafka Streams {@code KeyValueStore<Bytes, byte[]>} (RocksDB in
 * production, changelogged so state survives a crash under exactly-once). Keys come from {@link
 * StateKeyCodec}, which keeps a user's tiles contiguous and ordered by start so that finding the
 * tiles that leave a window is one range scan; values from {@link StateValueCodec}. {@link
 * #readOnly} gives the same reads over an interactive-query view, where every write throws: state
 * owned by a stream thread must never be changed from a query thread.
 */
public final class KeyValueTileStore implements TileStore {
  private final ReadOnlyKeyValueStore<Bytes, byte[]> reads;
  private final KeyValueStore<Bytes, byte[]> store;

  public KeyValueTileStore(KeyValueStore<Bytes, byte[]> store) {
    this.reads = store;
    this.store = store;
  }

  private KeyValueTileStore(ReadOnlyKeyValueStore<Bytes, byte[]> reads) {
    this.reads = reads;
    this.store = null;
  }

  /** Reads over an interactive-query view of the store; writes throw. */
  public static KeyValueTileStore readOnly(ReadOnlyKeyValueStore<Bytes, byte[]> view) {
    return new KeyValueTileStore(view);
  }

  private KeyValueStore<Bytes, byte[]> writable() {
    if (store == null) {
      throw new UnsupportedOperationException("interactive queries are read-only");
    }
    return store;
  }

  @Override
  public VectorSum getTile(String user, String kind, long tileMs, long tileStart) {
    byte[] v = reads.get(Bytes.wrap(StateKeyCodec.tileKey(user, kind, tileMs, tileStart)));
    return v == null ? null : StateValueCodec.decodeSum(v);
  }

  @Override
  public void putTile(String user, String kind, long tileMs, long tileStart, VectorSum tile) {
    writable()
        .put(
            Bytes.wrap(StateKeyCodec.tileKey(user, kind, tileMs, tileStart)),
            StateValueCodec.encodeSum(tile));
  }

  @Override
  public void deleteTile(String user, String kind, long tileMs, long tileStart) {
    // A null put deletes without reading the old value, which delete() fetches only to return it.
    writable().put(Bytes.wrap(StateKeyCodec.tileKey(user, kind, tileMs, tileStart)), null);
  }

  @Override
  public List<Tile> tiles(
      String user, String kind, long tileMs, long fromInclusive, long toExclusive) {
    List<Tile> out = new ArrayList<>();
    if (fromInclusive >= toExclusive) {
      return out;
    }
    // KeyValueStore.range is inclusive at both ends.
    Bytes from = Bytes.wrap(StateKeyCodec.tileKey(user, kind, tileMs, fromInclusive));
    Bytes to = Bytes.wrap(StateKeyCodec.tileKey(user, kind, tileMs, toExclusive - 1));
    try (KeyValueIterator<Bytes, byte[]> it = reads.range(from, to)) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        out.add(
            new Tile(StateKeyCodec.tileStartOf(kv.key.get()), StateValueCodec.decodeSum(kv.value)));
      }
    }
    return out;
  }

  @Override
  public VectorSum getWindowSum(String user, String kind, long windowMs) {
    byte[] v = reads.get(Bytes.wrap(StateKeyCodec.windowSumKey(user, kind, windowMs)));
    return v == null ? null : StateValueCodec.decodeSum(v);
  }

  @Override
  public void putWindowSum(String user, String kind, long windowMs, VectorSum sum) {
    writable()
        .put(
            Bytes.wrap(StateKeyCodec.windowSumKey(user, kind, windowMs)),
            StateValueCodec.encodeSum(sum));
  }

  @Override
  public void deleteWindowSum(String user, String kind, long windowMs) {
    writable().put(Bytes.wrap(StateKeyCodec.windowSumKey(user, kind, windowMs)), null);
  }

  @Override
  public Meta getMeta(String user, String kind) {
    byte[] v = reads.get(Bytes.wrap(StateKeyCodec.metaKey(user, kind)));
    return v == null ? null : StateValueCodec.decodeMeta(v);
  }

  @Override
  public void putMeta(String user, String kind, Meta meta) {
    writable().put(Bytes.wrap(StateKeyCodec.metaKey(user, kind)), StateValueCodec.encodeMeta(meta));
  }
}
