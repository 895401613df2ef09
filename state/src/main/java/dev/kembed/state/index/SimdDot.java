package dev.kembed.state.index;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dot product through the JDK Vector API: fused multiply-adds over the widest float lanes the
 * CPU offers (16 with AVX-512, 8 with AVX2), two accumulators so consecutive FMAs do not wait on
 * each other. Loaded only when the JVM was started with {@code --add-modules jdk.incubator.vector}
 * (see {@link UnrolledInnerProduct#implementation()}); referencing it otherwise would fail with
 * {@link NoClassDefFoundError}.
 */
final class SimdDot {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  private SimdDot() {}

  static String describe() {
    return "Vector API, " + SPECIES.length() + " float lanes";
  }

  static float dot(float[] u, float[] v) {
    int n = u.length;
    int step = SPECIES.length();
    FloatVector a0 = FloatVector.zero(SPECIES);
    FloatVector a1 = FloatVector.zero(SPECIES);
    int i = 0;
    for (int end = n - 2 * step; i <= end; i += 2 * step) {
      a0 = FloatVector.fromArray(SPECIES, u, i).fma(FloatVector.fromArray(SPECIES, v, i), a0);
      a1 =
          FloatVector.fromArray(SPECIES, u, i + step)
              .fma(FloatVector.fromArray(SPECIES, v, i + step), a1);
    }
    float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s += u[i] * v[i];
    }
    return s;
  }
}
