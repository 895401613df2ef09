package dev.kembed.state.index;

import dev.kembed.state.VectorMath;
import java.util.List;
import java.util.Random;

/** Seeded random unit vectors and a recall measure shared by the index tests. */
final class TestVectors {
  private TestVectors() {}

  static float[] randomUnit(Random random, int dimension) {
    float[] v = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return VectorMath.normalizedCopy(v);
  }

  static float[][] randomUnits(long seed, int count, int dimension) {
    Random random = new Random(seed);
    float[][] out = new float[count][];
    for (int i = 0; i < count; i++) {
      out[i] = randomUnit(random, dimension);
    }
    return out;
  }

  /** Fraction of the exact top-k ids that the approximate top-k also returned. */
  static double recall(List<Neighbour> approximate, List<Neighbour> exact) {
    long hits =
        exact.stream()
            .filter(e -> approximate.stream().anyMatch(a -> a.id().equals(e.id())))
            .count();
    return (double) hits / exact.size();
  }
}
