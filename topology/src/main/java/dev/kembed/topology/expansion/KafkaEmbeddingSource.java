package dev.kembed.topology.expansion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.registry.SchemaRegistry;
import dev.kembed.schemas.serde.AnyFormatJson;
import dev.kembed.schemas.serde.AvroSerde;
import dev.kembed.schemas.serde.ConfluentWire;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EmbeddingSource} over Kafka: a plain consumer with a manual assignment of every
 * partition of {@code content-embeddings}, {@code read_committed} (an aborted transaction's
 * embeddings never reach the index) and no group, so nothing is committed and several instances
 * each read the whole topic. Connection and security settings are those of Kafka Streams' global
 * consumer, so {@code global.consumer.*} overrides apply here too. A value that does not decode is
 * logged and skipped: the topic is kembed's own output, so that would be a bug, not bad input.
 */
public final class KafkaEmbeddingSource implements EmbeddingSource {
  private static final Logger log = LoggerFactory.getLogger(KafkaEmbeddingSource.class);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(60);

  private final String topic;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Deserializer<ContentEmbedding> values;
  // Keys are strings in the avro format, {entity_id} records in confluent/json; both decode here.
  private final AnyFormatJson keys;

  public KafkaEmbeddingSource(Properties streamsProperties, String topic, String clientIdPrefix) {
    this(streamsProperties, topic, clientIdPrefix, null);
  }

  /**
   * A source that also reads registry-encoded records, their schemas resolved by {@code registry}
   * (may be null).
   */
  public KafkaEmbeddingSource(
      Properties streamsProperties, String topic, String clientIdPrefix, SchemaRegistry registry) {
    this.topic = topic;
    this.values = new AvroSerde<>(ContentEmbedding.class, registry).deserializer();
    this.keys = new AnyFormatJson(registry);
    Map<String, Object> props =
        new HashMap<>(
            new StreamsConfig(streamsProperties)
                .getGlobalConsumerConfigs(clientIdPrefix + "-index"));
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-index-feeder");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // The feeder seeks explicitly; this only applies if an offset vanishes while it runs.
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public List<Integer> partitions() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist or has no partitions");
    }
    return infos.stream().map(PartitionInfo::partition).sorted().toList();
  }

  @Override
  public Map<Integer, Long> beginningOffsets(List<Integer> partitions) {
    return byPartition(consumer.beginningOffsets(topicPartitions(partitions), METADATA_TIMEOUT));
  }

  @Override
  public Map<Integer, Long> endOffsets(List<Integer> partitions) {
    return byPartition(consumer.endOffsets(topicPartitions(partitions), METADATA_TIMEOUT));
  }

  @Override
  public void assign(Map<Integer, Long> positions) {
    consumer.assign(topicPartitions(new ArrayList<>(positions.keySet())));
    positions.forEach((p, offset) -> consumer.seek(new TopicPartition(topic, p), offset));
  }

  @Override
  public List<EmbeddingRecord> poll(Duration timeout) {
    List<EmbeddingRecord> out = new ArrayList<>();
    try {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
        String key = keyOf(r.key());
        if (key == null) {
          log.warn("skipping {}-{}@{}: no key", topic, r.partition(), r.offset());
          continue;
        }
        ContentEmbedding value;
        try {
          value = r.value() == null ? null : values.deserialize(topic, r.value());
        } catch (RuntimeException e) {
          log.warn(
              "skipping {}-{}@{}: value does not decode as ContentEmbedding ({})",
              topic,
              r.partition(),
              r.offset(),
              e.toString());
          continue;
        }
        out.add(new EmbeddingRecord(r.partition(), r.offset(), key, value));
      }
    } catch (WakeupException e) {
      // close() asked us to stop; the caller checks its own flag.
    }
    return out;
  }

  private String keyOf(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (!ConfluentWire.hasMagic(bytes) && (bytes.length == 0 || bytes[0] != '{')) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    JsonNode node = keys.decode(bytes);
    return node.isTextual() ? node.textValue() : node.path("entity_id").asText(null);
  }

  @Override
  public long position(int partition) {
    return consumer.position(new TopicPartition(topic, partition));
  }

  @Override
  public void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close();
  }

  private List<TopicPartition> topicPartitions(List<Integer> partitions) {
    return partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
  }

  private static Map<Integer, Long> byPartition(Map<TopicPartition, Long> offsets) {
    Map<Integer, Long> out = new HashMap<>();
    offsets.forEach((tp, o) -> out.put(tp.partition(), o));
    return out;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "kafka:%s", topic);
  }
}
