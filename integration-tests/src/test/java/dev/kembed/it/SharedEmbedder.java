package dev.kembed.it;

import dev.kembed.inference.Embedder;
import dev.kembed.inference.OnnxEmbedder;

/**
 * One real embedder (the default int8 MiniLM, batch-invariant by running one text per call) for
 * every test class in the JVM: loading the model costs a second, and an embedder is thread-safe.
 */
final class SharedEmbedder {
  private static Embedder instance;

  private SharedEmbedder() {}

  static synchronized Embedder get() {
    if (instance == null) {
      instance = OnnxEmbedder.create();
    }
    return instance;
  }

  /**
   * A view of the shared embedder whose close() does nothing, for code that closes what it is
   * given.
   */
  static Embedder unclosable() {
    Embedder e = get();
    return new Embedder() {
      @Override
      public dev.kembed.inference.ModelInfo model() {
        return e.model();
      }

      @Override
      public float[][] embed(java.util.List<String> texts) {
        return e.embed(texts);
      }

      @Override
      public void close() {}
    };
  }
}
