package dev.kembed.topology.content;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * Converts between the {@code float[]} the model and the math use and the {@code List<Float>} Avro
 * generates for {@code array<float>}, without copying on the way out.
 */
public final class Vectors {
  private Vectors() {}

  /** A read-only list view of the array. */
  public static List<Float> toList(float[] v) {
    return new FloatListView(v);
  }

  /** The floats of an Avro array (unwraps a view made by {@link #toList} without copying). */
  public static float[] toArray(List<Float> list) {
    if (list instanceof FloatListView view) {
      return view.values;
    }
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }

  private static final class FloatListView extends AbstractList<Float> implements RandomAccess {
    private final float[] values;

    FloatListView(float[] values) {
      this.values = values;
    }

    @Override
    public Float get(int index) {
      return values[index];
    }

    @Override
    public int size() {
      return values.length;
    }
  }
}
