package dev.kembed.topology.content;

import dev.kembed.schemas.vector.FloatList;
import java.util.List;

/**
 * Converts between the {@code float[]} the model and the math use and the {@code List<Float>} Avro
 * generates for {@code array<float>}, without copying on the way out ({@link FloatList}, which
 * kembed's codec also writes without boxing).
 */
public final class Vectors {
  private Vectors() {}

  /** A read-only list view of the array. */
  public static List<Float> toList(float[] v) {
    return FloatList.of(v);
  }

  /** The floats of an Avro array (unwraps a view made by {@link #toList} without copying). */
  public static float[] toArray(List<Float> list) {
    if (list instanceof FloatList floats) {
      return floats.values();
    }
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }
}
