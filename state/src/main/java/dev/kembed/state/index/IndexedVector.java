package dev.kembed.state.index;

import com.github.jelmerk.hnswlib.core.Item;

/**
 * The item hnswlib stores: an id, its unit vector and a write sequence number used as hnswlib's
 * item version. The version orders writes, so replaying logged writes onto a rebuilt index can
 * never let an older write win over a newer one.
 */
record IndexedVector(String id, float[] vector, long version) implements Item<String, float[]> {
  private static final long serialVersionUID = 1L;

  @Override
  public int dimensions() {
    return vector.length;
  }
}
