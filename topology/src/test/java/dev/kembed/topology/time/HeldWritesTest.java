package dev.kembed.topology.time;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.schemas.vector.PackedVectors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

/**
 * The in-memory index of held writes against a plain list filtered and sorted in the test: for
 * random users (some the prefix of another), kinds and times (negative, equal, far apart), "held
 * before t" is exactly the writes of that user and kind with an earlier time, oldest first (then by
 * id as the timeline's keys sort: shorter first), and it keeps at most its bound of distinct
 * vectors, one array for the writes on one target that carry the same bits.
 */
class HeldWritesTest {
  record Write(String user, String kind, long time, String id, String target, float[] vector) {
    Bytes key() {
      return TimelineKeys.timeline(time, TimelineKeys.Item.WRITE, user, id);
    }

    void addTo(HeldWrites index) {
      index.add(user, kind, time, id, key(), 0.5, target, packed(vector));
    }
  }

  @Test
  void beforeIsExactlyTheEarlierWritesOfThatUserAndKind() {
    Random r = new Random(7);
    String[] users = {"u1", "u10", "u", "ü", ""};
    String[] kinds = {"ENGAGEMENT|m@1", "ENGAGEMENT|m@2", "SEARCH_INTENT|m@1"};
    long[] times = {Long.MIN_VALUE / 4, -5, 0, 1, 2, 1_000, Long.MAX_VALUE / 4};
    int bound = 40;
    HeldWrites index = new HeldWrites(bound);
    List<Write> held = new ArrayList<>();
    int checked = 0;
    int kept = 0;
    int notKept = 0;
    int shared = 0;
    for (int step = 0; step < 3_000; step++) {
      if (held.isEmpty() || r.nextInt(3) > 0) {
        // 60 targets, so that held writes share vectors; a target's vector changes now and then
        // (an edited post), and some writes have no target.
        int target = r.nextInt(61);
        float version = r.nextInt(10) == 0 ? step : 0;
        Write w =
            new Write(
                users[r.nextInt(users.length)],
                kinds[r.nextInt(kinds.length)],
                times[r.nextInt(times.length)],
                // ids of different lengths: "id9" sorts before "id10" at one time
                "id" + step,
                target == 60 ? null : "post-" + target,
                new float[] {target, -target, version});
        held.add(w);
        w.addTo(index);
      } else {
        Write w = held.remove(r.nextInt(held.size()));
        index.remove(w.user(), w.kind(), w.time(), w.id());
      }
      String user = users[r.nextInt(users.length)];
      String kind = kinds[r.nextInt(kinds.length)];
      long t = times[r.nextInt(times.length)];
      List<Write> expected =
          held.stream()
              .filter(w -> w.user().equals(user) && w.kind().equals(kind) && w.time() < t)
              .sorted(
                  Comparator.comparingLong(Write::time)
                      .thenComparingInt((Write w) -> w.id().length())
                      .thenComparing(Write::id))
              .toList();
      List<HeldWrites.Write> got = index.before(user, kind, t);
      assertEquals(expected.stream().map(Write::key).toList(), keys(got), "step " + step);
      for (int i = 0; i < got.size(); i++) {
        assertEquals(expected.get(i).time(), got.get(i).time());
        if (got.get(i).vector() != null) {
          assertArrayEquals(expected.get(i).vector(), got.get(i).vector());
          assertEquals(0.5, got.get(i).weight());
          kept++;
        } else {
          notKept++;
        }
      }
      assertEquals(held.size(), index.size());
      // The distinct arrays the entries hold are what the index counts, and never over the bound.
      Set<float[]> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
      int withVector = 0;
      for (String u : users) {
        for (String k : kinds) {
          for (HeldWrites.Write w : index.before(u, k, Long.MAX_VALUE)) {
            if (w.vector() != null) {
              arrays.add(w.vector());
              withVector++;
            }
          }
        }
      }
      assertEquals(arrays.size(), index.vectorsKept(), "step " + step);
      assertTrue(index.vectorsKept() <= bound, "kept " + index.vectorsKept());
      shared += withVector - arrays.size();
      checked += expected.size();
    }
    assertTrue(shared > 1_000, "writes sharing a vector, summed over the steps: " + shared);
    assertTrue(checked > 1_000, "too few held writes compared: " + checked);
    // More writes were held at once than the bound: both kinds of entry were read.
    assertTrue(kept > 100 && notKept > 100, kept + " kept, " + notKept + " not");
  }

  @Test
  void aRemovedVectorFreesItsPlaceAndNoneIsKeptAtZero() {
    Bytes key = TimelineKeys.timeline(1, TimelineKeys.Item.WRITE, "u", "a");
    HeldWrites one = new HeldWrites(1);
    one.add("u", "k", 1, "a", key, 2.0, null, packed(new float[] {1}));
    one.add("u", "k", 2, "b", key, 2.0, null, packed(new float[] {2}));
    assertArrayEquals(new float[] {1}, one.before("u", "k", 3).get(0).vector());
    assertNull(one.before("u", "k", 3).get(1).vector());
    one.remove("u", "k", 1, "a");
    assertEquals(0, one.vectorsKept());
    one.add("u", "k", 3, "c", key, 2.0, null, packed(new float[] {3}));
    assertEquals(1, one.vectorsKept());
    assertArrayEquals(new float[] {3}, one.before("u", "k", 4).get(1).vector());
    // The same write indexed again replaces the entry: still one held, one vector.
    one.add("u", "k", 3, "c", key, 2.0, null, packed(new float[] {3}));
    assertEquals(2, one.size());
    assertEquals(1, one.vectorsKept());

    HeldWrites none = new HeldWrites(0);
    none.add("u", "k", 1, "a", key, 2.0, "post-1", packed(new float[] {1}));
    assertNull(none.before("u", "k", 2).get(0).vector());
    assertEquals(0.0, none.before("u", "k", 2).get(0).weight());
    // A signal without packed bytes (written before packing) is read from the store.
    HeldWrites legacy = new HeldWrites(10);
    legacy.add("u", "k", 1, "a", key, 2.0, "post-1", ByteBuffer.allocate(0));
    assertNull(legacy.before("u", "k", 2).get(0).vector());
    assertEquals(0, legacy.vectorsKept());
    assertThrows(IllegalArgumentException.class, () -> new HeldWrites(-1));
  }

  @Test
  void writesOnOneTargetShareItsVectorUntilTheLastIsReleased() {
    Bytes key = TimelineKeys.timeline(1, TimelineKeys.Item.WRITE, "u", "a");
    HeldWrites two = new HeldWrites(2);
    float[] post = {0.6f, -0.8f};
    // Three users' impressions of one post: one vector kept, whatever the bound.
    two.add("u1", "k", 1, "a", key, 0.1, "POST|m|p", packed(post));
    two.add("u2", "k", 2, "b", key, 0.1, "POST|m|p", packed(post));
    two.add("u3", "k", 3, "c", key, 1.0, "POST|m|p", packed(post));
    float[] first = two.before("u1", "k", 9).get(0).vector();
    assertArrayEquals(post, first);
    assertSame(first, two.before("u2", "k", 9).get(0).vector());
    assertSame(first, two.before("u3", "k", 9).get(0).vector());
    assertEquals(1.0, two.before("u3", "k", 9).get(0).weight());
    assertEquals(1, two.vectorsKept());
    // The post edited: a different vector under the same key is kept on its own ...
    float[] edited = {0.8f, 0.6f};
    two.add("u4", "k", 4, "d", key, 0.1, "POST|m|p", packed(edited));
    assertArrayEquals(edited, two.before("u4", "k", 9).get(0).vector());
    assertEquals(2, two.vectorsKept());
    // ... and with the bound reached, a third distinct vector is not kept, but a shared one is.
    two.add("u5", "k", 5, "e", key, 0.1, "POST|m|q", packed(new float[] {1, 0}));
    assertNull(two.before("u5", "k", 9).get(0).vector());
    two.add("u6", "k", 6, "f", key, 0.1, "POST|m|p", packed(post));
    assertSame(first, two.before("u6", "k", 9).get(0).vector());
    two.remove("u4", "k", 4, "d");
    assertEquals(1, two.vectorsKept());
    // -0.0 and 0.0 are different bits: not the same vector, and no room for a second one.
    two.add("u7", "k", 7, "g", key, 0.1, "POST|m|z", packed(new float[] {0f}));
    two.remove("u5", "k", 5, "e");
    two.add("u8", "k", 8, "h", key, 0.1, "POST|m|z", packed(new float[] {-0f}));
    assertArrayEquals(new float[] {0f}, two.before("u7", "k", 9).get(0).vector());
    assertNull(two.before("u8", "k", 9).get(0).vector());
    assertEquals(2, two.vectorsKept());
    // The shared vector stays until the last of its four writes goes.
    two.remove("u1", "k", 1, "a");
    two.remove("u2", "k", 2, "b");
    two.remove("u3", "k", 3, "c");
    assertSame(first, two.before("u6", "k", 9).get(0).vector());
    assertEquals(2, two.vectorsKept());
    // Released, a write hands back the vector it kept, for the release to apply.
    assertSame(first, two.remove("u6", "k", 6, "f").vector());
    assertNull(two.remove("u6", "k", 6, "f"));
    assertNull(two.remove("u8", "k", 8, "h").vector());
    assertEquals(1, two.vectorsKept());
    assertEquals(1, two.size());
  }

  private static ByteBuffer packed(float[] v) {
    return ByteBuffer.wrap(PackedVectors.pack(v));
  }

  private static List<Bytes> keys(List<HeldWrites.Write> writes) {
    return writes.stream().map(HeldWrites.Write::timelineKey).toList();
  }
}
