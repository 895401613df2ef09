package dev.kembed.topology.content;

import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.topology.errors.BadInputException;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.internal.EmbedRequest;
import dev.kembed.topology.text.ContentHash;
import dev.kembed.topology.text.TextCleaner;

/**
 * Turns post and comment events into embedding requests: picks the text (a post's subject and body,
 * a comment's text), cleans it, hashes it with the model id, and rejects what cannot be embedded
 * with a {@link BadInputException} naming the reason. Pure: no Kafka, no model.
 */
public final class ContentRequests {
  private final TextCleaner cleaner;
  private final int maxChars;
  private final String modelId;

  public ContentRequests(TextCleaner cleaner, int maxChars, String modelId) {
    this.cleaner = cleaner;
    this.maxChars = maxChars;
    this.modelId = modelId;
  }

  /** A request for a post record; a null value (tombstone) becomes a delete. */
  public EmbedRequest fromPost(String key, PostEvent post, long recordTimestamp) {
    if (post == null) {
      return deleted(requireKey(key, "post"), EntityType.POST, recordTimestamp);
    }
    String id = entityId(key, post.getPostId(), "post_id");
    String text = checkedText(cleaner.post(post.getSubject(), post.getBody()), "post " + id);
    return request(
        id,
        EntityType.POST,
        required(post.getAuthorId(), "author_id"),
        null,
        text,
        post.getEventTime().toEpochMilli());
  }

  /** A request for a comment record; a null value (tombstone) becomes a delete. */
  public EmbedRequest fromComment(String key, CommentEvent comment, long recordTimestamp) {
    if (comment == null) {
      return deleted(requireKey(key, "comment"), EntityType.COMMENT, recordTimestamp);
    }
    String id = entityId(key, comment.getCommentId(), "comment_id");
    String parent = required(comment.getPostId(), "post_id");
    String text = checkedText(cleaner.clean(comment.getText()), "comment " + id);
    return request(
        id,
        EntityType.COMMENT,
        required(comment.getAuthorId(), "author_id"),
        parent,
        text,
        comment.getEventTime().toEpochMilli());
  }

  private EmbedRequest request(
      String id, EntityType type, String author, String parent, String text, long eventTime) {
    return EmbedRequest.newBuilder()
        .setEntityId(id)
        .setEntityType(type.name())
        .setAuthorId(author)
        .setParentId(parent)
        .setText(text)
        .setContentHash(ContentHash.of(modelId, text))
        .setEventTime(eventTime)
        .build();
  }

  private static EmbedRequest deleted(String id, EntityType type, long ts) {
    return EmbedRequest.newBuilder()
        .setEntityId(id)
        .setEntityType(type.name())
        .setDeleted(true)
        .setEventTime(ts)
        .build();
  }

  private String checkedText(String cleaned, String what) {
    if (cleaned.isEmpty()) {
      throw new BadInputException(DlqReason.EMPTY_TEXT, what + " has no text left after cleaning");
    }
    if (cleaned.length() > maxChars) {
      throw new BadInputException(
          DlqReason.TEXT_TOO_LONG,
          what
              + " has "
              + cleaned.length()
              + " characters after cleaning; text.max.chars is "
              + maxChars);
    }
    return cleaned;
  }

  // The key decides the partition and the value carries the id; when both are present they must
  // agree, or a later tombstone (key only) would miss the entity the value created.
  private static String entityId(String key, String valueId, String field) {
    String id = required(valueId, field);
    if (key != null && !key.equals(id)) {
      throw new BadInputException(
          DlqReason.KEY_MISMATCH,
          "record key "
              + dev.kembed.topology.guard.InputGuard.shown(key)
              + " differs from "
              + field
              + " "
              + dev.kembed.topology.guard.InputGuard.shown(id));
    }
    return id;
  }

  private static String requireKey(String key, String what) {
    if (key == null || key.isBlank()) {
      throw new BadInputException(
          DlqReason.MISSING_FIELD, what + " tombstone without a key: nothing to delete");
    }
    return key;
  }

  private static String required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new BadInputException(
          DlqReason.MISSING_FIELD, "required field '" + field + "' is missing or blank");
    }
    return value;
  }
}
