package dev.kembed.topology.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

/**
 * The in-memory index of held writes against a plain list filtered and sorted in the test: for
 * random users (some the prefix of another), kinds and times (negative, equal, far apart), "held
 * before t" is exactly the writes of that user and kind with an earlier time, oldest first.
 */
class HeldWritesTest {
  record Write(String user, String kind, long time, String id) {
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
    HeldWrites index = new HeldWrites();
    List<Write> held = new ArrayList<>();
    int checked = 0;
    for (int step = 0; step < 3_000; step++) {
      if (held.isEmpty() || r.nextInt(3) > 0) {
        Write w =
            new Write(
                users[r.nextInt(users.length)],
                kinds[r.nextInt(kinds.length)],
                times[r.nextInt(times.length)],
                "id" + step);
        held.add(w);
        index.add(w.user(), w.kind(), w.time(), w.id(), w.key());
      } else {
        Write w = held.remove(r.nextInt(held.size()));
        index.remove(w.user(), w.kind(), w.time(), w.id());
      }
      String user = users[r.nextInt(users.length)];
      String kind = kinds[r.nextInt(kinds.length)];
      long t = times[r.nextInt(times.length)];
      List<Bytes> expected =
          held.stream()
              .filter(w -> w.user().equals(user) && w.kind().equals(kind) && w.time() < t)
              .sorted(
                  Comparator.comparingLong(Write::time)
                      .thenComparingInt((Write w) -> w.id().length())
                      .thenComparing(Write::id))
              .map(Write::key)
              .toList();
      assertEquals(expected, index.before(user, kind, t), "step " + step);
      assertEquals(held.size(), index.size());
      checked += expected.size();
    }
    assertEquals(true, checked > 1_000, "too few held writes compared: " + checked);
  }
}
