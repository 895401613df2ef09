package dev.kembed.topology.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kembed.schemas.vector.PackedVectors;
import dev.kembed.state.window.WindowVector;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Means into reused slots: the values are sum / weight, computed by hand here, each slot keeps its
 * array while the length stays, and two slots never share one.
 */
class MeanBuffersTest {
  private static WindowVector window(double weight, double... sum) {
    return new WindowVector("P7D", 7L * 86_400_000, sum, weight, 3, 0);
  }

  @Test
  void meansAreSumOverWeightInTheSlotsOwnArray() {
    MeanBuffers b = new MeanBuffers(2);
    double[] first = b.mean(window(4, 1, -2, 0.5), 0);
    assertArrayEquals(new double[] {0.25, -0.5, 0.125}, first);
    double[] other = b.mean(window(0.5, 3, 1, -1), 1);
    assertArrayEquals(new double[] {6, 2, -2}, other);
    assertNotSame(first, other);
    // Slot 0 again: the same array, now holding the new mean; slot 1 untouched.
    double[] again = b.mean(window(2, 2, 4, 6), 0);
    assertSame(first, again);
    assertArrayEquals(new double[] {1, 2, 3}, again);
    assertArrayEquals(new double[] {6, 2, -2}, other);
    // Another length: a new array for that slot.
    assertArrayEquals(new double[] {0.5}, b.mean(window(2, 1), 0));
    // Nothing to average: null, never zeros.
    assertNull(b.mean(window(0, 1, 2, 3), 0));
    assertNull(b.mean(new WindowVector("P7D", 1, new double[0], 0, 0, 0), 0));
    assertNull(b.mean(null, 0));
    // Exactly sum / weight, element by element (not a multiplication by 1 / weight).
    assertArrayEquals(
        new double[] {0.1 / 3, 0.2 / 3, 0.7 / 3}, b.mean(window(3, 0.1, 0.2, 0.7), 1), 0.0);
  }

  @Test
  void unpacksFloat64IntoTheSlot() {
    MeanBuffers b = new MeanBuffers(1);
    ByteBuffer packed = ByteBuffer.wrap(PackedVectors.pack(new double[] {0.1, -3e-300, 7}));
    double[] v = b.unpack(packed, 0);
    assertArrayEquals(new double[] {0.1, -3e-300, 7}, v);
    assertEquals(0, packed.position());
    assertSame(v, b.unpack(ByteBuffer.wrap(PackedVectors.pack(new double[] {1, 2, 3})), 0));
    assertArrayEquals(new double[] {1, 2, 3}, v);
    assertThrows(IllegalArgumentException.class, () -> b.unpack(ByteBuffer.allocate(12), 0));
  }
}
