package dev.kembed.state.window;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kembed.state.window.AddResult.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed examples; the property test covers the random cases. */
class WindowedVectorAggregatorTest {
  private static final String U = "alice";
  private static final String ENG = "ENGAGEMENT";
  private static final String SEARCH = "SEARCH_INTENT";

  private final InMemoryTileStore store = new InMemoryTileStore();

  private WindowedVectorAggregator aggregator(Duration lateness, String... windows) {
    List<String> w = windows.length == 0 ? WindowConfig.DEFAULT_WINDOWS : List.of(windows);
    return new WindowedVectorAggregator(store, WindowConfig.of(w, Resolution.defaults(), lateness));
  }

  private static long t(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  private static WindowVector window(List<WindowVector> vs, String name) {
    return vs.stream().filter(v -> v.window().equals(name)).findFirst().orElseThrow();
  }

  private static void assertWindow(WindowVector v, double weight, long count, double... sum) {
    assertEquals(count, v.count(), v.window() + " count");
    assertEquals(weight, v.totalWeight(), 1e-12, v.window() + " weight");
    assertArrayEquals(sum, v.sum(), 1e-12, v.window() + " sum");
  }

  @Test
  void weightedSumAndMeanDirection() {
    WindowedVectorAggregator agg = aggregator(Duration.ofDays(1));
    agg.add(U, ENG, t("2024-01-08T10:00:00Z"), 1.0, new float[] {1, 0});
    AddResult r = agg.add(U, ENG, t("2024-01-08T10:01:00Z"), 3.0, new float[] {0, 1});
    assertEquals(Status.APPLIED, r.status());
    assertEquals(t("2024-01-08T10:01:00Z"), r.asOf());
    assertEquals(
        List.of("P7D", "P30D", "P90D"), r.changed().stream().map(WindowVector::window).toList());
    for (WindowVector v : agg.snapshot(U, ENG)) {
      assertWindow(v, 4.0, 2, 1, 3);
      // weighted mean direction (1, 3) / sqrt(10)
      assertArrayEquals(new float[] {0.31622776f, 0.9486833f}, v.normalized(), 1e-7f);
    }
  }

  /**
   * Tile-granular edges. As of 2024-01-08T10:30 the P7D window starts at the 11:00 tile of
   * 2024-01-01 and P30D at the 2023-12-10 daily tile.
   */
  @Test
  void windowBoundaryJustInsideAndJustOutsideThenExpiry() {
    WindowedVectorAggregator agg = aggregator(Duration.ofDays(1));
    agg.add(
        U,
        ENG,
        t("2023-12-09T23:59:59.999Z"),
        4.0,
        new float[] {0, 0, 1}); // D: out of P30D at the end
    agg.add(U, ENG, t("2023-12-10T00:00:00Z"), 0.5, new float[] {0, 0, 1}); // E: first P30D tile
    agg.add(U, ENG, t("2024-01-01T10:59:59.999Z"), 2.0, new float[] {1, 0, 0}); // A: out of P7D
    agg.add(U, ENG, t("2024-01-01T11:00:00Z"), 1.0, new float[] {0, 1, 0}); // B: first P7D tile
    AddResult r = agg.add(U, ENG, t("2024-01-08T10:30:00Z"), 1.0, new float[] {1, 1, 0}); // C
    assertEquals(Status.APPLIED, r.status());

    List<WindowVector> s = agg.snapshot(U, ENG);
    assertWindow(window(s, "P7D"), 2.0, 2, 1, 2, 0); // B + C: A is 7d minus 31 min old, yet outside
    assertWindow(window(s, "P30D"), 4.5, 4, 3, 2, 0.5); // D was subtracted when C moved the edge
    assertWindow(window(s, "P90D"), 8.5, 5, 3, 2, 4.5);
    // The add's own output agrees with the snapshot.
    assertWindow(window(r.changed(), "P30D"), 4.5, 4, 3, 2, 0.5);

    // A week later C's hour (10:00) is one tile older than the P7D edge (11:00); E's day leaves
    // P30D.
    List<WindowVector> changed = agg.advanceTo(U, ENG, t("2024-01-15T10:30:00Z"));
    assertEquals(List.of("P7D", "P30D"), changed.stream().map(WindowVector::window).toList());
    s = agg.snapshot(U, ENG);
    assertWindow(window(s, "P7D"), 0.0, 0, 0, 0, 0);
    assertNull(window(s, "P7D").normalized());
    assertWindow(window(s, "P30D"), 4.0, 3, 3, 2, 0);
    assertWindow(window(s, "P90D"), 8.5, 5, 3, 2, 4.5);
    assertEquals(t("2024-01-15T10:30:00Z"), window(s, "P90D").asOf());
    // No hourly tile is inside P7D any more; daily tiles 12-09, 12-10, 01-01, 01-08 remain for
    // P90D.
    assertEquals(4, store.tileCount(U, ENG));

    agg.advanceTo(U, ENG, t("2024-07-01T00:00:00Z"));
    for (WindowVector v : agg.snapshot(U, ENG)) {
      assertWindow(v, 0.0, 0, 0, 0, 0);
    }
    assertEquals(0, store.tileCount(U, ENG));
  }

  @Test
  void outOfOrderWithinGraceIsAppliedBeyondIsLate() {
    WindowedVectorAggregator agg = aggregator(Duration.ofHours(6));
    agg.add(U, ENG, t("2024-01-10T12:00:00Z"), 1.0, new float[] {1, 0});
    AddResult late = agg.add(U, ENG, t("2024-01-10T05:59:59.999Z"), 1.0, new float[] {0, 1});
    assertEquals(Status.LATE, late.status());
    assertEquals(t("2024-01-10T12:00:00Z"), late.asOf());
    assertWindow(window(agg.snapshot(U, ENG), "P7D"), 1.0, 1, 1, 0);

    AddResult ok = agg.add(U, ENG, t("2024-01-10T08:00:00Z"), 2.0, new float[] {0, 1});
    assertEquals(Status.APPLIED, ok.status());
    assertEquals(t("2024-01-10T12:00:00Z"), ok.asOf(), "as-of never moves back");
    AddResult edge = agg.add(U, ENG, t("2024-01-10T06:00:00Z"), 0.5, new float[] {1, 1});
    assertEquals(Status.APPLIED, edge.status(), "exactly as-of minus grace is allowed");
    for (WindowVector v : agg.snapshot(U, ENG)) {
      assertWindow(v, 3.5, 3, 1.5, 2.5);
    }
  }

  @Test
  void lateEventReachesOnlyWindowsThatStillCoverIt() {
    WindowedVectorAggregator agg = aggregator(Duration.ofDays(10));
    agg.add(U, ENG, t("2024-01-20T12:00:00Z"), 1.0, new float[] {1, 0});
    // P7D starts at 2024-01-13T13:00; the event's hour is before that, its day is inside P30D.
    AddResult r = agg.add(U, ENG, t("2024-01-12T09:00:00Z"), 2.0, new float[] {0, 1});
    assertEquals(Status.APPLIED, r.status());
    assertEquals(List.of("P30D", "P90D"), r.changed().stream().map(WindowVector::window).toList());
    List<WindowVector> s = agg.snapshot(U, ENG);
    assertWindow(window(s, "P7D"), 1.0, 1, 1, 0);
    assertWindow(window(s, "P30D"), 3.0, 2, 1, 2);
    // One hourly tile (01-20T12) and two daily ones; no hourly tile for an hour P7D left already.
    assertEquals(3, store.tileCount(U, ENG));
  }

  @Test
  void withinGraceButOutsideEveryWindowIsExpired() {
    WindowedVectorAggregator agg = aggregator(Duration.ofDays(5), "PT3H", "P1D");
    agg.add(U, ENG, t("2024-01-10T12:00:00Z"), 1.0, new float[] {1, 0});
    AddResult r = agg.add(U, ENG, t("2024-01-08T12:00:00Z"), 1.0, new float[] {0, 1});
    assertEquals(Status.EXPIRED, r.status());
    assertEquals(List.of(), r.changed());
    assertWindow(window(agg.snapshot(U, ENG), "P1D"), 1.0, 1, 1, 0);
    // P1D at 12:xx starts at 13:00 the day before: 2024-01-09T12:59 is out, 13:00 is in.
    assertEquals(
        Status.EXPIRED,
        agg.add(U, ENG, t("2024-01-09T12:59:59.999Z"), 1.0, new float[] {0, 1}).status());
    assertEquals(
        Status.APPLIED,
        agg.add(U, ENG, t("2024-01-09T13:00:00Z"), 1.0, new float[] {0, 1}).status());
    assertWindow(window(agg.snapshot(U, ENG), "P1D"), 2.0, 2, 1, 1);
    assertWindow(window(agg.snapshot(U, ENG), "PT3H"), 1.0, 1, 1, 0);
  }

  @Test
  void snapshotBeforeAddIsThePointInTimeReadAndChangesNothing() {
    WindowedVectorAggregator agg = aggregator(Duration.ofDays(1));
    agg.add(U, ENG, t("2024-01-01T00:00:00Z"), 1.0, new float[] {1, 0});
    agg.add(U, ENG, t("2024-01-05T00:00:00Z"), 1.0, new float[] {0, 1});
    long exposure = t("2024-01-08T00:30:00Z");
    // As of the exposure, P7D starts at 2024-01-01T01:00: the first event has left it.
    WindowVector before = window(agg.snapshotAt(U, ENG, exposure), "P7D");
    assertWindow(before, 1.0, 1, 0, 1);
    assertEquals(exposure, before.asOf());
    // Read-only: the stored state is still as of 01-05.
    assertWindow(window(agg.snapshot(U, ENG), "P7D"), 2.0, 2, 1, 1);
    assertEquals(t("2024-01-05T00:00:00Z"), window(agg.snapshot(U, ENG), "P7D").asOf());

    AddResult r = agg.add(U, ENG, exposure, 2.0, new float[] {1, 0});
    assertWindow(window(r.changed(), "P7D"), 3.0, 2, 2, 1);
  }

  @Test
  void kindsAreIndependentStreams() {
    WindowedVectorAggregator agg = aggregator(Duration.ofHours(1));
    agg.add(U, ENG, t("2024-03-01T00:00:00Z"), 1.0, new float[] {1, 0});
    // A search a month older than the engagement as-of is not late for its own kind.
    assertEquals(
        Status.APPLIED,
        agg.add(U, SEARCH, t("2024-02-01T00:00:00Z"), 1.0, new float[] {0, 1, 0}).status());
    assertWindow(window(agg.snapshot(U, ENG), "P7D"), 1.0, 1, 1, 0);
    assertWindow(window(agg.snapshot(U, SEARCH), "P7D"), 1.0, 1, 0, 1, 0);
    WindowVector unknown = window(agg.snapshot("bob", ENG), "P7D");
    assertEquals(0, unknown.count());
    assertEquals(Long.MIN_VALUE, unknown.asOf());
  }

  @Test
  void invalidEventsAreRejectedWithoutChangingState() {
    WindowedVectorAggregator agg = aggregator(Duration.ofDays(1));
    long now = t("2024-01-01T00:00:00Z");
    agg.add(U, ENG, now, 1.0, new float[] {1, 0});
    assertEquals(Status.INVALID, agg.add(U, ENG, now, 1.0, new float[] {Float.NaN, 0}).status());
    assertEquals(Status.INVALID, agg.add(U, ENG, now, -1.0, new float[] {1, 0}).status());
    assertEquals(
        Status.INVALID,
        agg.add(U, ENG, now, Double.POSITIVE_INFINITY, new float[] {1, 0}).status());
    assertEquals(Status.INVALID, agg.add(U, ENG, now, 1.0, new float[] {1, 0, 0}).status());
    assertEquals(Status.INVALID, agg.add(U, ENG, now, 1.0, new float[0]).status());
    assertWindow(window(agg.snapshot(U, ENG), "P90D"), 1.0, 1, 1, 0);
  }

  @Test
  void zeroWeightEventsCountButHaveNoDirection() {
    WindowedVectorAggregator agg = aggregator(Duration.ofDays(1));
    agg.add(U, ENG, t("2024-01-01T00:00:00Z"), 0.0, new float[] {1, 0});
    WindowVector v = window(agg.snapshot(U, ENG), "P7D");
    assertWindow(v, 0.0, 1, 0, 0);
    assertNull(v.normalized());

    // Weighted events in other tiles come and go; the zero-weight one left behind must read as
    // exactly zero, not as a direction made of subtraction residue.
    agg.add(U, ENG, t("2024-01-01T01:10:00Z"), 0.1, new float[] {0.3f, 0.7f});
    agg.add(U, ENG, t("2024-01-01T02:20:00Z"), 0.7, new float[] {0.1f, 0.9f});
    agg.add(U, ENG, t("2024-01-01T03:30:00Z"), 0.3, new float[] {0.7f, 0.3f});
    agg.add(U, ENG, t("2024-01-05T00:00:00Z"), 0.0, new float[] {1, 1});
    agg.advanceTo(U, ENG, t("2024-01-08T03:00:00Z")); // P7D starts at 2024-01-01T04:00
    WindowVector after = window(agg.snapshot(U, ENG), "P7D");
    assertEquals(1, after.count());
    assertEquals(0.0, after.totalWeight(), 0.0);
    assertArrayEquals(new double[] {0, 0}, after.sum(), 0.0);
    assertNull(after.normalized());
  }
}
