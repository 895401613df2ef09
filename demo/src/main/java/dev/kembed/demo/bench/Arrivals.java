package dev.kembed.demo.bench;

import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.serde.KembedSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches two output topics with a read_committed consumer (what a downstream reader sees under
 * exactly-once) and records when each output first became visible: content-embeddings by entity id,
 * similarity-features by (viewer, entity, event time). Also counts arrivals per 250 ms bucket for
 * the throughput-over-time plot.
 */
final class Arrivals implements AutoCloseable {
  static final long BUCKET_MS = 250;
  private static final Deserializer<SimilarityFeatures> FEATURES =
      KembedSerdes.similarityFeatures().deserializer();

  private final Map<String, Object> consumerProps;
  private final String embeddingsTopic;
  private final String featuresTopic;
  private final Thread thread;
  private volatile boolean running = true;
  private final long startNanos = System.nanoTime();

  final Map<String, Long> embeddingAt = new ConcurrentHashMap<>();
  final Map<String, Long> featureAt = new ConcurrentHashMap<>();
  final AtomicLong embeddings = new AtomicLong();
  final AtomicLong features = new AtomicLong();
  final List<long[]> buckets = new CopyOnWriteArrayList<>(); // {bucket index, embeddings, features}

  Arrivals(Map<String, Object> consumerProps, String embeddingsTopic, String featuresTopic) {
    this.consumerProps = consumerProps;
    this.embeddingsTopic = embeddingsTopic;
    this.featuresTopic = featuresTopic;
    this.thread = new Thread(this::loop, "bench-arrivals");
    thread.setDaemon(true);
    thread.start();
  }

  static String exposureKey(String viewer, String entity, long eventTime) {
    return viewer + "|" + entity + "|" + eventTime;
  }

  /** Seconds since this watcher started. */
  double secondsSinceStart(long nanos) {
    return (nanos - startNanos) / 1e9;
  }

  private void loop() {
    Map<String, Object> props = new HashMap<>(consumerProps);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    try (var consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : List.of(embeddingsTopic, featuresTopic)) {
        consumer
            .partitionsFor(t)
            .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long[] current = null;
      while (running) {
        var records = consumer.poll(Duration.ofMillis(20));
        long now = System.nanoTime();
        long bucket = (now - startNanos) / 1_000_000 / BUCKET_MS;
        if (current == null || current[0] != bucket) {
          current = new long[] {bucket, 0, 0};
          buckets.add(current);
        }
        for (ConsumerRecord<String, byte[]> r : records) {
          if (r.value() == null) {
            continue;
          }
          if (r.topic().equals(embeddingsTopic)) {
            embeddings.incrementAndGet();
            current[1]++;
            embeddingAt.putIfAbsent(r.key(), now);
          } else {
            features.incrementAndGet();
            current[2]++;
            SimilarityFeatures f = FEATURES.deserialize(r.topic(), r.value());
            featureAt.putIfAbsent(
                exposureKey(f.getViewerId(), f.getEntityId(), f.getEventTime().toEpochMilli()),
                now);
          }
        }
      }
    }
  }

  /** Waits until {@code condition} holds or {@code timeout} passes; true if it held. */
  boolean await(java.util.function.BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(5);
    }
    return condition.getAsBoolean();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(5_000);
  }
}
