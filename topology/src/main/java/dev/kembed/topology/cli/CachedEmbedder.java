package dev.kembed.topology.cli;

import dev.kembed.inference.Embedder;
import dev.kembed.inference.ModelInfo;
import dev.kembed.state.VectorMath;
import dev.kembed.topology.content.KnownVectors;
import dev.kembed.topology.text.ContentHash;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link Embedder} that first looks a text up in vectors already computed by the same model,
 * keyed by {@link ContentHash} (model id + cleaned text, exactly the {@code content_hash} of a
 * {@code content-embeddings} record), and runs the model only for the rest. A backfill fills the
 * cache from the live {@code content-embeddings} topic, so replaying history under a new
 * application id re-embeds only what is new, and the vectors it reuses are bit-for-bit the live
 * ones. As {@link KnownVectors} it also answers by content hash, so the embedding processor sends a
 * cached vector out without queueing its text for a batch. Only vectors of the model's dimension
 * with finite components are used; any other entry is a miss (the text is embedded again).
 */
public final class CachedEmbedder implements Embedder, KnownVectors {
  private final Embedder delegate;
  private final Map<String, float[]> byHash;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  public CachedEmbedder(Embedder delegate, Map<String, float[]> byHash) {
    this.delegate = delegate;
    this.byHash = byHash;
  }

  @Override
  public float[] lookup(String contentHash) {
    float[] cached = usable(byHash.get(contentHash));
    if (cached == null) {
      return null;
    }
    hits.incrementAndGet();
    return cached.clone();
  }

  // The cache is read from a topic any producer can write to: a vector that is not the model's
  // shape must never stand in for the model's own.
  private float[] usable(float[] v) {
    return v != null && v.length == delegate.model().dimension() && VectorMath.isFinite(v)
        ? v
        : null;
  }

  @Override
  public ModelInfo model() {
    return delegate.model();
  }

  @Override
  public float[][] embed(List<String> texts) {
    float[][] out = new float[texts.size()][];
    List<Integer> missing = new ArrayList<>();
    String model = delegate.model().id();
    for (int i = 0; i < out.length; i++) {
      String text = texts.get(i);
      float[] cached = text == null ? null : usable(byHash.get(ContentHash.of(model, text)));
      if (cached != null) {
        out[i] = cached.clone();
      } else {
        missing.add(i);
      }
    }
    hits.addAndGet(out.length - missing.size());
    if (!missing.isEmpty()) {
      misses.addAndGet(missing.size());
      List<String> rest = new ArrayList<>(missing.size());
      missing.forEach(i -> rest.add(texts.get(i)));
      float[][] computed = delegate.embed(rest);
      for (int j = 0; j < computed.length; j++) {
        out[missing.get(j)] = computed[j];
      }
    }
    return out;
  }

  /** Texts answered from the cache. */
  public long hits() {
    return hits.get();
  }

  /** Texts the model had to embed. */
  public long misses() {
    return misses.get();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
