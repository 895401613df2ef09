package dev.kembed.topology.expansion;

import dev.kembed.schemas.ContentEmbedding;

/**
 * One record of the {@code content-embeddings} topic as the index feeder sees it: where it sits
 * (partition, offset), its key (the entity id) and its decoded value, null for a tombstone (the
 * entity was deleted).
 */
public record EmbeddingRecord(int partition, long offset, String key, ContentEmbedding value) {

  public boolean isTombstone() {
    return value == null;
  }
}
