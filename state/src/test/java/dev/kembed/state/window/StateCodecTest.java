package dev.kembed.state.window;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class StateCodecTest {
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 86_400_000L;

  @Test
  void vectorSumRoundTripsBitExact() {
    VectorSum s = new VectorSum(new double[] {1.5, -0.0, -3e-300, 1e300, Math.PI}, 7.25, 42, 40);
    byte[] bytes = StateValueCodec.encodeSum(s);
    assertEquals(24 + 8 * 5, bytes.length);
    VectorSum back = StateValueCodec.decodeSum(bytes);
    assertEquals(7.25, back.weight(), 0);
    assertEquals(42, back.count());
    assertEquals(40, back.weightedCount());
    assertArrayEquals(s.sumCopy(), back.sumCopy(), 0);
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back.get(1)));
    assertThrows(IllegalArgumentException.class, () -> StateValueCodec.decodeSum(new byte[25]));
  }

  @Test
  void metaRoundTripsInTwelveBytes() {
    TileStore.Meta meta = new TileStore.Meta(1_704_067_200_123L, 384);
    byte[] bytes = StateValueCodec.encodeMeta(meta);
    assertEquals(12, bytes.length);
    assertEquals(meta, StateValueCodec.decodeMeta(bytes));
  }

  @Test
  void tileKeysSortByStartIncludingNegativeStarts() {
    long[] starts = {Long.MIN_VALUE + 1, -DAY, -1, 0, 1, HOUR, 1_704_067_200_000L, Long.MAX_VALUE};
    List<Bytes> keys = new ArrayList<>();
    for (int i = starts.length - 1; i >= 0; i--) {
      keys.add(Bytes.wrap(StateKeyCodec.tileKey("alice", "ENGAGEMENT", HOUR, starts[i])));
    }
    keys.sort(null); // Bytes orders as unsigned bytes, like RocksDB
    for (int i = 0; i < starts.length; i++) {
      assertEquals(starts[i], StateKeyCodec.tileStartOf(keys.get(i).get()));
    }
  }

  @Test
  void keysGroupByUserKindTypeAndSize() {
    // "u1" is a byte prefix of "u10": the length prefix must keep their ranges apart.
    List<Bytes> keys = new ArrayList<>();
    for (String user : List.of("u10", "u1", "u")) {
      for (String kind : List.of("SEARCH_INTENT", "ENGAGEMENT")) {
        keys.add(Bytes.wrap(StateKeyCodec.tileKey(user, kind, DAY, 5 * DAY)));
        keys.add(Bytes.wrap(StateKeyCodec.tileKey(user, kind, HOUR, 9 * HOUR)));
        keys.add(Bytes.wrap(StateKeyCodec.tileKey(user, kind, HOUR, 2 * HOUR)));
        keys.add(Bytes.wrap(StateKeyCodec.windowSumKey(user, kind, 7 * DAY)));
        keys.add(Bytes.wrap(StateKeyCodec.metaKey(user, kind)));
      }
    }
    keys.sort(null);
    List<String> owners = new ArrayList<>();
    for (Bytes k : keys) {
      String owner = ownerOf(k.get());
      if (owners.isEmpty() || !owners.get(owners.size() - 1).equals(owner)) {
        owners.add(owner);
      }
    }
    assertEquals(6, owners.size(), "each (user, kind) is one contiguous run: " + owners);
    // Within one owner: meta, window sum, hourly tiles by start, then daily tiles.
    List<Bytes> first = keys.subList(0, 5);
    assertArrayEquals(StateKeyCodec.metaKey("u", "ENGAGEMENT"), first.get(0).get());
    assertArrayEquals(StateKeyCodec.windowSumKey("u", "ENGAGEMENT", 7 * DAY), first.get(1).get());
    assertArrayEquals(StateKeyCodec.tileKey("u", "ENGAGEMENT", HOUR, 2 * HOUR), first.get(2).get());
    assertArrayEquals(StateKeyCodec.tileKey("u", "ENGAGEMENT", HOUR, 9 * HOUR), first.get(3).get());
    assertArrayEquals(StateKeyCodec.tileKey("u", "ENGAGEMENT", DAY, 5 * DAY), first.get(4).get());
  }

  @Test
  void keyValueStoreRangeFindsExactlyTheRequestedTiles() {
    KeyValueStore<Bytes, byte[]> kv = Stores.inMemoryKeyValueStore("codec-test").get();
    KeyValueTileStore store = new KeyValueTileStore(kv);
    for (long h = 0; h < 4; h++) {
      store.putTile("u1", "ENGAGEMENT", HOUR, h * HOUR, sumOf(h));
    }
    store.putTile("u10", "ENGAGEMENT", HOUR, HOUR, sumOf(99));
    store.putTile("u1", "ENGAGEMENT", DAY, 0, sumOf(98));
    List<TileStore.Tile> got = store.tiles("u1", "ENGAGEMENT", HOUR, HOUR, 3 * HOUR);
    assertEquals(List.of(HOUR, 2 * HOUR), got.stream().map(TileStore.Tile::start).toList());
    assertEquals(1.0, got.get(0).sum().weight(), 0);
    assertTrue(store.tiles("u1", "ENGAGEMENT", HOUR, HOUR, HOUR).isEmpty());
    store.deleteTile("u1", "ENGAGEMENT", HOUR, HOUR);
    assertEquals(
        List.of(0L, 2 * HOUR, 3 * HOUR),
        store.tiles("u1", "ENGAGEMENT", HOUR, Long.MIN_VALUE, Long.MAX_VALUE).stream()
            .map(TileStore.Tile::start)
            .toList());
  }

  private static VectorSum sumOf(long w) {
    VectorSum s = VectorSum.empty(2);
    s.add(new float[] {1, 2}, w);
    return s;
  }

  private static String ownerOf(byte[] key) {
    int userLen = ((key[0] & 0xFF) << 8) | (key[1] & 0xFF);
    int kindLen = key[2 + userLen] & 0xFF;
    return Arrays.toString(Arrays.copyOfRange(key, 0, 3 + userLen + kindLen));
  }
}
