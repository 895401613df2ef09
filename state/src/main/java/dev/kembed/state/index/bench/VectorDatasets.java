package dev.kembed.state.index.bench;

import dev.kembed.state.VectorMath;
import java.util.Random;

/**
 * Synthetic unit vectors for the index benchmark. Uniformly random directions are the worst case
 * for any graph index (no structure to exploit); clustered vectors (random centres plus Gaussian
 * noise, normalised) stand in for real text embeddings, which concentrate around topics. Queries
 * are drawn from the same distribution as the data but are not data points.
 */
final class VectorDatasets {
  private VectorDatasets() {}

  /** A generator of vectors from one distribution; {@code next} is not thread-safe. */
  interface Source {
    float[] next();
  }

  static Source random(long seed, int dimension) {
    Random random = new Random(seed);
    return () -> gaussianUnit(random, dimension);
  }

  /**
   * Vectors around {@code clusters} random unit centres; {@code noise} is the per-component
   * standard deviation (0.05 at 384 dimensions puts a point at cosine ~0.7 from its centre).
   */
  static Source clustered(long seed, int dimension, int clusters, double noise) {
    Random random = new Random(seed);
    float[][] centres = new float[clusters][];
    for (int c = 0; c < clusters; c++) {
      centres[c] = gaussianUnit(random, dimension);
    }
    return () -> {
      float[] centre = centres[random.nextInt(clusters)];
      float[] v = new float[dimension];
      for (int i = 0; i < dimension; i++) {
        v[i] = (float) (centre[i] + noise * random.nextGaussian());
      }
      return VectorMath.normalizedCopy(v);
    };
  }

  static float[][] take(Source source, int count) {
    float[][] out = new float[count][];
    for (int i = 0; i < count; i++) {
      out[i] = source.next();
    }
    return out;
  }

  private static float[] gaussianUnit(Random random, int dimension) {
    float[] v = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return VectorMath.normalizedCopy(v);
  }
}
