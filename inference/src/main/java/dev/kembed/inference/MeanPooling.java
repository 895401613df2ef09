package dev.kembed.inference;

import java.nio.FloatBuffer;

/**
 * Sentence vectors from token vectors, as sentence-transformers computes them: the mean of the
 * token vectors under the attention mask, then scaled to unit length. Sums are kept in double so a
 * text's vector does not drift with its padding.
 */
final class MeanPooling {

  private MeanPooling() {}

  /**
   * @param tokens row-major {@code [rows, paddedLength, dimension]} model output
   * @param lengths real tokens per row; positions at or beyond it are padding
   */
  static float[][] pool(FloatBuffer tokens, int[] lengths, int paddedLength, int dimension) {
    float[][] out = new float[lengths.length][];
    double[] sum = new double[dimension];
    for (int r = 0; r < lengths.length; r++) {
      java.util.Arrays.fill(sum, 0);
      int base = r * paddedLength * dimension;
      for (int t = 0; t < lengths[r]; t++) {
        int offset = base + t * dimension;
        for (int d = 0; d < dimension; d++) {
          sum[d] += tokens.get(offset + d);
        }
      }
      out[r] = normalize(sum, r);
    }
    return out;
  }

  /**
   * Normalises already-pooled rows ({@code [rows, dimension]}, e.g. a sentence_embedding output).
   */
  static float[][] normalizeRows(FloatBuffer pooled, int rows, int dimension) {
    float[][] out = new float[rows][];
    double[] row = new double[dimension];
    for (int r = 0; r < rows; r++) {
      for (int d = 0; d < dimension; d++) {
        row[d] = pooled.get(r * dimension + d);
      }
      out[r] = normalize(row, r);
    }
    return out;
  }

  /** Dividing by the token count is skipped: it cancels out in the normalisation. */
  private static float[] normalize(double[] v, int row) {
    double squares = 0;
    for (double x : v) {
      squares += x * x;
    }
    double norm = Math.sqrt(squares);
    if (!(norm > 0) || Double.isInfinite(norm)) {
      throw new EmbeddingException(
          "model produced a zero or non-finite vector for row " + row, null);
    }
    float[] unit = new float[v.length];
    for (int d = 0; d < v.length; d++) {
      unit[d] = (float) (v[d] / norm);
    }
    return unit;
  }
}
