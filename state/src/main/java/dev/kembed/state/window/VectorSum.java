package dev.kembed.state.window;

import dev.kembed.state.VectorMath;
import java.util.Arrays;

/**
 * A weighted sum of embeddings with its total weight and event count: the value of a tile and of a
 * window's running sum. Accumulates in double so that months of additions and subtractions stay
 * within float noise of a fresh sum. It also counts the events with positive weight: when that
 * count returns to zero the sum and weight are reset to exact zeros, so rounding residue from
 * subtraction never outlives the events that caused it (a window left with only zero-weight events
 * must have no direction, not a random one made of residue).
 */
public final class VectorSum {
  private final double[] sum;
  private double weight;
  private long count;
  private long weightedCount;

  VectorSum(double[] sum, double weight, long count, long weightedCount) {
    this.sum = sum;
    this.weight = weight;
    this.count = count;
    this.weightedCount = weightedCount;
  }

  /** A zero sum of dimension {@code dim}. */
  public static VectorSum empty(int dim) {
    return new VectorSum(new double[dim], 0, 0, 0);
  }

  /** Adds one event: {@code sum += weight * embedding}, {@code count += 1}. */
  public void add(float[] embedding, double eventWeight) {
    VectorMath.addScaled(sum, embedding, eventWeight);
    weight += eventWeight;
    count++;
    if (eventWeight > 0) {
      weightedCount++;
    }
  }

  /** Adds everything {@code other} holds (a tile into a window being summed afresh). */
  public void add(VectorSum other) {
    VectorMath.addScaled(sum, other.sum, 1.0);
    weight += other.weight;
    count += other.count;
    weightedCount += other.weightedCount;
  }

  /** Removes everything {@code other} holds (a tile leaving a window). */
  public void subtract(VectorSum other) {
    VectorMath.addScaled(sum, other.sum, -1.0);
    weight -= other.weight;
    count -= other.count;
    weightedCount -= other.weightedCount;
    if (weightedCount == 0) {
      Arrays.fill(sum, 0.0);
      weight = 0;
    }
  }

  public int dim() {
    return sum.length;
  }

  public double weight() {
    return weight;
  }

  public long count() {
    return count;
  }

  /** Events with positive weight; the sum is exactly zero when this is. */
  public long weightedCount() {
    return weightedCount;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** The component at {@code i}. */
  public double get(int i) {
    return sum[i];
  }

  /** A copy of the summed vector. */
  public double[] sumCopy() {
    return sum.clone();
  }

  /** An independent copy. */
  public VectorSum copy() {
    return new VectorSum(sum.clone(), weight, count, weightedCount);
  }

  /** The backing array, for codecs in this package only. */
  double[] backing() {
    return sum;
  }
}
