package dev.kembed.topology.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.metrics.PrometheusSamples;
import dev.kembed.topology.testing.KeywordEmbedder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app's registry (what {@code GET /metrics} serves) carries the JVM's and the process's metrics
 * and Kafka Streams' own through the KafkaStreamsMetrics binder, before any broker is reached (the
 * client is created, not started), and two apps in one JVM have two registries.
 */
class KembedAppMetricsTest {
  @TempDir Path dir;

  @Test
  void scrapeHasJvmProcessAndKafkaStreamsMetrics() {
    KembedConfig config =
        new KembedConfig(
            Map.of(
                "bootstrap.servers",
                "127.0.0.1:1",
                "state.dir",
                dir.toString(),
                "application.id",
                "metrics-test"));
    KembedConfig second =
        new KembedConfig(
            Map.of(
                "bootstrap.servers",
                "127.0.0.1:1",
                "state.dir",
                dir.resolve("b").toString(),
                "application.id",
                "metrics-test"));
    try (KembedApp app = new KembedApp(config, new KeywordEmbedder());
        KembedApp other = new KembedApp(second, new KeywordEmbedder())) {
      String scrape = app.meterRegistry().scrape();
      Map<String, Double> s = PrometheusSamples.parse(scrape);
      assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{")), scrape);
      assertTrue(
          s.keySet().stream().anyMatch(k -> k.startsWith("jvm_threads_live_threads")), scrape);
      assertTrue(s.get("process_uptime_seconds") > 0, scrape);
      assertTrue(s.containsKey("process_cpu_usage") || s.containsKey("system_cpu_count"), scrape);
      // Kafka Streams' client-level metric: the one stream thread (num.stream.threads defaults to
      // 1) exists once the client is built.
      double alive =
          s.entrySet().stream()
              .filter(e -> e.getKey().startsWith("kafka_stream_alive_stream_threads"))
              .mapToDouble(Map.Entry::getValue)
              .findFirst()
              .orElseThrow(() -> new AssertionError("no Kafka Streams metrics: " + scrape));
      assertEquals(1.0, alive);
      assertTrue(app.meterRegistry() != other.meterRegistry(), "one registry per instance");
      app.close(Duration.ofSeconds(5));
    }
  }
}
