package dev.kembed.schemas.vector;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Vectors as packed little-endian bytes instead of Avro {@code array<float>} (which boxes every
 * element on both ends). Three encodings: {@code float32} (4 bytes a dimension, exact), {@code
 * float16} (IEEE 754 half precision, 2 bytes, round to nearest even) and {@code int8} (a float32
 * scale then one signed byte a dimension: {@code x ≈ q × scale}, {@code scale = max|x| / 127}). The
 * length of a vector follows from the byte count, so only the encoding travels beside it.
 */
public final class PackedVectors {
  private PackedVectors() {}

  /** How a vector is packed. */
  public enum Encoding {
    FLOAT32,
    FLOAT16,
    INT8;

    /** Bytes a vector of {@code dimension} takes. */
    public int bytes(int dimension) {
      return switch (this) {
        case FLOAT32 -> 4 * dimension;
        case FLOAT16 -> 2 * dimension;
        case INT8 -> 4 + dimension;
      };
    }

    /** Dimension of a vector packed in {@code bytes} bytes; fails if no dimension fits. */
    public int dimension(int bytes) {
      int d =
          switch (this) {
            case FLOAT32 -> bytes / 4;
            case FLOAT16 -> bytes / 2;
            case INT8 -> bytes - 4;
          };
      if (d < 0 || bytes(d) != bytes) {
        throw new IllegalArgumentException(bytes + " bytes are not a whole " + this + " vector");
      }
      return d;
    }
  }

  /** float32, little-endian. */
  public static byte[] pack(float[] v) {
    return pack(v, Encoding.FLOAT32);
  }

  /** A float32 vector of the bytes' length (a whole number of floats, little-endian). */
  public static float[] unpack(byte[] bytes) {
    return unpack(ByteBuffer.wrap(bytes), Encoding.FLOAT32);
  }

  /** Packs a vector in the given encoding. */
  public static byte[] pack(float[] v, Encoding encoding) {
    ByteBuffer b = ByteBuffer.allocate(encoding.bytes(v.length)).order(ByteOrder.LITTLE_ENDIAN);
    switch (encoding) {
      // One bulk copy (a plain memory copy on a little-endian machine), not a call per element.
      case FLOAT32 -> b.asFloatBuffer().put(v);
      case FLOAT16 -> {
        for (float x : v) {
          b.putShort(toHalf(x));
        }
      }
      case INT8 -> {
        float max = 0;
        for (float x : v) {
          max = Math.max(max, Math.abs(x));
        }
        float scale = max == 0 ? 0 : max / 127f;
        b.putFloat(scale);
        for (float x : v) {
          b.put(scale == 0 ? 0 : (byte) Math.max(-127, Math.min(127, Math.round(x / scale))));
        }
      }
    }
    return b.array();
  }

  /**
   * Unpacks the remaining bytes of {@code packed} (its position is not moved).
   *
   * @throws IllegalArgumentException if the byte count is not a whole vector of that encoding
   */
  public static float[] unpack(ByteBuffer packed, Encoding encoding) {
    ByteBuffer b = packed.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[encoding.dimension(b.remaining())];
    switch (encoding) {
      case FLOAT32 -> b.asFloatBuffer().get(v);
      case FLOAT16 -> {
        for (int i = 0; i < v.length; i++) {
          v[i] = fromHalf(b.getShort());
        }
      }
      case INT8 -> {
        float scale = b.getFloat();
        for (int i = 0; i < v.length; i++) {
          v[i] = b.get() * scale;
        }
      }
    }
    return v;
  }

  /**
   * Little-endian float64 packing of a double vector (e.g. a weighted mean): exact, so features
   * computed from it equal the ones computed before the hop (point-in-time consistency to 1e-9).
   */
  public static byte[] pack(double[] v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(v);
    return b.array();
  }

  /** A vector packed by {@link #pack(double[])}. */
  public static double[] unpackDoubles(ByteBuffer packed) {
    return unpackDoubles(packed, null);
  }

  /**
   * A vector packed by {@link #pack(double[])}, unpacked into {@code reuse} when that has its
   * length (and returned), otherwise into a new array.
   */
  public static double[] unpackDoubles(ByteBuffer packed, double[] reuse) {
    ByteBuffer b = packed.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (b.remaining() % 8 != 0) {
      throw new IllegalArgumentException(b.remaining() + " bytes is not a float64 vector");
    }
    int n = b.remaining() / 8;
    double[] v = reuse != null && reuse.length == n ? reuse : new double[n];
    b.asDoubleBuffer().get(v);
    return v;
  }

  /** IEEE 754 binary16 bits of a float, rounded to nearest even; overflow to infinity, NaN kept. */
  static short toHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign; // below half the smallest subnormal: signed zero
      }
      mant |= 0x800000; // implicit leading one
      int shift = 14 - e;
      int half = mant >>> shift;
      int rem = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, and up to infinity, which is the right rounding
    }
    return (short) (sign | half);
  }

  /** The float a binary16 bit pattern stands for. */
  static float fromHalf(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f; // subnormal: mant × 2^-24
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }
}
