package dev.kembed.inference;

import java.util.List;

/**
 * Turns texts into L2-normalised vectors with one sentence-embedding model. Implementations are
 * thread-safe and batch-invariant: a text's vector never depends on which other texts share its
 * call, which is what lets a replay reproduce the live stream's vectors.
 */
public interface Embedder extends AutoCloseable {

  /**
   * The model behind this embedder: its id (with a hash of the model file), dimension and limits.
   */
  ModelInfo model();

  /**
   * Embeds each text; the result has one unit-norm vector of {@link ModelInfo#dimension()} floats
   * per input, in input order.
   *
   * @throws InvalidTextException if a text is null, empty or whitespace-only (names its index)
   * @throws EmbeddingException if the model fails; callers may retry texts one by one to isolate it
   */
  float[][] embed(List<String> texts);

  /** Embeds a single text. */
  default float[] embed(String text) {
    return embed(List.of(text))[0];
  }

  @Override
  void close();
}
