package dev.kembed.schemas.vector;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A read-only {@code List<Float>} view of a {@code float[]}, for the {@code array<float>} fields
 * that Avro generates as lists. Nothing is copied or boxed when it is made, and kembed's codec
 * ({@link dev.kembed.schemas.serde.SingleObjectCodec}) writes it straight from the array; any other
 * Avro writer sees an ordinary list and writes the same bytes.
 */
public final class FloatList extends AbstractList<Float> implements RandomAccess {
  private final float[] values;

  private FloatList(float[] values) {
    this.values = values;
  }

  public static FloatList of(float[] values) {
    return new FloatList(values);
  }

  /** The backing array itself, not a copy. */
  public float[] values() {
    return values;
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
