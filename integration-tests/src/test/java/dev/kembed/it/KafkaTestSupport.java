package dev.kembed.it;

import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.schemas.serde.NaturalJson;
import dev.kembed.topology.config.KembedConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What the integration tests do to a broker: send records (Avro, natural JSON or raw bytes) and
 * read a topic back the way a feature store would (from the beginning, read_committed), plus the
 * config of an app instance under test. Waiting is bounded but never asserted on: a test waits
 * until the records it needs are there, then asserts on their content and number.
 */
final class KafkaTestSupport implements AutoCloseable {
  static final Instant T0 = Instant.parse("2025-03-03T08:00:00Z");

  private final String bootstrap;
  private final KafkaProducer<String, byte[]> producer;

  KafkaTestSupport(String bootstrap) {
    this.bootstrap = bootstrap;
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * Settings of a kembed instance on this broker: its own application id, state dir and topic
   * names.
   */
  Map<String, Object> appSettings(String appId, String topicPrefix, int partitions) {
    Map<String, Object> s = new HashMap<>();
    s.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    s.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    s.put(StreamsConfig.STATE_DIR_CONFIG, tempDir("kembed-it-state").toString());
    s.put(KembedConfig.TOPICS_PARTITIONS, Integer.toString(partitions));
    for (var e : KembedConfig.CONFIG.defaultValues().entrySet()) {
      if (e.getKey().startsWith("topic.")) {
        s.put(e.getKey(), topicPrefix + e.getValue());
      }
    }
    return s;
  }

  static String uniqueId(String what) {
    return what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static Path tempDir(String prefix) {
    try {
      Path p = Files.createTempDirectory(prefix);
      p.toFile().deleteOnExit();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  void sendAvro(String topic, String key, SpecificRecord value, Long timestamp) {
    Serializer s = KembedSerdes.of(value.getClass()).serializer();
    send(topic, key, s.serialize(topic, value), timestamp);
  }

  void sendJson(String topic, String key, SpecificRecord value, Long timestamp) {
    send(topic, key, NaturalJson.bytes(value), timestamp);
  }

  /** A record with raw key bytes (a struct key of the confluent or json output formats). */
  void sendRaw(String topic, byte[] key, byte[] value) {
    try (var raw =
        new KafkaProducer<byte[], byte[]>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException("send to " + topic + " failed", e);
    }
  }

  void send(String topic, String key, byte[] value, Long timestamp) {
    try {
      producer.send(new ProducerRecord<>(topic, null, timestamp, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException("send to " + topic + " failed", e);
    }
  }

  /**
   * Reads {@code topic} from the beginning (read_committed) until {@code done} holds for what was
   * read, or {@code timeout} passes; then keeps reading for {@code settle} so that a duplicate
   * arriving just after the last expected record is seen too. Returns everything read.
   */
  List<ConsumerRecord<String, byte[]>> read(
      String topic,
      Predicate<List<ConsumerRecord<String, byte[]>>> done,
      Duration timeout,
      Duration settle) {
    return read(topic, new StringDeserializer(), done, timeout, settle);
  }

  /** As {@link #read}, keys as raw bytes (struct keys of the confluent and json output formats). */
  List<ConsumerRecord<byte[], byte[]>> readRaw(
      String topic,
      Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
      Duration timeout,
      Duration settle) {
    return read(topic, new ByteArrayDeserializer(), done, timeout, settle);
  }

  private <K> List<ConsumerRecord<K, byte[]>> read(
      String topic,
      org.apache.kafka.common.serialization.Deserializer<K> keys,
      Predicate<List<ConsumerRecord<K, byte[]>>> done,
      Duration timeout,
      Duration settle) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<K, byte[]>> out = new ArrayList<>();
    try (var c = new KafkaConsumer<>(p, keys, new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline && !done.test(out)) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      long settleEnd = System.nanoTime() + settle.toNanos();
      while (System.nanoTime() < settleEnd) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** Reads until at least {@code n} records are there (see {@link #read}). */
  List<ConsumerRecord<String, byte[]>> readAtLeast(
      String topic, int n, Duration timeout, Duration settle) {
    return read(topic, l -> l.size() >= n, timeout, settle);
  }

  @Override
  public void close() {
    producer.close();
  }
}
