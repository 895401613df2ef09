package dev.kembed.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VectorMathTest {

  @Test
  void dotAndCosineByHand() {
    float[] a = {1, 2, 2};
    float[] b = {2, 0, 1};
    assertEquals(4.0, VectorMath.dot(a, b), 0);
    assertEquals(3.0, VectorMath.norm(a), 0);
    // cos = 4 / (3 * sqrt 5)
    assertEquals(4.0 / (3.0 * Math.sqrt(5)), VectorMath.cosine(a, b), 1e-12);
  }

  @Test
  void mixedPrecisionDotAndCosine() {
    double[] a = {0.6, 0.0};
    float[] b = {0.8f, 0.6f};
    assertEquals(0.48, VectorMath.dot(a, b), 1e-7);
    assertEquals(0.8, VectorMath.cosine(a, b), 1e-7);
    assertTrue(Double.isNaN(VectorMath.cosine(new double[] {0, 0}, b)));
    assertThrows(IllegalArgumentException.class, () -> VectorMath.dot(new double[3], b));
  }

  @Test
  void zeroVectorHasNoCosine() {
    assertTrue(Double.isNaN(VectorMath.cosine(new float[] {0, 0}, new float[] {1, 0})));
    assertNull(VectorMath.normalizedCopy(new double[] {0, 0}));
  }

  @Test
  void addScaledAndNormalize() {
    double[] acc = new double[2];
    VectorMath.addScaled(acc, new float[] {3, 0}, 2.0);
    VectorMath.addScaled(acc, new float[] {0, 4}, 2.0);
    assertArrayEquals(new double[] {6, 8}, acc, 0);
    assertArrayEquals(new float[] {0.6f, 0.8f}, VectorMath.normalizedCopy(acc), 1e-7f);
  }

  @Test
  void mismatchedDimensionsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> VectorMath.dot(new float[2], new float[3]));
  }

  @Test
  void finiteCheckCatchesNaNAndInfinity() {
    assertTrue(VectorMath.isFinite(new float[] {1, -2}));
    assertEquals(false, VectorMath.isFinite(new float[] {1, Float.NaN}));
    assertEquals(false, VectorMath.isFinite(new float[] {Float.POSITIVE_INFINITY}));
  }
}
