package dev.kembed.state.index;

import com.github.jelmerk.hnswlib.core.DistanceFunction;

/**
 * Inner-product distance ({@code 1 - u·v}, cosine distance on unit vectors), the function HNSW
 * inserts and searches spend almost all their time in. When the JVM runs with {@code --add-modules
 * jdk.incubator.vector} (bin/kembed and the Docker image do) the dot product uses SIMD lanes
 * ({@link SimdDot}); otherwise a scalar loop with eight independent accumulators. hnswlib's own
 * {@code FLOAT_INNER_PRODUCT} sums into one variable, so every multiply-add waits for the previous
 * one (Java may not reorder float additions). Either way the sum is rounded in a different order
 * than a plain loop, so it can differ from it in the last bits; neighbour order at that scale is
 * noise anyway. The class name is kept because snapshots serialise the distance by class name.
 */
public final class UnrolledInnerProduct implements DistanceFunction<float[], Float> {
  private static final long serialVersionUID = 1L;

  /** The shared instance (it has no state). */
  public static final UnrolledInnerProduct INSTANCE = new UnrolledInnerProduct();

  @Override
  public Float distance(float[] u, float[] v) {
    return 1f - dot(u, v);
  }

  // Resolved once; a static final lets the JIT drop the branch.
  private static final boolean SIMD =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  /** Which dot product this JVM uses, for the start-up log and the benchmarks. */
  public static String implementation() {
    return SIMD
        ? SimdDot.describe()
        : "scalar, 8 accumulators (start the JVM with --add-modules"
            + " jdk.incubator.vector for SIMD)";
  }

  /** The dot product of two vectors of the same length. */
  public static float dot(float[] u, float[] v) {
    return SIMD ? SimdDot.dot(u, v) : scalarDot(u, v);
  }

  /** The scalar dot product with eight accumulators, used when the Vector API is absent. */
  public static float scalarDot(float[] u, float[] v) {
    int n = u.length;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int i = 0;
    for (int end = n - 7; i < end; i += 8) {
      s0 += u[i] * v[i];
      s1 += u[i + 1] * v[i + 1];
      s2 += u[i + 2] * v[i + 2];
      s3 += u[i + 3] * v[i + 3];
      s4 += u[i + 4] * v[i + 4];
      s5 += u[i + 5] * v[i + 5];
      s6 += u[i + 6] * v[i + 6];
      s7 += u[i + 7] * v[i + 7];
    }
    float s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    for (; i < n; i++) {
      s += u[i] * v[i];
    }
    return s;
  }
}
