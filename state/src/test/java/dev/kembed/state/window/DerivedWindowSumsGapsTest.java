package dev.kembed.state.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The empty stretches {@link DerivedWindowSums} remembers must never hide a tile: random puts,
 * deletes and range reads through it are checked against a plain map of tile starts kept by the
 * test, and the reads it answered without the store are counted, so the test also fails if the
 * shortcut never fires.
 */
class DerivedWindowSumsGapsTest {
  private static final long HOUR = 3_600_000L;
  private static final String[] USERS = {"u", "u1"};
  private static final long[] SIZES = {HOUR, 24 * HOUR};

  @Test
  void rangeReadsAgreeWithAPlainMapOfTheTilesWrittenAndSkipTheStoreInsideKnownGaps() {
    long skipped = 0;
    long reads = 0;
    for (int seq = 0; seq < 300; seq++) {
      Random rnd = new Random(0xCA9L + seq);
      CountingStore inner = new CountingStore();
      DerivedWindowSums store =
          new DerivedWindowSums(inner.store, WindowConfig.defaults(), seq % 5 == 0 ? 1 : 64);
      // user index, size index -> tile starts (in units of the size) the test wrote
      List<List<TreeMap<Long, Integer>>> expected = new ArrayList<>();
      for (int u = 0; u < USERS.length; u++) {
        expected.add(List.of(new TreeMap<>(), new TreeMap<>()));
      }
      for (int step = 0; step < 400; step++) {
        int u = rnd.nextInt(USERS.length);
        int z = rnd.nextInt(SIZES.length);
        long size = SIZES[z];
        TreeMap<Long, Integer> tiles = expected.get(u).get(z);
        double op = rnd.nextDouble();
        long a = rnd.nextInt(60);
        if (op < 0.25) {
          VectorSum sum = VectorSum.empty(2);
          sum.add(new float[] {1, (float) a}, 1 + step);
          store.putTile(USERS[u], "K", size, a * size, sum);
          tiles.put(a, 1 + step);
        } else if (op < 0.4 && !tiles.isEmpty()) {
          long start = rnd.nextBoolean() ? tiles.firstKey() : a;
          store.deleteTile(USERS[u], "K", size, start * size);
          tiles.remove(start);
        } else {
          long b = a + rnd.nextInt(12);
          int before = inner.rangeReads;
          List<TileStore.Tile> got = store.tiles(USERS[u], "K", size, a * size, b * size);
          reads++;
          if (inner.rangeReads == before && b > a) {
            skipped++;
          }
          List<Long> want = new ArrayList<>(tiles.subMap(a, b).keySet());
          List<Long> starts = got.stream().map(t -> t.start() / size).toList();
          assertEquals(want, starts, "seq " + seq + " step " + step + " [" + a + ", " + b + ")");
          for (TileStore.Tile t : got) {
            assertEquals(tiles.get(t.start() / size), (int) t.sum().weight(), "the tile's own sum");
          }
        }
      }
    }
    assertTrue(skipped > reads / 10, skipped + " of " + reads + " reads answered from gaps");
  }

  @Test
  void aLeavingRangeInsideTheStretchTheMissReadIsAnsweredWithoutTheStore() {
    CountingStore inner = new CountingStore();
    DerivedWindowSums store = new DerivedWindowSums(inner.store, WindowConfig.defaults(), 16);
    long day = 24 * HOUR;
    long now = 100 * day;
    VectorSum one = VectorSum.empty(2);
    one.add(new float[] {1, 0}, 1);
    store.putTile("u", "K", HOUR, now - 2 * HOUR, one);
    store.putMeta("u", "K", new TileStore.Meta(now, 2));
    store.getWindowSum("u", "K", 7 * day); // the miss reads the whole window
    assertEquals(1, inner.rangeReads);
    // The tiles leaving P7D as the as-of moves an hour on: a week back, nothing there.
    long first = now - 7 * day + HOUR; // P7D's first tile at the as-of
    assertTrue(store.tiles("u", "K", HOUR, first, first + HOUR).isEmpty());
    assertEquals(1, inner.rangeReads, "answered from the gap the miss read showed");
    // A tile written inside the gap is found by the next read.
    store.putTile("u", "K", HOUR, first, one);
    assertEquals(1, store.tiles("u", "K", HOUR, first, first + 2 * HOUR).size());
    assertEquals(2, inner.rangeReads);
  }

  /** An in-memory tile store that counts its range reads. */
  private static final class CountingStore {
    int rangeReads;
    final TileStore store =
        (TileStore)
            Proxy.newProxyInstance(
                TileStore.class.getClassLoader(),
                new Class<?>[] {TileStore.class},
                new InvocationHandler() {
                  private final InMemoryTileStore inner = new InMemoryTileStore();

                  @Override
                  public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
                    if (m.getName().equals("tiles")) {
                      rangeReads++;
                    }
                    try {
                      return m.invoke(inner, args);
                    } catch (InvocationTargetException e) {
                      throw e.getCause();
                    }
                  }
                });
  }
}
