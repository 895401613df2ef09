package dev.kembed.topology.cli;

import static dev.kembed.topology.config.KembedConfig.*;

import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.topology.config.KembedConfig;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;

/**
 * The four input record types, with the config key of their topic and the field whose value is the
 * record key (the partitioning rule of the topic contract: posts and comments by their own id,
 * interactions and queries by user id).
 */
public enum InputType {
  POST(PostEvent.class, TOPIC_POSTS, "post_id"),
  COMMENT(CommentEvent.class, TOPIC_COMMENTS, "comment_id"),
  INTERACTION(InteractionEvent.class, TOPIC_INTERACTIONS, "user_id"),
  SEARCH_QUERY(SearchQueryEvent.class, TOPIC_SEARCH_QUERIES, "user_id");

  private final Class<? extends SpecificRecord> recordClass;
  private final String topicKey;
  private final String keyField;

  InputType(Class<? extends SpecificRecord> recordClass, String topicKey, String keyField) {
    this.recordClass = recordClass;
    this.topicKey = topicKey;
    this.keyField = keyField;
  }

  public Class<? extends SpecificRecord> recordClass() {
    return recordClass;
  }

  public String keyField() {
    return keyField;
  }

  public String topic(KembedConfig config) {
    return config.topic(topicKey);
  }

  /** The type whose configured topic is {@code topic}, or null. */
  public static InputType ofTopic(String topic, KembedConfig config) {
    for (InputType t : values()) {
      if (t.topic(config).equals(topic)) {
        return t;
      }
    }
    return null;
  }

  /** Parses "post", "search-query", "SEARCH_QUERY", ... */
  public static InputType parse(String s) {
    return valueOf(s.strip().replace('-', '_').toUpperCase(Locale.ROOT));
  }
}
