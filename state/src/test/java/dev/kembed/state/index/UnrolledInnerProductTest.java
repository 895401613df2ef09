package dev.kembed.state.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both dot products (SIMD when the module is present, as in this module's test JVM, and the scalar
 * fallback) equal a double-precision recomputation for every tail length.
 */
class UnrolledInnerProductTest {

  @Test
  void matchesAPlainDoublePrecisionDotProductForLengthsAroundTheUnrollWidth() {
    Random r = new Random(3);
    for (int n : new int[] {0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 383, 384, 385}) {
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
          expected,
          UnrolledInnerProduct.scalarDot(u, v),
          1e-4 * Math.max(1, Math.sqrt(n)),
          "n=" + n);
      assertEquals(
          1 - expected,
          UnrolledInnerProduct.INSTANCE.distance(u, v),
          1e-4 * Math.max(1, Math.sqrt(n)),
          "n=" + n);
    }
  }

  @Test
  void thisModulesTestsRunTheSimdPath() {
    // surefire starts the JVM with --add-modules jdk.incubator.vector (state/pom.xml), so the test
    // above checked SimdDot; without this the fallback could silently be the only path tested.
    assertTrue(
        UnrolledInnerProduct.implementation().startsWith("Vector API"),
        UnrolledInnerProduct.implementation());
  }

  @Test
  void aUnitVectorIsAtDistanceZeroFromItself() {
    float[] u = {0.6f, 0.8f, 0, 0, 0, 0, 0, 0, 0};
    assertEquals(0f, UnrolledInnerProduct.INSTANCE.distance(u, u), 1e-6);
  }
}
