package dev.kembed.topology.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.topology.KembedTopology;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.testing.KeywordEmbedder;
import dev.kembed.topology.testing.RecordingEmbedder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the topology with a registry in its Streams configuration, as {@code KembedApp} does, and
 * reads the registry's Prometheus scrape back: embedding counts and batch distributions with
 * p50/p99, dead letters by reason from both exception handlers and from a processor, conventional
 * names, and counts that belong to one instance (two drivers, two registries).
 */
class MetricsScrapeTest {
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir Path dirA;
  @TempDir Path dirB;

  private record Instance(
      TopologyTestDriver driver, RecordingEmbedder embedder, PrometheusMeterRegistry registry) {}

  private static Instance start(Path dir) {
    // at_least_once: TopologyTestDriver drops the DLQ records Streams sends while deserializing
    // under exactly-once (see KembedTopologyTest); the counts are what this test reads.
    KembedConfig config =
        new KembedConfig(
            Map.of(
                "embed.batch.size",
                "32",
                "embed.max.wait.ms",
                "200",
                "processing.guarantee",
                "at_least_once",
                "input.max.future.ms",
                "31536000000"));
    RecordingEmbedder embedder = new RecordingEmbedder(new KeywordEmbedder());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Properties p = config.streamsProperties();
    p.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    p.put(KembedMeters.REGISTRY_CONFIG, registry);
    return new Instance(
        new TopologyTestDriver(KembedTopology.build(config, embedder), p, T0), embedder, registry);
  }

  private static PostEvent post(String id, String subject, String body, long minutes) {
    return PostEvent.newBuilder()
        .setPostId(id)
        .setAuthorId("a-" + id)
        .setSubject(subject)
        .setBody(body)
        .setEventTime(T0.plusSeconds(60 * minutes))
        .build();
  }

  @Test
  void aBurstOfPostsAndBadRecordsShowsUpInTheScrape() {
    Instance a = start(dirA);
    Instance b = start(dirB);
    try {
      TestInputTopic<String, PostEvent> posts =
          a.driver()
              .createInputTopic(
                  "posts", new StringSerializer(), KembedSerdes.of(PostEvent.class).serializer());
      TestInputTopic<String, byte[]> raw =
          a.driver().createInputTopic("posts", new StringSerializer(), new ByteArraySerializer());
      for (int i = 0; i < 100; i++) {
        posts.pipeInput(
            "p" + i, post("p" + i, "Post " + i, i % 2 == 0 ? "alpha sale" : "beta garden", i));
      }
      raw.pipeInput("garbage", new byte[] {1, 2, 3, 4});
      raw.pipeInput(
          "noauthor",
          "{\"post_id\":\"noauthor\",\"event_time\":1}".getBytes(StandardCharsets.UTF_8));
      posts.pipeInput("blank", post("blank", " ", " \t ", 101));
      posts.pipeInput("other", post("mismatch", "Key", "differs", 101));
      posts.pipeInput("poison", post("poison", "Post", "gamma " + RecordingEmbedder.POISON, 102));
      a.driver().advanceWallClockTime(Duration.ofMillis(250));
      b.driver()
          .createInputTopic(
              "posts", new StringSerializer(), KembedSerdes.of(PostEvent.class).serializer())
          .pipeInput("q", post("q", "Q", "alpha", 0));
      b.driver().advanceWallClockTime(Duration.ofMillis(250));

      // Expected from the input and embed.batch.size alone: 100 good posts and the poisoned one
      // reach the model (the rest is rejected before) in three full batches of 32 and one timed
      // batch of the remaining 5.
      int texts = 101;
      int batches = texts / 32 + 1;
      int largest = 32;

      String scrape = a.registry().scrape();
      Map<String, Double> s = PrometheusSamples.parse(scrape);
      assertEquals(
          (double) texts,
          s.get("kembed_embeddings_total"),
          "texts sent to the model, the failed one included");
      assertEquals((double) batches, s.get("kembed_embed_batch_duration_seconds_count"), scrape);
      assertEquals((double) batches, s.get("kembed_embed_batch_size_count"), scrape);
      assertEquals((double) texts, s.get("kembed_embed_batch_size_sum"), scrape);
      assertEquals((double) largest, s.get("kembed_embed_batch_size_max"), scrape);
      // p50 and p99 of the batch sizes (32, 32, 32, 5): HdrHistogram-backed, within 2 % of 32.
      assertEquals(32.0, s.get("kembed_embed_batch_size{quantile=\"0.5\"}"), 32 * 0.02, scrape);
      assertEquals(32.0, s.get("kembed_embed_batch_size{quantile=\"0.99\"}"), 32 * 0.02, scrape);
      assertTrue(
          scrape.contains("kembed_embed_batch_duration_seconds_bucket{le=\"+Inf\"} " + batches),
          "latency histogram buckets: " + scrape);
      assertEquals(
          0.0, s.get("kembed_embed_queue_depth{task=\"0_0\"}"), "every buffered text was flushed");

      assertEquals(
          2.0,
          s.get("kembed_dlq_records_total{reason=\"UNDECODABLE\"}"),
          "deserialization handler: " + scrape);
      assertEquals(
          1.0,
          s.get("kembed_dlq_records_total{reason=\"KEY_MISMATCH\"}"),
          "processing handler: " + scrape);
      assertEquals(1.0, s.get("kembed_dlq_records_total{reason=\"EMPTY_TEXT\"}"), scrape);
      assertEquals(
          1.0,
          s.get("kembed_dlq_records_total{reason=\"MODEL_FAILURE\"}"),
          "a processor's own dead letter: " + scrape);

      // Conventional names: no stutter, base units, no hand-made avg/max-in-ms families.
      for (String sample : s.keySet()) {
        String[] words = sample.replaceAll("\\{.*", "").split("_");
        for (int i = 0; i < words.length; i++) {
          assertFalse(words[i].equals("ms") || words[i].equals("avg"), sample);
          assertFalse(i > 0 && words[i].equals(words[i - 1]), "stutter: " + sample);
        }
      }

      // Instance b's registry has only b's one text, none of a's dead letters.
      Map<String, Double> sb = PrometheusSamples.parse(b.registry().scrape());
      assertEquals(1.0, sb.get("kembed_embeddings_total"));
      assertNull(sb.get("kembed_dlq_records_total{reason=\"UNDECODABLE\"}"));
    } finally {
      a.driver().close();
      b.driver().close();
    }
  }

  @Test
  void batchLatencyBucketsGiveP50AndP99() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    EmbedMetrics metrics = new EmbedMetrics(registry, new TaskId(0, 3));
    for (int ms = 1; ms <= 100; ms++) {
      metrics.batch(8, ms); // 1 ms, 2 ms, ... 100 ms: p50 = 50 ms, p99 = 99 ms
    }
    Map<String, Double> s = PrometheusSamples.parse(registry.scrape());
    TreeMap<Double, Double> buckets = new TreeMap<>(); // upper bound (s) -> cumulative count
    s.forEach(
        (k, v) -> {
          if (k.startsWith("kembed_embed_batch_duration_seconds_bucket{le=\"")
              && !k.contains("+Inf")) {
            buckets.put(Double.parseDouble(k.substring(k.indexOf('"') + 1, k.lastIndexOf('"'))), v);
          }
        });
    assertEquals(100.0, s.get("kembed_embed_batch_duration_seconds_count"));
    assertEquals(
        5.050, s.get("kembed_embed_batch_duration_seconds_sum"), 1e-9, "1 + 2 + ... + 100 ms");
    assertEquals(0.1, s.get("kembed_embed_batch_duration_seconds_max"), 1e-9);
    for (double[] q : new double[][] {{0.5, 0.050}, {0.99, 0.099}}) {
      double estimate = histogramQuantile(q[0], buckets, 100);
      // Prometheus interpolates inside the bucket that holds the rank: the estimate lies in the
      // bucket holding the true value.
      double upper = buckets.ceilingKey(q[1]);
      double lower = buckets.lowerKey(upper);
      assertTrue(
          estimate > lower && estimate <= upper,
          "p" + q[0] + " " + estimate + " outside (" + lower + ", " + upper + "]");
    }
    metrics.close();
    assertNull(
        PrometheusSamples.parse(registry.scrape()).get("kembed_embed_queue_depth{task=\"0_3\"}"),
        "the task's gauge goes with it");
  }

  // PromQL's histogram_quantile: linear interpolation inside the bucket that holds the rank.
  private static double histogramQuantile(double q, TreeMap<Double, Double> buckets, double total) {
    double rank = q * total;
    double previousBound = 0;
    double previousCount = 0;
    for (Map.Entry<Double, Double> b : buckets.entrySet()) {
      if (b.getValue() >= rank) {
        return previousBound
            + (b.getKey() - previousBound)
                * (rank - previousCount)
                / (b.getValue() - previousCount);
      }
      previousBound = b.getKey();
      previousCount = b.getValue();
    }
    return Double.POSITIVE_INFINITY;
  }
}
