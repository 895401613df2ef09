package dev.kembed.topology.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When an unchanged watermark marker is repeated, with hand-set wall-clock times. */
class MarkerCadenceTest {
  private static final long TICK = 100;

  @Test
  void nothingChangedRepeatsEveryTenTicks() {
    MarkerCadence c = new MarkerCadence(TICK);
    assertEquals(1_000, c.repeatAfterMs(true, 0), "no change seen yet: idle markers once a second");
    assertEquals(1_000, c.repeatAfterMs(false, 0));
  }

  @Test
  void anIdleTaskRepeatsEveryTickForThirtyTicksAfterAChange() {
    MarkerCadence c = new MarkerCadence(TICK);
    c.changed(5_000);
    assertEquals(100, c.repeatAfterMs(true, 5_000));
    assertEquals(100, c.repeatAfterMs(true, 8_000), "thirty ticks after the change");
    assertEquals(1_000, c.repeatAfterMs(true, 8_001), "steady again");
    assertEquals(
        1_000, c.repeatAfterMs(false, 5_000), "a busy task's unchanged marker is not hurried");
    c.changed(20_000);
    assertEquals(100, c.repeatAfterMs(true, 20_500), "every change opens the window again");
  }

  @Test
  void theLatestChangeCountsWhateverOrderThreadsReportIn() throws Exception {
    MarkerCadence c = new MarkerCadence(TICK);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      long base = t * 1_000L;
      Thread thread =
          new Thread(
              () -> {
                for (long now = base; now < base + 1_000; now++) {
                  c.changed(now);
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    // The last change any thread saw was at 3,999; a late report of an old one does not move it.
    c.changed(10);
    assertEquals(100, c.repeatAfterMs(true, 3_999 + 3_000));
    assertEquals(1_000, c.repeatAfterMs(true, 3_999 + 3_001));
  }
}
