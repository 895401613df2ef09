package dev.kembed.it;

import dev.kembed.state.VectorMath;
import java.util.List;

/** Vector helpers for assertions on Avro {@code array<float>} fields. */
final class Vectors {
  private Vectors() {}

  static float[] of(List<Float> v) {
    float[] a = new float[v.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = v.get(i);
    }
    return a;
  }

  static double cosine(List<Float> a, float[] b) {
    return VectorMath.cosine(of(a), b);
  }

  static double cosine(List<Float> a, List<Float> b) {
    return VectorMath.cosine(of(a), of(b));
  }
}
