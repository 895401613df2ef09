package dev.kembed.topology.content;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.IndexOp;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.topology.internal.EmbedRequest;
import java.time.Instant;
import java.util.Locale;

/**
 * Maps the embedding stage's {@link ContentChange}s to the public output records: a {@link
 * ContentEmbedding} (null, a tombstone, on delete) and an {@link IndexUpdate} (UPSERT with the
 * vector, or DELETE). The ANN index of an entity type is named after it: {@code posts}, {@code
 * comments}, {@code queries}.
 */
public final class ContentOutputs {
  private ContentOutputs() {}

  /** The content-embeddings value: the embedding on upsert, null (tombstone) on delete. */
  public static ContentEmbedding embedding(ContentChange c) {
    if (c.kind() != ContentChange.Kind.UPSERT) {
      return null;
    }
    EmbedRequest r = c.request();
    return ContentEmbedding.newBuilder()
        .setEntityId(r.getEntityId())
        .setEntityType(EntityType.valueOf(r.getEntityType()))
        .setAuthorId(r.getAuthorId())
        .setParentId(r.getParentId())
        .setModelId(c.modelId())
        .setVector(Vectors.toList(c.vector()))
        .setContentHash(r.getContentHash())
        .setEventTime(Instant.ofEpochMilli(r.getEventTime()))
        .build();
  }

  /** Name of the ANN index an entity type belongs to. */
  public static String indexName(String entityType) {
    return "QUERY".equals(entityType) ? "queries" : entityType.toLowerCase(Locale.ROOT) + "s";
  }

  /** The index-updates key: {@code index|entityId}. */
  public static String indexKey(ContentChange c) {
    return indexName(c.request().getEntityType()) + "|" + c.request().getEntityId();
  }

  /** UPSERT with the vector, or DELETE. */
  public static IndexUpdate indexUpdate(ContentChange c) {
    EmbedRequest r = c.request();
    boolean upsert = c.kind() == ContentChange.Kind.UPSERT;
    return IndexUpdate.newBuilder()
        .setIndex(indexName(r.getEntityType()))
        .setEntityId(r.getEntityId())
        .setOp(upsert ? IndexOp.UPSERT : IndexOp.DELETE)
        .setModelId(c.modelId())
        .setVector(upsert ? Vectors.toList(c.vector()) : null)
        .setEventTime(Instant.ofEpochMilli(r.getEventTime()))
        .build();
  }
}
