package dev.kembed.inference.projection;

import dev.kembed.inference.Embedder;
import dev.kembed.inference.ModelInfo;
import java.util.List;

/**
 * An {@link Embedder} whose vectors are another embedder's, reduced by a {@link Projection}
 * in-process, so the topology, its stores and its outputs simply see a smaller model. Its model id
 * is {@code <model id>+<projection id>}, e.g. {@code
 * all-minilm-l6-v2-q@afdb6f1a0e45.2bf87815+pca32@1a2b3c4d}.
 */
public final class ProjectingEmbedder implements Embedder, dev.kembed.inference.TruncationStats {
  private final Embedder delegate;
  private final Projection projection;
  private final ModelInfo info;

  /**
   * @throws IllegalArgumentException if the projection was fitted on another model's vectors
   */
  public ProjectingEmbedder(Embedder delegate, Projection projection) {
    ModelInfo m = delegate.model();
    if (!projection.sourceModelId().equals(m.id())) {
      throw new IllegalArgumentException(
          "projection "
              + projection.id()
              + " was fitted on vectors of "
              + projection.sourceModelId()
              + ", but the model is "
              + m.id()
              + "; fit it again for this model (kembed fit-projection)");
    }
    if (projection.inputDimension() != m.dimension()) {
      throw new IllegalArgumentException(
          "projection takes "
              + projection.inputDimension()
              + " dims, model makes "
              + m.dimension());
    }
    this.delegate = delegate;
    this.projection = projection;
    this.info =
        new ModelInfo(
            m.id() + "+" + projection.id(), projection.k(), m.maxTokens(), m.batchInvariant());
  }

  @Override
  public ModelInfo model() {
    return info;
  }

  @Override
  public float[][] embed(List<String> texts) {
    float[][] full = delegate.embed(texts);
    float[][] out = new float[full.length][];
    for (int i = 0; i < full.length; i++) {
      out[i] = projection.apply(full[i]);
    }
    return out;
  }

  @Override
  public long textsTokenized() {
    return delegate instanceof dev.kembed.inference.TruncationStats t ? t.textsTokenized() : 0;
  }

  @Override
  public long textsTruncated() {
    return delegate instanceof dev.kembed.inference.TruncationStats t ? t.textsTruncated() : 0;
  }

  @Override
  public void close() {
    delegate.close();
  }
}
