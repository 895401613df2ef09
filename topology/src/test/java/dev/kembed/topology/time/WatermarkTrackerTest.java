package dev.kembed.topology.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The combination rule of watermark channels, step by step with hand-set times. */
class WatermarkTrackerTest {
  private static final long IDLE = 2_000;

  @Test
  void theMinimumOfTheChannelsNeverMovesBack() {
    WatermarkTracker t = new WatermarkTracker(IDLE, 0);
    t.expectProducer("a/0", 0);
    t.expectProducer("a/1", 0);
    assertEquals(
        Long.MIN_VALUE, t.advance(0), "an upstream task that has not spoken holds everything");
    t.report("a/0", 500, false, 10);
    assertEquals(Long.MIN_VALUE, t.advance(10));
    t.report("a/1", 300, false, 20);
    assertEquals(300, t.advance(20));
    t.report("a/1", 900, false, 30);
    assertEquals(500, t.advance(30));
    t.report("a/0", 400, false, 40); // a stale marker cannot move a channel back
    assertEquals(500, t.advance(40));
  }

  @Test
  void anIdleUpstreamTaskIsPassedOverOnlyAfterTwoMoreIdleMarkers() {
    WatermarkTracker t = new WatermarkTracker(IDLE, 0);
    t.report("a/0", 100, true, 0);
    t.report("a/1", 100, false, 0);
    assertEquals(100, t.advance(0));
    t.report("a/1", 5_000, false, 10); // a/1 runs ahead; a/0 says it is idle
    assertEquals(
        100, t.advance(10_000), "wall-clock time alone never passes an upstream task over");
    t.report("a/0", 100, true, 11_000);
    assertEquals(
        100, t.advance(11_000), "one idle marker may have been sent before its data arrived");
    t.report("a/0", 100, true, 12_000);
    assertEquals(5_000, t.advance(12_000), "the second confirms it");
    t.report("a/0", 200, false, 13_000); // it wakes up behind: the watermark stays
    assertEquals(5_000, t.advance(13_000));
  }

  @Test
  void aBusyTaskThatWakesUpBeforeConfirmingHoldsTheWatermark() {
    WatermarkTracker t = new WatermarkTracker(IDLE, 0);
    t.report("a/0", 100, true, 0);
    t.report("a/1", 5_000, false, 0);
    assertEquals(100, t.advance(0));
    t.report("a/0", 100, true, 1_000);
    t.report("a/0", 150, false, 2_000); // its burst arrived: not idle after all
    assertEquals(150, t.advance(2_000));
  }

  @Test
  void idlenessConfirmedWhileAllWasQuietIsConfirmedAgainWhenDataArrives() {
    WatermarkTracker t = new WatermarkTracker(IDLE, 0);
    t.report("a/0", 100, true, 0);
    t.report("a/1", 200, true, 0);
    t.advance(0);
    t.report("a/0", 100, true, 1_000);
    t.report("a/0", 100, true, 2_000);
    assertEquals(200, t.advance(2_000), "all quiet: everything delivered is released");
    t.report("a/1", 9_000, false, 3_000); // a burst: a/1 wakes up first
    assertEquals(
        200, t.advance(3_000), "a/0's old confirmations do not let a/1 run ahead of its burst");
    t.report("a/0", 100, true, 4_000);
    t.report("a/0", 5_000, false, 4_500); // a/0's share of the burst
    assertEquals(4_999 + 1, t.advance(4_500));
  }

  @Test
  void aSilentInputPartitionIsPassedOverAfterTwiceTheIdleTime() {
    WatermarkTracker t = new WatermarkTracker(IDLE, 0);
    t.expectInput("posts-0", 0);
    t.expectInput("posts-1", 0);
    t.observe("posts-0", 1_000, 0);
    t.observe("posts-1", 800, 0);
    assertEquals(
        799, t.advance(100), "a busy partition promises only what is before its latest event time");
    t.observe("posts-0", 9_000, 1_000);
    assertEquals(799, t.advance(1_500));
    assertEquals(
        800,
        t.advance(2_500),
        "posts-1 idle since 2 s (it has delivered all it had), now holding back: its hold starts");
    t.observe("posts-0", 9_500, 4_000);
    assertEquals(800, t.advance(4_000));
    assertEquals(9_499, t.advance(4_600), "held back for the idle time more: passed over");
  }

  @Test
  void whenEveryChannelIsIdleEverythingDeliveredIsReleased() {
    WatermarkTracker t = new WatermarkTracker(IDLE, 0);
    t.expectInput("posts-0", 0);
    t.expectInput("comments-0", 0);
    t.observe("posts-0", 7_000, 0);
    assertFalse(t.allIdle(100));
    assertTrue(t.allIdle(2_000));
    assertEquals(
        Long.MIN_VALUE,
        t.advance(2_000),
        "comments-0 never spoke: it holds for the idle time more");
    assertEquals(
        7_000, t.advance(4_000), "then up to the latest event itself: nothing else is coming");
  }
}
