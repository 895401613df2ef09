package dev.kembed.topology.content;

/**
 * Vectors an embedder already has without running its model, looked up by {@code content_hash}
 * (model id + cleaned text, see {@code ContentHash}). A backfill's embedder implements it with the
 * live {@code content-embeddings} topic as the cache, so the embedding processor can send a known
 * vector out at once instead of queueing its text for a batch: no buffer write, no changelog record
 * and tombstone, no hand-off to an inference thread. A vector returned here must be one the model
 * would return for that text: finite, unit-norm, of the model's dimension.
 */
public interface KnownVectors {

  /** The vector for this content hash (a copy the caller may keep), or null if not known. */
  float[] lookup(String contentHash);
}
