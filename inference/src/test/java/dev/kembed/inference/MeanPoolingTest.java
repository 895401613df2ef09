package dev.kembed.inference;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class MeanPoolingTest {

  @Test
  void averagesOnlyRealTokensThenNormalises() {
    // two rows, padded length 3, dimension 2; row 0 has 2 real tokens, row 1 has 3
    FloatBuffer tokens =
        FloatBuffer.wrap(
            new float[] {
              1, 0, 3, 0, 100, 100, // the third position of row 0 is padding and must be ignored
              0, 1, 0, 2, 0, 3
            });
    float[][] v = MeanPooling.pool(tokens, new int[] {2, 3}, 3, 2);
    assertArrayEquals(new float[] {1, 0}, v[0], 1e-7f);
    assertArrayEquals(new float[] {0, 1}, v[1], 1e-7f);
  }

  @Test
  void directionOfTheMeanIsKept() {
    FloatBuffer tokens = FloatBuffer.wrap(new float[] {3, 0, 0, 4});
    float[][] v = MeanPooling.pool(tokens, new int[] {2}, 2, 2);
    assertArrayEquals(new float[] {0.6f, 0.8f}, v[0], 1e-6f);
  }

  @Test
  void zeroVectorIsAModelFailure() {
    FloatBuffer tokens = FloatBuffer.wrap(new float[] {0, 0});
    assertThrows(EmbeddingException.class, () -> MeanPooling.pool(tokens, new int[] {1}, 1, 2));
  }
}
