package dev.kembed.topology.content;

import dev.kembed.topology.internal.EmbedRequest;

/**
 * What the embedding stage says about one entity: it now has this vector, it was deleted, or the
 * model failed on it ({@code firstVersion}: the entity had never been embedded before, so its
 * author's CREATE/COMMENT counts once however often it is edited). In-memory only (it never crosses
 * a topic), mapped to the public output records by {@link ContentOutputs}.
 */
public record ContentChange(
    Kind kind,
    EmbedRequest request,
    String modelId,
    float[] vector,
    boolean firstVersion,
    Exception failure) {

  /** The three outcomes. */
  public enum Kind {
    UPSERT,
    DELETE,
    FAILED
  }

  public static ContentChange upsert(
      EmbedRequest r, String modelId, float[] vector, boolean firstVersion) {
    return new ContentChange(Kind.UPSERT, r, modelId, vector, firstVersion, null);
  }

  public static ContentChange delete(EmbedRequest r, String modelId) {
    return new ContentChange(Kind.DELETE, r, modelId, null, false, null);
  }

  public static ContentChange failed(EmbedRequest r, String modelId, Exception e) {
    return new ContentChange(Kind.FAILED, r, modelId, null, false, e);
  }
}
