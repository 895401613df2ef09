package dev.kembed.state.window;

import dev.kembed.state.VectorMath;

/**
 * A user's vector for one window as of a time: the weighted sum of the embeddings of the events in
 * the window, their total weight and count. Consumers use {@link #normalized()}, the weighted mean
 * direction; the sum and weight are kept so windows can be combined or re-weighted downstream. An
 * empty window has count 0, a zero sum (of length 0 when the user has never been seen) and no
 * normalised vector. {@code sum} is a private copy; the record compares arrays by reference.
 *
 * @param window the window's configured name, e.g. {@code "P7D"}
 * @param windowMs the window length
 * @param sum the weighted sum of embeddings
 * @param totalWeight the sum of event weights
 * @param count the number of events
 * @param asOf the as-of time the window was evaluated at ({@link Long#MIN_VALUE} if never seen)
 */
public record WindowVector(
    String window, long windowMs, double[] sum, double totalWeight, long count, long asOf) {

  /** The unit-length weighted mean direction, or null when the window is empty or sums to zero. */
  public float[] normalized() {
    return count == 0 ? null : VectorMath.normalizedCopy(sum);
  }

  public boolean isEmpty() {
    return count == 0;
  }

  static WindowVector of(WindowSpec spec, VectorSum s, long asOf) {
    return new WindowVector(spec.name(), spec.lengthMs(), s.sumCopy(), s.weight(), s.count(), asOf);
  }

  /**
   * Like {@link #of}, but the vector takes {@code s}'s array instead of a copy: for a sum its
   * caller made for this call and never changes or hands on afterwards (every {@link TileStore}
   * copies on get and put), which saves a copy of 8 x dimension bytes per window read or changed.
   */
  static WindowVector owning(WindowSpec spec, VectorSum s, long asOf) {
    return new WindowVector(spec.name(), spec.lengthMs(), s.backing(), s.weight(), s.count(), asOf);
  }

  static WindowVector empty(WindowSpec spec, int dim, long asOf) {
    return new WindowVector(spec.name(), spec.lengthMs(), new double[dim], 0, 0, asOf);
  }
}
