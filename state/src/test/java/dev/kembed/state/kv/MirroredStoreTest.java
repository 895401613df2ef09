package dev.kembed.state.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * {@link MirroredStore} against a plain sorted map kept by the test: random puts, replacements,
 * deletes, gets and range walks (keys of random lengths and bytes above 0x7f, so unsigned order
 * matters), under budgets from none to all. The store behind it counts its reads: with the whole
 * queue in budget it is never read after loading, and a reload from the store sees what the mirror
 * saw.
 */
class MirroredStoreTest {
  @Test
  void agreesWithAPlainSortedMapUnderAnyBudgetAndReadsTheStoreOnlyForValuesBeyondIt() {
    for (long budget : new long[] {0, 64, 1_000, 10_000, Long.MAX_VALUE}) {
      for (int seq = 0; seq < 40; seq++) {
        Random rnd = new Random(31L * seq + budget);
        CountingStore backing = new CountingStore();
        // Some items before the mirror opens: it must load them.
        NavigableMap<Bytes, byte[]> model = new TreeMap<>();
        for (int i = rnd.nextInt(20); i > 0; i--) {
          Bytes k = key(rnd);
          byte[] v = value(rnd);
          backing.map.put(k, v);
          model.put(k, v);
        }
        List<Bytes> visited = new ArrayList<>();
        MirroredStore m = MirroredStore.load(backing.proxy(), budget, (k, v) -> visited.add(k));
        assertEquals(new ArrayList<>(model.keySet()), visited, "load visits every item in order");
        for (int op = 0; op < 400; op++) {
          int what = rnd.nextInt(10);
          if (what < 4) {
            Bytes k = rnd.nextInt(4) == 0 && !model.isEmpty() ? anyKey(model, rnd) : key(rnd);
            byte[] v = value(rnd);
            m.put(k, v);
            model.put(k, v);
          } else if (what < 6 && !model.isEmpty()) {
            Bytes k = rnd.nextBoolean() ? anyKey(model, rnd) : key(rnd);
            m.delete(k);
            model.remove(k);
          } else if (what < 8) {
            Bytes k = !model.isEmpty() && rnd.nextBoolean() ? anyKey(model, rnd) : key(rnd);
            byte[] want = model.get(k);
            byte[] got = m.get(k);
            if (want == null) {
              assertNull(got);
            } else {
              assertArrayEquals(want, got);
            }
          } else {
            Bytes from = rnd.nextInt(5) == 0 ? null : key(rnd);
            Bytes to = rnd.nextInt(5) == 0 ? null : key(rnd);
            assertEquals(expectedKeys(model, from, to), new ArrayList<>(m.keys(from, to)));
          }
          assertEquals(model.size(), m.size());
          assertTrue(m.keptBytes() >= 0 && m.keptBytes() <= budget, "kept " + m.keptBytes());
          // The store itself always holds exactly the model: writes go through.
          assertEquals(model.keySet(), backing.map.keySet());
        }
        if (budget == Long.MAX_VALUE) {
          assertEquals(0, backing.gets, "everything is in budget: no store read");
          assertEquals(sum(model), m.keptBytes());
        }
        if (budget == 0) {
          assertEquals(0, m.keptBytes());
        }
        assertEquals(1, backing.scans, "one scan, at load");
        List<Bytes> reloaded = new ArrayList<>();
        MirroredStore again =
            MirroredStore.load(backing.proxy(), budget, (k, v) -> reloaded.add(k));
        assertEquals(new ArrayList<>(model.keySet()), reloaded);
        assertEquals(new ArrayList<>(model.keySet()), new ArrayList<>(again.keys(null, null)));
      }
    }
  }

  @Test
  void keepsTheEarliestValuesThatFitAndReadsOnlyTheOthersFromTheStore() {
    CountingStore backing = new CountingStore();
    MirroredStore m = MirroredStore.load(backing.proxy(), 250, (k, v) -> {});
    for (int i = 0; i < 5; i++) {
      m.put(Bytes.wrap(new byte[] {(byte) i}), new byte[100]);
    }
    assertEquals(200, m.keptBytes());
    for (int i = 0; i < 5; i++) {
      assertEquals(100, m.get(Bytes.wrap(new byte[] {(byte) i})).length);
    }
    assertEquals(3, backing.gets, "items 2, 3 and 4 are beyond the budget");
    m.delete(Bytes.wrap(new byte[] {0}));
    assertEquals(100, m.keptBytes());
    m.put(Bytes.wrap(new byte[] {9}), new byte[150]);
    assertEquals(250, m.keptBytes(), "room freed by a delete is used by the next write");
  }

  private static long sum(Map<Bytes, byte[]> model) {
    return model.values().stream().mapToLong(v -> v.length).sum();
  }

  private static List<Bytes> expectedKeys(NavigableMap<Bytes, byte[]> model, Bytes from, Bytes to) {
    List<Bytes> out = new ArrayList<>();
    for (Bytes k : model.keySet()) {
      if ((from == null || unsigned(k, from) >= 0) && (to == null || unsigned(k, to) <= 0)) {
        out.add(k);
      }
    }
    return out;
  }

  // Written out here rather than taken from Bytes: the order RocksDB's default comparator uses.
  private static int unsigned(Bytes a, Bytes b) {
    byte[] x = a.get();
    byte[] y = b.get();
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = Integer.compare(x[i] & 0xff, y[i] & 0xff);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  private static Bytes anyKey(NavigableMap<Bytes, byte[]> model, Random rnd) {
    Iterator<Bytes> it = model.keySet().iterator();
    for (int i = rnd.nextInt(model.size()); i > 0; i--) {
      it.next();
    }
    return it.next();
  }

  private static Bytes key(Random rnd) {
    byte[] k = new byte[1 + rnd.nextInt(3)];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) (rnd.nextBoolean() ? rnd.nextInt(4) : 0xfc + rnd.nextInt(4));
    }
    return Bytes.wrap(k);
  }

  private static byte[] value(Random rnd) {
    byte[] v = new byte[rnd.nextInt(200)];
    rnd.nextBytes(v);
    return v;
  }

  /** A store over a sorted map that counts point reads and full scans. */
  private static final class CountingStore {
    final TreeMap<Bytes, byte[]> map = new TreeMap<>();
    int gets;
    int scans;

    @SuppressWarnings("unchecked")
    KeyValueStore<Bytes, byte[]> proxy() {
      return (KeyValueStore<Bytes, byte[]>)
          Proxy.newProxyInstance(
              KeyValueStore.class.getClassLoader(),
              new Class<?>[] {KeyValueStore.class},
              (p, method, args) ->
                  switch (method.getName()) {
                    case "put" -> map.put((Bytes) args[0], (byte[]) args[1]);
                    case "delete" -> map.remove((Bytes) args[0]);
                    case "get" -> {
                      gets++;
                      yield map.get((Bytes) args[0]);
                    }
                    case "all" -> {
                      scans++;
                      yield iterator(new ArrayList<>(map.entrySet()).iterator());
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                  });
    }

    private static KeyValueIterator<Bytes, byte[]> iterator(Iterator<Map.Entry<Bytes, byte[]>> it) {
      return new KeyValueIterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
          Map.Entry<Bytes, byte[]> e = it.next();
          return KeyValue.pair(e.getKey(), e.getValue());
        }

        @Override
        public void close() {}

        @Override
        public Bytes peekNextKey() {
          throw new UnsupportedOperationException();
        }
      };
    }
  }
}
