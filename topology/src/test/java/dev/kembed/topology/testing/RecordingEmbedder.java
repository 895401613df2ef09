package dev.kembed.topology.testing;

import dev.kembed.inference.Embedder;
import dev.kembed.inference.EmbeddingException;
import dev.kembed.inference.ModelInfo;
import dev.kembed.inference.OnnxEmbedder;
import java.util.ArrayList;
import java.util.List;

/**
 * Test double around the real model: records every call's batch size and texts, and fails any batch
 * containing a text with the poison marker, so tests can count inference calls and force a model
 * failure on exactly one record.
 */
public final class RecordingEmbedder implements Embedder {
  public static final String POISON = "POISON-PILL";
  private static OnnxEmbedder shared;

  private final Embedder inner;
  public final List<Integer> batchSizes = new ArrayList<>();
  public final List<String> texts = new ArrayList<>();

  public RecordingEmbedder(Embedder inner) {
    this.inner = inner;
  }

  /** The default int8 model, loaded once per JVM (loading takes a second or two). */
  public static synchronized RecordingEmbedder overDefaultModel() {
    if (shared == null) {
      shared = OnnxEmbedder.create();
    }
    return new RecordingEmbedder(shared);
  }

  @Override
  public ModelInfo model() {
    return inner.model();
  }

  @Override
  public synchronized float[][] embed(List<String> batch) {
    batchSizes.add(batch.size());
    texts.addAll(batch);
    if (batch.stream().anyMatch(t -> t.contains(POISON))) {
      throw new EmbeddingException("simulated model failure on " + POISON, null);
    }
    return inner.embed(batch);
  }

  /** Embeds without recording: the reference vector a test compares with. */
  public float[] reference(String text) {
    return inner.embed(List.of(text))[0];
  }

  public int textsEmbedded() {
    return texts.size();
  }

  @Override
  public void close() {
    // the shared model stays open for the other tests in this JVM
  }
}
