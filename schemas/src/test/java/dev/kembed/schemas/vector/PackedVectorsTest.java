package dev.kembed.schemas.vector;

import static org.junit.jupiter.api.Assertions.*;

import dev.kembed.schemas.vector.PackedVectors.Encoding;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The packed encodings against hand-computed bytes and an independent error bound. */
class PackedVectorsTest {

  @Test
  void float32IsLittleEndianIeee() {
    byte[] b = PackedVectors.pack(new float[] {1.0f, -2.5f});
    // 1.0f = 0x3F800000, -2.5f = 0xC0200000, least significant byte first.
    assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0x20, (byte) 0xc0}, b);
    assertArrayEquals(new float[] {1.0f, -2.5f}, PackedVectors.unpack(b));
  }

  @Test
  void float16MatchesKnownBitPatterns() {
    assertEquals((short) 0x3c00, PackedVectors.toHalf(1.0f));
    assertEquals((short) 0xc000, PackedVectors.toHalf(-2.0f));
    assertEquals((short) 0x7bff, PackedVectors.toHalf(65504f)); // largest finite half
    assertEquals((short) 0x7c00, PackedVectors.toHalf(70000f)); // overflow
    assertEquals((short) 0x0001, PackedVectors.toHalf(0x1p-24f)); // smallest subnormal
    assertEquals((short) 0x3555, PackedVectors.toHalf(1f / 3)); // 0.333251953125
    // 1 + 2^-11 is exactly between 1 and the next half (1 + 2^-10): ties go to even (1.0).
    assertEquals((short) 0x3c00, PackedVectors.toHalf(1f + 0x1p-11f));
    assertEquals((short) 0x3c02, PackedVectors.toHalf(1f + 3 * 0x1p-11f));
    assertEquals(0.333251953125f, PackedVectors.fromHalf((short) 0x3555));
    assertEquals(-0x1p-24f, PackedVectors.fromHalf((short) 0x8001));
    assertTrue(Float.isNaN(PackedVectors.fromHalf(PackedVectors.toHalf(Float.NaN))));
  }

  @Test
  void float16RoundTripIsWithinHalfAnUlpForEveryHalfInRange() {
    Random r = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      float x = (float) (r.nextGaussian() * 0.1);
      float y = PackedVectors.fromHalf(PackedVectors.toHalf(x));
      // Half has 11 significant bits: relative error at most 2^-11 for normal numbers (|x| >=
      // 2^-14).
      if (Math.abs(x) >= 0x1p-14f) {
        assertTrue(Math.abs(x - y) <= Math.abs(x) * 0x1p-11, x + " -> " + y);
      } else {
        assertTrue(Math.abs(x - y) <= 0x1p-25, x + " -> " + y);
      }
    }
  }

  @Test
  void int8StoresScaleThenBytes() {
    byte[] b = PackedVectors.pack(new float[] {0.5f, -0.3f, 0f}, Encoding.INT8);
    assertEquals(7, b.length);
    float scale = ByteBuffer.wrap(b, 0, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat();
    assertEquals(0.5f / 127f, scale);
    assertEquals(127, b[4]);
    assertEquals(-76, b[5]); // -0.3 / (0.5 / 127) = -76.2
    assertEquals(0, b[6]);
    float[] back = PackedVectors.unpack(ByteBuffer.wrap(b), Encoding.INT8);
    assertEquals(0.5f, back[0], 1e-7);
    assertEquals(-0.3f, back[1], 0.5f / 127f / 2 + 1e-7);
    assertArrayEquals(
        new float[] {0, 0},
        PackedVectors.unpack(
            ByteBuffer.wrap(PackedVectors.pack(new float[] {0, 0}, Encoding.INT8)), Encoding.INT8));
  }

  @Test
  void sizesAndBadLengths() {
    assertEquals(1536, Encoding.FLOAT32.bytes(384));
    assertEquals(768, Encoding.FLOAT16.bytes(384));
    assertEquals(388, Encoding.INT8.bytes(384));
    assertThrows(IllegalArgumentException.class, () -> Encoding.FLOAT32.dimension(7));
    assertThrows(IllegalArgumentException.class, () -> Encoding.INT8.dimension(3));
    // Doubles travel exactly (0.1 and 1/3 are not floats), 8 bytes each.
    assertArrayEquals(
        new double[] {0.1, -1.0 / 3},
        PackedVectors.unpackDoubles(
            ByteBuffer.wrap(PackedVectors.pack(new double[] {0.1, -1.0 / 3}))));
    assertEquals(16, PackedVectors.pack(new double[] {0.1, 0.2}).length);
  }

  @Test
  void float64IsLittleEndianIeeeAndReadFromTheBuffersPosition() {
    // 1.0 = 0x3FF0000000000000, -2.0 = 0xC000000000000000, least significant byte first.
    byte[] b = PackedVectors.pack(new double[] {1.0, -2.0});
    assertArrayEquals(
        new byte[] {0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, (byte) 0xc0}, b);
    // A buffer that starts inside a larger array (as a decoded record's bytes field may), left
    // where it was.
    byte[] framed = new byte[3 + b.length];
    System.arraycopy(b, 0, framed, 3, b.length);
    ByteBuffer inside = ByteBuffer.wrap(framed, 3, b.length);
    assertArrayEquals(new double[] {1.0, -2.0}, PackedVectors.unpackDoubles(inside));
    assertEquals(3, inside.position());
    assertThrows(
        IllegalArgumentException.class,
        () -> PackedVectors.unpackDoubles(ByteBuffer.wrap(new byte[12])));
  }
}
