package dev.kembed.topology.cli;

import static dev.kembed.topology.config.KembedConfig.*;

import dev.kembed.topology.config.KembedConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure kembed's input and output topics exist before the topology starts (Kafka Streams
 * creates only its internal topics). With {@code topics.create=true} it creates the missing ones
 * with {@code topics.partitions} and {@code topics.replication.factor}; the two keyed-state outputs
 * ({@code content-embeddings}, {@code user-vectors}) are compacted because a reader wants the
 * latest value per key, everything else uses delete retention. With {@code topics.create=false} it
 * only checks and names what is missing, so a misconfigured deployment fails at start instead of
 * hanging in Streams' metadata wait.
 */
public final class TopicCreator {
  private static final Logger log = LoggerFactory.getLogger(TopicCreator.class);

  /** Config keys of every topic kembed reads or writes, in a stable order. */
  public static final List<String> TOPIC_KEYS =
      List.of(
          TOPIC_POSTS,
          TOPIC_COMMENTS,
          TOPIC_INTERACTIONS,
          TOPIC_SEARCH_QUERIES,
          TOPIC_CONTENT_EMBEDDINGS,
          TOPIC_USER_VECTORS,
          TOPIC_SIMILARITY_FEATURES,
          TOPIC_INDEX_UPDATES,
          TOPIC_QUERY_EXPANSIONS,
          TOPIC_DLQ);

  private static final Set<String> COMPACTED = Set.of(TOPIC_CONTENT_EMBEDDINGS, TOPIC_USER_VECTORS);

  private TopicCreator() {}

  /** The topics kembed needs, as it would create them. */
  public static List<NewTopic> plan(KembedConfig config) {
    return plan(config, Map.of());
  }

  /** As {@link #plan(KembedConfig)}, with extra topic-level configs on every topic. */
  public static List<NewTopic> plan(KembedConfig config, Map<String, String> extraTopicConfigs) {
    int partitions = config.getInt(TOPICS_PARTITIONS);
    short rf = config.getShort(TOPICS_REPLICATION_FACTOR);
    List<NewTopic> topics = new ArrayList<>();
    for (String key : TOPIC_KEYS) {
      NewTopic t = new NewTopic(config.topic(key), Optional.of(partitions), Optional.of(rf));
      String policy =
          COMPACTED.contains(key)
              ? TopicConfig.CLEANUP_POLICY_COMPACT
              : TopicConfig.CLEANUP_POLICY_DELETE;
      Map<String, String> configs = new java.util.HashMap<>(extraTopicConfigs);
      configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, policy);
      t.configs(configs);
      topics.add(t);
    }
    return topics;
  }

  /**
   * Creates the missing topics (or, if creation is off, fails naming them).
   *
   * @return the names of the topics this call created
   */
  public static List<String> ensure(Admin admin, KembedConfig config) {
    return ensure(admin, config, Map.of());
  }

  /** As {@link #ensure(Admin, KembedConfig)}, creating topics with extra topic-level configs. */
  public static List<String> ensure(
      Admin admin, KembedConfig config, Map<String, String> extraTopicConfigs) {
    try {
      Set<String> existing = admin.listTopics().names().get();
      Map<String, NewTopic> missing = new LinkedHashMap<>();
      for (NewTopic t : plan(config, extraTopicConfigs)) {
        if (!existing.contains(t.name())) {
          missing.put(t.name(), t);
        }
      }
      if (missing.isEmpty()) {
        log.info("All {} kembed topics exist", TOPIC_KEYS.size());
        return List.of();
      }
      if (!config.getBoolean(TOPICS_CREATE)) {
        throw new IllegalStateException(
            "topics missing and topics.create=false: " + missing.keySet());
      }
      List<String> created = new ArrayList<>();
      for (var entry : admin.createTopics(missing.values()).values().entrySet()) {
        try {
          entry.getValue().get();
          created.add(entry.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) { // another instance won the race
            throw e;
          }
        }
      }
      NewTopic any = missing.values().iterator().next();
      log.info(
          "Created topics {} ({} partitions, replication factor {}; content embeddings and user"
              + " vectors compacted)",
          created,
          any.numPartitions(),
          any.replicationFactor() < 0 ? "broker default" : any.replicationFactor());
      return created;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create kembed topics: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
