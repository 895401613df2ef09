package dev.kembed.topology.time;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

/**
 * The in-memory index of held writes against a plain list filtered and sorted in the test: for
 * random users (some the prefix of another), kinds and times (negative, equal, far apart), "held
 * before t" is exactly the writes of that user and kind with an earlier time, oldest first (then by
 * id as the timeline's keys sort: shorter first), and it keeps vectors for at most its bound.
 */
class HeldWritesTest {
  record Write(String user, String kind, long time, String id, float[] vector) {
    Bytes key() {
      return TimelineKeys.timeline(time, TimelineKeys.Item.WRITE, user, id);
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
    for (int step = 0; step < 3_000; step++) {
      if (held.isEmpty() || r.nextInt(3) > 0) {
        Write w =
            new Write(
                users[r.nextInt(users.length)],
                kinds[r.nextInt(kinds.length)],
                times[r.nextInt(times.length)],
                // ids of different lengths: "id9" sorts before "id10" at one time
                "id" + step,
                new float[] {step, -step});
        held.add(w);
        index.add(w.user(), w.kind(), w.time(), w.id(), w.key(), 0.5, w::vector);
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
          assertSame(expected.get(i).vector(), got.get(i).vector());
          assertEquals(0.5, got.get(i).weight());
          kept++;
        } else {
          notKept++;
        }
      }
      assertEquals(held.size(), index.size());
      assertTrue(index.vectorsKept() <= bound, "kept " + index.vectorsKept());
      checked += expected.size();
    }
    assertTrue(checked > 1_000, "too few held writes compared: " + checked);
    // More writes were held at once than the bound: both kinds of entry were read.
    assertTrue(kept > 100 && notKept > 100, kept + " kept, " + notKept + " not");
  }

  @Test
  void aRemovedVectorFreesItsPlaceAndNoneIsKeptAtZero() {
    Bytes key = TimelineKeys.timeline(1, TimelineKeys.Item.WRITE, "u", "a");
    HeldWrites one = new HeldWrites(1);
    one.add("u", "k", 1, "a", key, 2.0, () -> new float[] {1});
    one.add("u", "k", 2, "b", key, 2.0, () -> new float[] {2});
    assertArrayEquals(new float[] {1}, one.before("u", "k", 3).get(0).vector());
    assertNull(one.before("u", "k", 3).get(1).vector());
    one.remove("u", "k", 1, "a");
    assertEquals(0, one.vectorsKept());
    one.add("u", "k", 3, "c", key, 2.0, () -> new float[] {3});
    assertEquals(1, one.vectorsKept());
    assertArrayEquals(new float[] {3}, one.before("u", "k", 4).get(1).vector());
    // The same write indexed again replaces the entry: still one held, one vector.
    one.add("u", "k", 3, "c", key, 2.0, () -> new float[] {3});
    assertEquals(2, one.size());
    assertEquals(1, one.vectorsKept());

    HeldWrites none = new HeldWrites(0);
    none.add("u", "k", 1, "a", key, 2.0, () -> new float[] {1});
    assertNull(none.before("u", "k", 2).get(0).vector());
    assertThrows(IllegalArgumentException.class, () -> new HeldWrites(-1));
  }

  private static List<Bytes> keys(List<HeldWrites.Write> writes) {
    return writes.stream().map(HeldWrites.Write::timelineKey).toList();
  }
}
