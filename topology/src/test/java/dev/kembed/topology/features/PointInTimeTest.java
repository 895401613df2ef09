package dev.kembed.topology.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.kembed.state.window.WindowSpec;
import dev.kembed.state.window.WindowVector;
import dev.kembed.topology.features.PointInTime.Held;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PointInTimeTest {
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;
  // P1D in hourly tiles, P3D and P10D in daily ones.
  private static final List<WindowSpec> WINDOWS =
      List.of(
          new WindowSpec("P1D", DAY, HOUR),
          new WindowSpec("P3D", 3 * DAY, DAY),
          new WindowSpec("P10D", 10 * DAY, DAY));

  private static List<WindowVector> base(double[][] sums, double[] weights, long[] counts, long t) {
    List<WindowVector> out = new ArrayList<>();
    for (int i = 0; i < WINDOWS.size(); i++) {
      WindowSpec w = WINDOWS.get(i);
      out.add(new WindowVector(w.name(), w.lengthMs(), sums[i], weights[i], counts[i], t - 1));
    }
    return out;
  }

  @Test
  void withNothingHeldTheTilesReadIsTheAnswer() {
    List<WindowVector> base = base(new double[3][2], new double[3], new long[3], 50 * DAY);
    assertSame(base, PointInTime.plus(base, WINDOWS, 50 * DAY, List.of()));
  }

  @Test
  void eachWindowAddsTheHeldEventsItCoversBeforeT() {
    long t = 50 * DAY + 12 * HOUR;
    double[][] sums = {{1, 0}, {2, 0}, {3, 0}};
    List<WindowVector> base = base(sums, new double[] {1, 2, 3}, new long[] {1, 2, 3}, t);
    List<Held> held =
        List.of(
            new Held(t - HOUR, 2.0, new float[] {0, 1}), // in all three
            new Held(t - 2 * DAY, 0.5, new float[] {4, 4}), // P3D and P10D
            new Held(t - 5 * DAY, 1.0, new float[] {8, 0}), // P10D only
            new Held(t, 9.0, new float[] {9, 9}), // at t: not before it
            new Held(t + HOUR, 9.0, new float[] {9, 9})); // after t
    List<WindowVector> got = PointInTime.plus(base, WINDOWS, t, held);

    assertArrayEquals(new double[] {1, 2}, got.get(0).sum(), 1e-12);
    assertEquals(3.0, got.get(0).totalWeight(), 1e-12);
    assertEquals(2, got.get(0).count());
    assertArrayEquals(new double[] {2 + 2, 2 + 2}, got.get(1).sum(), 1e-12);
    assertEquals(2 + 2.5, got.get(1).totalWeight(), 1e-12);
    assertEquals(4, got.get(1).count());
    assertArrayEquals(new double[] {3 + 2 + 8, 2 + 2}, got.get(2).sum(), 1e-12);
    assertEquals(3 + 3.5, got.get(2).totalWeight(), 1e-12);
    assertEquals(6, got.get(2).count());
    for (WindowVector v : got) {
      assertEquals(t, v.asOf());
    }
    // The tiles' read is not changed in place.
    assertArrayEquals(new double[] {1, 0}, sums[0]);
    assertArrayEquals(new double[] {3, 0}, sums[2]);
  }

  @Test
  void aUserNeverSeenInTheTilesGetsTheHeldEventsAlone() {
    long t = 50 * DAY;
    List<WindowVector> base = base(new double[3][0], new double[3], new long[3], t);
    List<WindowVector> got =
        PointInTime.plus(base, WINDOWS, t, List.of(new Held(t - 1, 2.0, new float[] {1, 3})));
    for (WindowVector v : got) {
      assertArrayEquals(new double[] {2, 6}, v.sum(), 1e-12);
      assertEquals(1, v.count());
    }
  }

  @Test
  void randomHeldSetsMatchAnEventByEventSum() {
    Random r = new Random(7);
    for (int round = 0; round < 500; round++) {
      long t = 100 * DAY + r.nextInt((int) DAY);
      int dim = 1 + r.nextInt(8);
      double[][] sums = new double[3][dim];
      double[] weights = new double[3];
      long[] counts = new long[3];
      for (int i = 0; i < 3; i++) {
        for (int k = 0; k < dim; k++) {
          sums[i][k] = r.nextGaussian();
        }
        weights[i] = r.nextDouble();
        counts[i] = r.nextInt(5);
      }
      List<Held> held = new ArrayList<>();
      for (int j = r.nextInt(12); j > 0; j--) {
        float[] v = new float[dim];
        for (int k = 0; k < dim; k++) {
          v[k] = (float) r.nextGaussian();
        }
        held.add(new Held(t - (long) (r.nextDouble() * 12 * DAY), r.nextDouble() * 3, v));
      }
      List<WindowVector> got = PointInTime.plus(base(sums, weights, counts, t), WINDOWS, t, held);
      // The owning variant, on its own copy of the same base: the same bits, in the base's arrays.
      double[][] mine = new double[3][];
      for (int i = 0; i < 3; i++) {
        mine[i] = sums[i].clone();
      }
      List<WindowVector> owned =
          PointInTime.plusOwned(base(mine, weights, counts, t), WINDOWS, t, held);
      for (int i = 0; i < 3; i++) {
        // By the window rule written out: an event counts when its tile starts at or after the
        // window's first tile at t.
        long tile = WINDOWS.get(i).tileMs();
        long first = Math.floorDiv(t, tile) * tile - WINDOWS.get(i).lengthMs() + tile;
        double[] want = sums[i].clone();
        double weight = weights[i];
        long count = counts[i];
        for (Held h : held) {
          if (h.time() < t && Math.floorDiv(h.time(), tile) * tile >= first) {
            for (int k = 0; k < dim; k++) {
              want[k] += h.weight() * h.vector()[k];
            }
            weight += h.weight();
            count++;
          }
        }
        assertArrayEquals(want, got.get(i).sum(), 1e-9, "round " + round + " window " + i);
        assertEquals(weight, got.get(i).totalWeight(), 1e-9);
        assertEquals(count, got.get(i).count());
        assertArrayEquals(got.get(i).sum(), owned.get(i).sum(), 0.0);
        assertEquals(got.get(i).totalWeight(), owned.get(i).totalWeight(), 0.0);
        assertEquals(got.get(i).count(), owned.get(i).count());
        assertSame(mine[i], owned.get(i).sum(), "added in place, not copied");
      }
    }
  }
}
