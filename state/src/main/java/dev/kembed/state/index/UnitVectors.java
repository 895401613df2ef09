package dev.kembed.state.index;

import dev.kembed.state.VectorMath;

/**
 * Validation and normalisation of vectors on their way into an index or a query. Both index
 * implementations compare unit vectors with a plain dot product, so everything that enters them
 * passes through here exactly once.
 */
final class UnitVectors {
  private UnitVectors() {}

  /** A unit-length copy of {@code v}, or IllegalArgumentException if it cannot be one. */
  static float[] unitCopy(float[] v, int dimension) {
    if (v == null) {
      throw new IllegalArgumentException("vector is null");
    }
    if (v.length != dimension) {
      throw new IllegalArgumentException(
          "vector has dimension " + v.length + ", index expects " + dimension);
    }
    if (!VectorMath.isFinite(v)) {
      throw new IllegalArgumentException("vector has a NaN or infinite component");
    }
    float[] unit = VectorMath.normalizedCopy(v);
    if (unit == null) {
      throw new IllegalArgumentException("vector has zero norm; it has no direction to compare");
    }
    return unit;
  }

  static void requirePositiveK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, was " + k);
    }
  }
}
