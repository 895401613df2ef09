package dev.kembed.topology.features;

import dev.kembed.schemas.vector.PackedVectors;
import dev.kembed.state.window.WindowVector;
import java.nio.ByteBuffer;

/**
 * Reusable arrays for the weighted means a feature row is computed from. Every exposure takes six
 * means on the viewer's side and three on the author's (3 KB each at 384 dimensions), used only
 * while its row is built, so a processor keeps one array per slot instead of allocating each (each
 * element is sum / total weight). A mean is valid until its slot is used again. Not thread-safe:
 * one per processor, which one stream thread runs.
 */
public final class MeanBuffers {
  private final double[][] slots;

  public MeanBuffers(int slots) {
    this.slots = new double[slots][];
  }

  /** The weighted mean of {@code v} in slot {@code slot}, or null when it is empty or weighs 0. */
  public double[] mean(WindowVector v, int slot) {
    if (v == null || v.isEmpty() || v.totalWeight() == 0) {
      return null;
    }
    double[] sum = v.sum();
    double[] m = buffer(slot, sum.length);
    double w = v.totalWeight();
    for (int k = 0; k < m.length; k++) {
      m[k] = sum[k] / w;
    }
    return m;
  }

  /** A vector packed by {@link PackedVectors#pack(double[])}, unpacked into slot {@code slot}. */
  public double[] unpack(ByteBuffer packed, int slot) {
    double[] v = PackedVectors.unpackDoubles(packed, slots[slot]);
    slots[slot] = v;
    return v;
  }

  private double[] buffer(int slot, int length) {
    double[] m = slots[slot];
    if (m == null || m.length != length) {
      m = new double[length];
      slots[slot] = m;
    }
    return m;
  }
}
