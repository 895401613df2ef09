package dev.kembed.topology.http;

import dev.kembed.state.window.StateKeyCodec;
import dev.kembed.state.window.StateValueCodec;
import dev.kembed.state.window.TileStore;
import dev.kembed.state.window.VectorSum;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A {@link TileStore} over an interactive-query view of the user-vector tile store, with the
 * same key and value layout as {@code KeyValueTileStore}. Reads only: interactive queries must
 * never change state owned by a stream thread, so every write throws.
 */
final class ReadOnlyTileStore implements TileStore {
  private final ReadOnlyKeyValueStore<Bytes, byte[]> store;

  ReadOnlyTileStore(ReadOnlyKeyValueStore<Bytes, byte[]> store) {
    this.store = store;
  }

  @Override
  public VectorSum getTile(String user, String kind, long tileMs, long tileStart) {
    byte[] v = store.get(Bytes.wrap(StateKeyCodec.tileKey(user, kind, tileMs, tileStart)));
    return v == null ? null : StateValueCodec.decodeSum(v);
  }

  @Override
  public List<Tile> tiles(String user, String kind, long tileMs, long fromInclusive, long toExclusive) {
    List<Tile> out = new ArrayList<>();
    if (fromInclusive >= toExclusive) {
      return out;
    }
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
  public Meta getMeta(String user, String kind) {
    byte[] v = store.get(Bytes.wrap(StateKeyCodec.metaKey(user, kind)));
    return v == null ? null : StateValueCodec.decodeMeta(v);
  }

  @Override
  public void putTile(String user, String kind, long tileMs, long tileStart, VectorSum tile) {
    throw readOnly();
  }

  @Override
  public void deleteTile(String user, String kind, long tileMs, long tileStart) {
    throw readOnly();
  }

  @Override
  public void putWindowSum(String user, String kind, long windowMs, VectorSum sum) {
    throw readOnly();
  }

  @Override
  public void deleteWindowSum(String user, String kind, long windowMs) {
    throw readOnly();
  }

  @Override
  public void putMeta(String user, String kind, Meta meta) {
    throw readOnly();
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException("interactive queries are read-only");
  }
}
