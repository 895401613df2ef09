package dev.kembed.topology.testing;

import dev.kembed.inference.Embedder;
import dev.kembed.inference.ModelInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * A 4-dimensional stand-in model for hand-computed tests: a text containing "alpha", "beta",
 * "gamma" or "delta" embeds as the first, second, third or fourth unit vector. Anything else is an
 * error, so a test cannot silently embed text it did not plan for. Records every call.
 */
public final class KeywordEmbedder implements Embedder {
  public static final float[] ALPHA = {1, 0, 0, 0};
  public static final float[] BETA = {0, 1, 0, 0};
  public static final float[] GAMMA = {0, 0, 1, 0};
  public static final float[] DELTA = {0, 0, 0, 1};
  public final List<String> texts = new ArrayList<>();

  @Override
  public ModelInfo model() {
    return new ModelInfo("keywords@1", 4, 64, true);
  }

  @Override
  public synchronized float[][] embed(List<String> batch) {
    texts.addAll(batch);
    float[][] out = new float[batch.size()][];
    for (int i = 0; i < out.length; i++) {
      String t = batch.get(i).toLowerCase();
      out[i] =
          t.contains("alpha")
              ? ALPHA.clone()
              : t.contains("beta")
                  ? BETA.clone()
                  : t.contains("gamma")
                      ? GAMMA.clone()
                      : t.contains("delta") ? DELTA.clone() : null;
      if (out[i] == null) {
        throw new IllegalArgumentException(
            "KeywordEmbedder has no vector for '" + batch.get(i) + "'");
      }
    }
    return out;
  }

  @Override
  public void close() {}
}
