package dev.kembed.inference;

/** Test helpers over float vectors. */
final class Vectors {
  private Vectors() {}

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  static double cosine(float[] a, float[] b) {
    return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
  }

  static double norm(float[] a) {
    return Math.sqrt(dot(a, a));
  }

  static boolean allFinite(float[] a) {
    for (float x : a) {
      if (!Float.isFinite(x)) {
        return false;
      }
    }
    return true;
  }
}
