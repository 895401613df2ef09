package dev.kembed.topology.content;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.InteractionEvent;

/**
 * What the entity join sees, keyed by entity id: the entity's own embedding or its deletion, a
 * comment waiting for this post's embedding, or an interaction with this entity. In-memory only:
 * each kind reaches the join through its own repartition topic and is wrapped after it.
 */
public record EntityEvent(Kind kind, ContentEmbedding embedding, InteractionEvent interaction) {

  /** The four kinds. */
  public enum Kind {
    EMBEDDING,
    DELETE,
    COMMENT_FOR_PARENT,
    INTERACTION
  }

  /**
   * Classifies a record of the embeddings-by-entity topic: null is a delete of the key; an
   * embedding of another entity is a comment sent to its parent's key; else the entity itself.
   */
  public static EntityEvent fromEmbeddingTopic(String key, ContentEmbedding e) {
    if (e == null) {
      return new EntityEvent(Kind.DELETE, null, null);
    }
    return new EntityEvent(
        key.equals(e.getEntityId()) ? Kind.EMBEDDING : Kind.COMMENT_FOR_PARENT, e, null);
  }

  public static EntityEvent interaction(InteractionEvent i) {
    return new EntityEvent(Kind.INTERACTION, null, i);
  }
}
