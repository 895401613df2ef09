package dev.kembed.topology.features;

import dev.kembed.state.window.WindowSpec;
import dev.kembed.state.window.WindowVector;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's windows as of t when some of the user's events before t are still held back (waiting for
 * the watermark) rather than applied to the tiles: the tiles' read at t plus each held event that
 * the window covers at t, by the same tile rule the aggregator applies. Pure.
 */
public final class PointInTime {
  /** An event not yet applied to the tiles. */
  public record Held(long time, double weight, float[] vector) {}

  private PointInTime() {}

  /**
   * @param base the windows read from the tiles at t, in the order of {@code windows}
   * @param held events before t not in the tiles
   */
  public static List<WindowVector> plus(
      List<WindowVector> base, List<WindowSpec> windows, long t, List<Held> held) {
    if (held.isEmpty()) {
      return base;
    }
    List<WindowVector> out = new ArrayList<>(base.size());
    for (int i = 0; i < base.size(); i++) {
      WindowVector b = base.get(i);
      WindowSpec w = windows.get(i);
      double[] sum = b.sum();
      double weight = b.totalWeight();
      long count = b.count();
      for (Held h : held) {
        if (h.time() >= t || !w.covers(h.time(), t)) {
          continue;
        }
        if (sum.length == 0) {
          sum = new double[h.vector().length];
        } else if (sum == b.sum()) {
          sum = sum.clone();
        }
        for (int k = 0; k < sum.length && k < h.vector().length; k++) {
          sum[k] += h.weight() * h.vector()[k];
        }
        weight += h.weight();
        count++;
      }
      out.add(
          new WindowVector(b.window(), b.windowMs(), sum, weight, count, Math.max(b.asOf(), t)));
    }
    return out;
  }

  /** The weighted mean of a window, or null when it is empty or weighs nothing. */
  public static double[] mean(WindowVector v) {
    if (v == null || v.isEmpty() || v.totalWeight() == 0) {
      return null;
    }
    double[] m = v.sum().clone();
    for (int k = 0; k < m.length; k++) {
      m[k] /= v.totalWeight();
    }
    return m;
  }
}
