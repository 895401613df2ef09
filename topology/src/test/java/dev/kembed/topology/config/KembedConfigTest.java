package dev.kembed.topology.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class KembedConfigTest {

  @Test
  void defaultsAreExactlyOnceWithTheDlqWired() {
    KembedConfig c = new KembedConfig(Map.of());
    Properties p = c.streamsProperties();
    assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals("kembed-dlq", p.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG));
    assertEquals(
        -1L, p.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)); // order comes from kembed's watermarks
    assertEquals(32, c.getInt(KembedConfig.EMBED_BATCH_SIZE));
    assertTrue(c.exactlyOnce());
  }

  @Test
  void inferenceKeysBuildTheEmbedderOptions() {
    var o =
        new KembedConfig(
                Map.of(
                    "inference.model",
                    "all-minilm-l6-v2",
                    "inference.batching",
                    "per-text",
                    "inference.parallelism",
                    "3",
                    "embed.batch.size",
                    "16"))
            .embedderOptions();
    assertEquals("all-minilm-l6-v2", o.model());
    assertEquals(dev.kembed.inference.EmbedderOptions.Batching.PER_TEXT, o.batching());
    assertEquals(3, o.parallelism());
    assertEquals(16, o.batchSize());
    assertEquals(dev.kembed.inference.EmbedderOptions.Device.CPU, o.device());
  }

  @Test
  void producerBatchesAreLargeAndCompressedUnlessTheUserSetsThem() {
    Properties p = new KembedConfig(Map.of()).streamsProperties();
    assertEquals(262_144, p.get("producer.batch.size"));
    assertEquals(64L * 1024 * 1024, p.get("producer.buffer.memory"));
    assertEquals("snappy", p.get("producer.compression.type"));
    Properties none = new KembedConfig(Map.of("compression.type", "none")).streamsProperties();
    assertEquals("none", none.get("compression.type"));
    assertEquals(null, none.get("producer.compression.type"));
    // A plain batch.size is the user's: no prefixed default may hide it (Streams prefers prefixed).
    Properties plain = new KembedConfig(Map.of("batch.size", "16384")).streamsProperties();
    assertEquals("16384", plain.get("batch.size"));
    assertEquals(null, plain.get("producer.batch.size"));
    Properties prefixed =
        new KembedConfig(Map.of("producer.batch.size", "32768")).streamsProperties();
    assertEquals("32768", prefixed.get("producer.batch.size"));
  }

  @Test
  void unknownKeysPassThroughToStreams() {
    KembedConfig c = new KembedConfig(Map.of("num.standby.replicas", "1", "embed.batch.size", "8"));
    assertEquals("1", c.streamsProperties().get("num.standby.replicas"));
    assertEquals(null, c.streamsProperties().get("embed.batch.size"));
  }

  @Test
  void environmentOverridesTheFile() {
    Properties file = new Properties();
    file.put("embed.batch.size", "8");
    file.put("bootstrap.servers", "file:9092");
    KembedConfig c =
        KembedConfig.load(
            file,
            Map.of(
                "KEMBED_EMBED_BATCH_SIZE",
                "16",
                "KEMBED_BOOTSTRAP_SERVERS",
                "env:9092",
                "KEMBED_NOT_A_KEY",
                "x",
                "PATH",
                "/bin"));
    assertEquals(16, c.getInt(KembedConfig.EMBED_BATCH_SIZE));
    assertEquals("env:9092", c.streamsProperties().get("bootstrap.servers"));
  }

  @Test
  void batchSizeAndWaitAreBoundedByTheTransactionTimeout() {
    assertThrows(
        ConfigException.class, () -> new KembedConfig(Map.of("embed.batch.size", "100000")));
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> new KembedConfig(Map.of("embed.max.wait.ms", "6000")));
    assertTrue(e.getMessage().contains("transaction.timeout.ms"), e.getMessage());
    // a longer transaction timeout allows a longer wait; at-least-once has no transaction at all
    new KembedConfig(
        Map.of("embed.max.wait.ms", "6000", "producer.transaction.timeout.ms", "30000"));
    new KembedConfig(Map.of("embed.max.wait.ms", "6000", "processing.guarantee", "at_least_once"));
  }

  @Test
  void readmeConfigTableIsGeneratedFromTheConfigDef() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    assertEquals(
        ConfigDocs.refresh(readme, KembedConfig.CONFIG),
        readme,
        "README config table is stale: run bin/refresh-docs");
  }
}
