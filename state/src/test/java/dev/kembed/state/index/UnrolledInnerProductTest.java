package dev.kembed.state.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The unrolled distance equals a double-precision recomputation, for every tail length. */
class UnrolledInnerProductTest {

  @Test
  void matchesAPlainDoublePrecisionDotProductForLengthsAroundTheUnrollWidth() {
    Random r = new Random(3);
    for (int n : new int[] {1, 7, 8, 9, 15, 16, 17, 383, 384, 385}) {
      float[] u = new float[n];
      float[] v = new float[n];
      double expected = 0;
      for (int i = 0; i < n; i++) {
        u[i] = (float) r.nextGaussian();
        v[i] = (float) r.nextGaussian();
        expected += (double) u[i] * v[i];
      }
      assertEquals(
          expected, UnrolledInnerProduct.dot(u, v), 1e-4 * Math.max(1, Math.sqrt(n)), "n=" + n);
      assertEquals(
          1 - expected,
          UnrolledInnerProduct.INSTANCE.distance(u, v),
          1e-4 * Math.max(1, Math.sqrt(n)),
          "n=" + n);
    }
  }

  @Test
  void aUnitVectorIsAtDistanceZeroFromItself() {
    float[] u = {0.6f, 0.8f, 0, 0, 0, 0, 0, 0, 0};
    assertEquals(0f, UnrolledInnerProduct.INSTANCE.distance(u, u), 1e-6);
  }
}
