package dev.kembed.topology.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BackfillProgressTest {
  private final TopicPartition p0 = new TopicPartition("posts", 0);
  private final TopicPartition p1 = new TopicPartition("posts", 1);
  private final TopicPartition empty = new TopicPartition("comments", 0);
  private final BackfillProgress progress =
      new BackfillProgress(
          Map.of(p0, 10L, p1, 0L, empty, 5L), Map.of(p0, 110L, p1, 50L, empty, 5L));

  @Test
  void totalIsTheRangeBetweenStartAndTarget() {
    assertEquals(150, progress.total());
  }

  @Test
  void consumedCountsCommitsUpToTheTargetOnly() {
    assertEquals(0, progress.consumed(Map.of()));
    assertEquals(
        40 + 50, progress.consumed(Map.of(p0, 50L, p1, 80L))); // p1 went past its target: counts 50
  }

  @Test
  void caughtUpNeedsEveryNonEmptyPartitionAtItsTarget() {
    assertFalse(progress.caughtUp(Map.of(p0, 110L)));
    assertFalse(progress.caughtUp(Map.of(p0, 109L, p1, 50L)));
    assertTrue(progress.caughtUp(Map.of(p0, 110L, p1, 50L)), "an empty range needs no commit");
  }

  @Test
  void lineShowsCountsPercentRateAndEta() {
    assertEquals(
        "backfill 75 / 150 records (50.0%) 25 records/s, ETA 3s",
        progress.line(Map.of(p0, 60L, p1, 25L), 3.0));
    assertEquals(
        "backfill 0 / 150 records (0.0%) 0 records/s, ETA ?", progress.line(Map.of(), 1.0));
  }

  @Test
  void etaIsReadable() {
    assertEquals("59s", BackfillProgress.formatSeconds(59));
    assertEquals("2m05s", BackfillProgress.formatSeconds(125));
    assertEquals("1h01m", BackfillProgress.formatSeconds(3660));
  }
}
