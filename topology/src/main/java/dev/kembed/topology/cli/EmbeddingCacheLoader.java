package dev.kembed.topology.cli;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.registry.SchemaRegistry;
import dev.kembed.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@code content-embeddings} topic once, up to the end offsets it finds at start, into a
 * map from content hash to vector, keeping only vectors of the given model (a model upgrade must
 * re-embed everything). The topic is compacted, so this is one vector per live entity: about {@code
 * 4 × dimension} bytes each (1.5 KB for MiniLM), which bounds what a backfill can cache in memory.
 */
public final class EmbeddingCacheLoader {
  private static final Logger log = LoggerFactory.getLogger(EmbeddingCacheLoader.class);

  private EmbeddingCacheLoader() {}

  public static Map<String, float[]> load(
      Map<String, Object> consumerProps, String topic, String modelId) {
    return load(consumerProps, topic, modelId, null);
  }

  /**
   * As {@link #load(Map, String, String)}, also reading registry-encoded embeddings
   * (output.format=confluent).
   */
  public static Map<String, float[]> load(
      Map<String, Object> consumerProps, String topic, String modelId, SchemaRegistry registry) {
    Map<String, Object> props = new HashMap<>(consumerProps);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Deserializer<ContentEmbedding> values =
        new AvroSerde<>(ContentEmbedding.class, registry).deserializer();
    Map<String, float[]> byHash = new HashMap<>();
    long t0 = System.nanoTime();
    long read = 0, otherModel = 0;
    try (var consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      int idle = 0;
      // Position can stop one short of the end when the last entry is a transaction marker, so
      // a run of empty polls also ends the read.
      while (idle < 10 && parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        var batch = consumer.poll(Duration.ofMillis(200));
        idle = batch.isEmpty() ? idle + 1 : 0;
        for (ConsumerRecord<byte[], byte[]> r : batch) {
          if (r.value() == null) {
            continue;
          }
          read++;
          ContentEmbedding e;
          try {
            e = values.deserialize(topic, r.value());
          } catch (RuntimeException bad) {
            continue; // a cache miss costs one embedding; not worth failing a backfill over
          }
          if (!modelId.equals(e.getModelId())) {
            otherModel++;
            continue;
          }
          if (e.getPackedVector() != null
              && e.getVectorEncoding() != dev.kembed.schemas.VectorEncoding.FLOAT32) {
            continue; // a lossy (float16/int8) output vector must not stand in for the model's own
          }
          byHash.put(e.getContentHash(), dev.kembed.schemas.vector.RecordVectors.of(e));
        }
      }
    }
    log.info(
        "Embedding cache: {} vectors of {} from {} ({} records read, {} of other models) in {} ms",
        byHash.size(),
        modelId,
        topic,
        read,
        otherModel,
        (System.nanoTime() - t0) / 1_000_000);
    return byHash;
  }
}
