package dev.kembed.demo;

import static dev.kembed.topology.config.KembedConfig.*;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.QueryExpansion;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.errors.DlqHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every kembed output topic from the beginning, as a feature store would (read_committed:
 * only what exactly-once committed), and keeps what the demo report needs: the latest content
 * embedding and user vector per key, feature rows, query expansions, DLQ records by reason, a count
 * per topic and end-to-end latencies. It decodes topics generically, so outputs a build does not
 * produce yet simply stay at zero.
 */
public final class OutputCollector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutputCollector.class);
  private static final int MAX_ROWS_KEPT = 50_000;
  // One deserializer per type: building one resolves every archived schema version.
  private static final Deserializer<ContentEmbedding> EMBEDDINGS =
      KembedSerdes.contentEmbedding().deserializer();
  private static final Deserializer<UserVector> USER_VECTORS =
      KembedSerdes.userVector().deserializer();
  private static final Deserializer<SimilarityFeatures> FEATURES =
      KembedSerdes.similarityFeatures().deserializer();
  private static final Deserializer<QueryExpansion> EXPANSIONS =
      KembedSerdes.queryExpansion().deserializer();

  private final KembedConfig config;
  private final Map<String, Object> consumerProps;
  private final Map<String, Long> sentAtNanos;
  private final Thread thread;
  private volatile boolean running = true;

  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final Map<String, ContentEmbedding> embeddings = new ConcurrentHashMap<>();
  private final Map<String, UserVector> userVectors = new ConcurrentHashMap<>();
  private final List<SimilarityFeatures> features = new ArrayList<>();
  private final List<QueryExpansion> expansions = new ArrayList<>();
  private final Map<String, AtomicLong> dlqByReason = new ConcurrentHashMap<>();
  // The first record of each output, decoded as `kembed consume` prints it, for the report.
  private final Map<String, String> firstRows = new ConcurrentHashMap<>();
  private final dev.kembed.schemas.serde.AnyFormatJson anyFormat =
      new dev.kembed.schemas.serde.AnyFormatJson(null);
  private final Latencies embeddingLatency = new Latencies();
  private final Latencies featureLatency = new Latencies();
  private volatile long lastArrivalNanos = System.nanoTime();

  /**
   * @param sentAtNanos when each input was sent, by {@link #embeddingKey} / {@link #exposureKey}
   */
  public OutputCollector(
      KembedConfig config, Map<String, Object> consumerProps, Map<String, Long> sentAtNanos) {
    this.config = config;
    this.consumerProps = consumerProps;
    this.sentAtNanos = sentAtNanos;
    this.thread = new Thread(this::loop, "demo-output-collector");
    thread.setDaemon(true);
  }

  public static String embeddingKey(String entityId) {
    return "e|" + entityId;
  }

  public static String exposureKey(String viewer, String entity, long eventTime) {
    return "x|" + viewer + "|" + entity + "|" + eventTime;
  }

  public void start() {
    thread.start();
  }

  private void loop() {
    Map<String, Object> props = new HashMap<>(consumerProps);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<String> topics =
        List.of(
                TOPIC_CONTENT_EMBEDDINGS,
                TOPIC_USER_VECTORS,
                TOPIC_SIMILARITY_FEATURES,
                TOPIC_INDEX_UPDATES,
                TOPIC_QUERY_EXPANSIONS,
                TOPIC_DLQ)
            .stream()
            .map(config::topic)
            .toList();
    try (var consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : topics) {
        consumer
            .partitionsFor(t)
            .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          try {
            accept(r);
          } catch (RuntimeException e) {
            counts.computeIfAbsent("undecodable-output", k -> new AtomicLong()).incrementAndGet();
            log.warn("Cannot decode output record from {}: {}", r.topic(), e.getMessage());
          }
        }
      }
    } catch (RuntimeException e) {
      log.error("Output collector stopped", e);
    }
  }

  private void accept(ConsumerRecord<String, byte[]> r) {
    long now = System.nanoTime();
    lastArrivalNanos = now;
    counts.computeIfAbsent(r.topic(), k -> new AtomicLong()).incrementAndGet();
    String t = r.topic();
    if (t.equals(config.topic(TOPIC_DLQ))) {
      String reason = DlqHeaders.read(r.headers(), DlqHeaders.REASON);
      String source = DlqHeaders.read(r.headers(), DlqHeaders.TOPIC);
      dlqByReason
          .computeIfAbsent(
              (reason == null ? "(no reason header)" : reason) + " from " + source,
              k -> new AtomicLong())
          .incrementAndGet();
      return;
    }
    if (r.value() != null && !firstRows.containsKey(t)) {
      firstRows.put(t, "key " + r.key() + "  value " + abbreviated(anyFormat.decode(r.value())));
    }
    if (r.value() == null) {
      if (t.equals(config.topic(TOPIC_CONTENT_EMBEDDINGS))) {
        embeddings.remove(r.key());
      }
      return;
    }
    if (t.equals(config.topic(TOPIC_CONTENT_EMBEDDINGS))) {
      ContentEmbedding e = EMBEDDINGS.deserialize(t, r.value());
      if (embeddings.put(r.key(), e) == null) {
        latency(embeddingLatency, embeddingKey(e.getEntityId()), now);
      }
    } else if (t.equals(config.topic(TOPIC_USER_VECTORS))) {
      userVectors.put(r.key(), USER_VECTORS.deserialize(t, r.value()));
    } else if (t.equals(config.topic(TOPIC_SIMILARITY_FEATURES))) {
      SimilarityFeatures f = FEATURES.deserialize(t, r.value());
      latency(
          featureLatency,
          exposureKey(f.getViewerId(), f.getEntityId(), f.getEventTime().toEpochMilli()),
          now);
      synchronized (features) {
        if (features.size() < MAX_ROWS_KEPT) {
          features.add(f);
        }
      }
    } else if (t.equals(config.topic(TOPIC_QUERY_EXPANSIONS))) {
      QueryExpansion q = EXPANSIONS.deserialize(t, r.value());
      synchronized (expansions) {
        if (expansions.size() < MAX_ROWS_KEPT) {
          expansions.add(q);
        }
      }
    }
  }

  private void latency(Latencies into, String key, long now) {
    Long sent = sentAtNanos.get(key);
    if (sent != null) {
      into.add(sent, (now - sent) / 1e6);
    }
  }

  /** The first record of each output topic, decoded (long vectors shortened), by topic. */
  public Map<String, String> firstRows() {
    return new TreeMap<>(firstRows);
  }

  // Vectors of 384 floats would swamp the report: keep the first three and say how many there are.
  private static String abbreviated(com.fasterxml.jackson.databind.JsonNode node) {
    if (node.isObject()) {
      var copy = ((com.fasterxml.jackson.databind.node.ObjectNode) node).deepCopy();
      copy.fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isArray()
                    && e.getValue().size() > 6
                    && e.getValue().get(0).isNumber()) {
                  var a = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
                  for (int i = 0; i < 3; i++) {
                    a.add(e.getValue().get(i));
                  }
                  a.add("... " + e.getValue().size() + " floats");
                  e.setValue(a);
                }
              });
      return copy.toString();
    }
    return node.toString();
  }

  /** Records seen on a topic so far. */
  public long count(String topic) {
    AtomicLong c = counts.get(topic);
    return c == null ? 0 : c.get();
  }

  /** Nanosecond time of the last output record seen. */
  public long lastArrivalNanos() {
    return lastArrivalNanos;
  }

  /** Posts and comments embedded so far (queries are embedded into the same topic). */
  public long contentEmbeddings() {
    return embeddings.values().stream()
        .filter(
            e -> e.getEntityType() == EntityType.POST || e.getEntityType() == EntityType.COMMENT)
        .count();
  }

  public Map<String, ContentEmbedding> embeddings() {
    return embeddings;
  }

  public Map<String, UserVector> userVectors() {
    return userVectors;
  }

  public List<SimilarityFeatures> features() {
    synchronized (features) {
      return new ArrayList<>(features);
    }
  }

  public List<QueryExpansion> expansions() {
    synchronized (expansions) {
      return new ArrayList<>(expansions);
    }
  }

  public Map<String, Long> dlqByReason() {
    Map<String, Long> out = new TreeMap<>();
    dlqByReason.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  public Latencies embeddingLatency() {
    return embeddingLatency;
  }

  public Latencies featureLatency() {
    return featureLatency;
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
