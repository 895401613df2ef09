package dev.kembed.state.window;

import java.nio.ByteBuffer;

/**
 * Binary values for tiles, window sums and meta. A {@link VectorSum} is {@code f64 weight, i64
 * count, i64 weightedCount, f64[dim] sum} (24 + 8·dim bytes; the dimension is implied by the
 * length); a meta record is {@code i64 asOf, i32 dim} (12 bytes). Big-endian, no version byte: the
 * store is private state, rebuilt from its changelog by the same code.
 */
public final class StateValueCodec {
  private static final int SUM_HEADER = 24;

  private StateValueCodec() {}

  public static byte[] encodeSum(VectorSum s) {
    double[] v = s.backing();
    ByteBuffer b = ByteBuffer.allocate(SUM_HEADER + 8 * v.length);
    b.putDouble(s.weight()).putLong(s.count()).putLong(s.weightedCount());
    b.asDoubleBuffer().put(v);
    return b.array();
  }

  public static VectorSum decodeSum(byte[] bytes) {
    if (bytes.length < SUM_HEADER || (bytes.length - SUM_HEADER) % 8 != 0) {
      throw new IllegalArgumentException("not a vector sum: " + bytes.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    double weight = b.getDouble();
    long count = b.getLong();
    long weightedCount = b.getLong();
    double[] v = new double[(bytes.length - SUM_HEADER) / 8];
    b.asDoubleBuffer().get(v);
    return new VectorSum(v, weight, count, weightedCount);
  }

  public static byte[] encodeMeta(TileStore.Meta meta) {
    return ByteBuffer.allocate(12).putLong(meta.asOf()).putInt(meta.dim()).array();
  }

  public static TileStore.Meta decodeMeta(byte[] bytes) {
    if (bytes.length != 12) {
      throw new IllegalArgumentException("not a meta record: " + bytes.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new TileStore.Meta(b.getLong(), b.getInt());
  }
}
