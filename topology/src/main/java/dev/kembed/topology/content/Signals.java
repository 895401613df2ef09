package dev.kembed.topology.content;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.vector.PackedVectors;
import dev.kembed.topology.internal.EmbedRequest;
import dev.kembed.topology.internal.UserSignal;
import java.nio.ByteBuffer;

/**
 * Builds the {@link UserSignal}s that move user vectors: an interaction joined with its target's
 * embedding, a user's own new post or comment (CREATE / COMMENT on itself), a search query with its
 * embedding. Pure: no Kafka. The vector travels packed (little-endian float32); read it with {@link
 * #vector(UserSignal)}.
 */
public final class Signals {
  public static final String ENGAGEMENT = "ENGAGEMENT";
  public static final String SEARCH_INTENT = "SEARCH_INTENT";

  private Signals() {}

  /** An interaction with a target whose embedding is known. */
  public static UserSignal interaction(
      InteractionEvent i,
      ContentEmbedding target,
      boolean exposure,
      String srcTopic,
      int srcPartition,
      long srcOffset,
      byte[] srcValue) {
    return UserSignal.newBuilder()
        .setUserId(i.getUserId())
        .setKind(ENGAGEMENT)
        .setEventType(i.getInteractionType().name())
        .setTargetId(i.getTargetId())
        .setTargetType(target.getEntityType().name())
        .setTargetAuthorId(target.getAuthorId())
        .setSurface(i.getSurface().name())
        .setExposure(exposure)
        .setEventTime(i.getEventTime().toEpochMilli())
        .setModelId(target.getModelId())
        .setPackedVector(packed(Vectors.toArray(target.getVector())))
        .setSourceTopic(srcTopic)
        .setSourcePartition(srcPartition)
        .setSourceOffset(srcOffset)
        .setSourceValue(srcValue == null ? null : ByteBuffer.wrap(srcValue))
        .build();
  }

  /** The author's own new post (CREATE) or comment (COMMENT). */
  public static UserSignal authored(ContentChange c) {
    EmbedRequest r = c.request();
    return UserSignal.newBuilder()
        .setUserId(r.getAuthorId())
        .setKind(ENGAGEMENT)
        .setEventType("POST".equals(r.getEntityType()) ? "CREATE" : "COMMENT")
        .setTargetId(r.getEntityId())
        .setTargetType(r.getEntityType())
        .setTargetAuthorId(r.getAuthorId())
        .setSurface("UNKNOWN")
        .setEventTime(r.getEventTime())
        .setModelId(c.modelId())
        .setPackedVector(packed(c.vector()))
        .setSourceTopic(r.getSourceTopic())
        .setSourcePartition(r.getSourcePartition())
        .setSourceOffset(r.getSourceOffset())
        .setSourceValue(r.getSourceValue())
        .build();
  }

  /** A search by a user, with the embedding of its normalised query. */
  public static UserSignal search(EmbedRequest r, String modelId, float[] vector) {
    return UserSignal.newBuilder()
        .setUserId(r.getAuthorId())
        .setKind(SEARCH_INTENT)
        .setEventType("SEARCH")
        .setTargetId(r.getEntityId())
        .setTargetType("QUERY")
        .setSurface("SEARCH")
        .setEventTime(r.getEventTime())
        .setModelId(modelId)
        .setPackedVector(packed(vector))
        .setSourceTopic(r.getSourceTopic())
        .setSourcePartition(r.getSourcePartition())
        .setSourceOffset(r.getSourceOffset())
        .setSourceValue(r.getSourceValue())
        .build();
  }

  /**
   * The signal's vector: its packed bytes, or the boxed array of a record written before packing.
   */
  public static float[] vector(UserSignal s) {
    ByteBuffer packed = s.getPackedVector();
    if (packed != null && packed.hasRemaining()) {
      return PackedVectors.unpack(packed, PackedVectors.Encoding.FLOAT32);
    }
    return Vectors.toArray(s.getVector());
  }

  private static ByteBuffer packed(float[] v) {
    return ByteBuffer.wrap(PackedVectors.pack(v));
  }
}
