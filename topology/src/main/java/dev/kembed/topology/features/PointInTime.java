package dev.kembed.topology.features;

import dev.kembed.state.window.WindowSpec;
import dev.kembed.state.window.WindowVector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's windows as of t when some of the user's events before t are still held back (waiting for
 * the watermark) rather than applied to the tiles: the tiles' read at t plus each held event that
 * the window covers at t, by the same tile rule the aggregator applies. Pure, except {@link
 * #plusOwned}, which adds into sums its caller hands over.
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
    return plus(base, windows, t, held, false);
  }

  /**
   * Like {@link #plus}, but adds into the arrays of {@code base}'s sums instead of copies: for a
   * caller that owns them (read for this call and handed to no one else), to whom they are lost. It
   * saves a copy of each window's sum per read, 3 KB a window at 384 dimensions, on the path every
   * exposure read ahead of the release takes. The results are bit for bit those of {@link #plus}.
   */
  public static List<WindowVector> plusOwned(
      List<WindowVector> base, List<WindowSpec> windows, long t, List<Held> held) {
    return plus(base, windows, t, held, true);
  }

  private static List<WindowVector> plus(
      List<WindowVector> base, List<WindowSpec> windows, long t, List<Held> held, boolean owned) {
    if (held.isEmpty()) {
      return base;
    }
    // Events covered by the same windows are summed once and that sum is added to each of them.
    // Held events are recent, so usually every window covers all of them: one pass over their
    // vectors instead of one per window (this runs for every exposure read ahead of the release).
    Map<BitSet, HeldSum> groups = new LinkedHashMap<>();
    for (Held h : held) {
      if (h.time() >= t) {
        continue;
      }
      BitSet covering = new BitSet(base.size());
      for (int i = 0; i < base.size(); i++) {
        if (windows.get(i).covers(h.time(), t)) {
          covering.set(i);
        }
      }
      if (!covering.isEmpty()) {
        groups.computeIfAbsent(covering, k -> new HeldSum()).add(h);
      }
    }
    List<WindowVector> out = new ArrayList<>(base.size());
    for (int i = 0; i < base.size(); i++) {
      WindowVector b = base.get(i);
      double[] sum = b.sum();
      double weight = b.totalWeight();
      long count = b.count();
      for (Map.Entry<BitSet, HeldSum> g : groups.entrySet()) {
        if (!g.getKey().get(i)) {
          continue;
        }
        double[] add = g.getValue().sum;
        if (sum.length == 0) {
          sum = new double[add.length];
        } else if (sum == b.sum() && !owned) {
          sum = sum.clone();
        }
        for (int k = 0; k < sum.length && k < add.length; k++) {
          sum[k] += add[k];
        }
        weight += g.getValue().weight;
        count += g.getValue().count;
      }
      out.add(
          new WindowVector(b.window(), b.windowMs(), sum, weight, count, Math.max(b.asOf(), t)));
    }
    return out;
  }

  // The weighted sum, weight and count of some held events.
  private static final class HeldSum {
    double[] sum = new double[0];
    double weight;
    long count;

    void add(Held h) {
      float[] v = h.vector();
      if (v.length > sum.length) {
        sum = Arrays.copyOf(sum, v.length);
      }
      for (int k = 0; k < v.length; k++) {
        sum[k] += h.weight() * v[k];
      }
      weight += h.weight();
      count++;
    }
  }
}
