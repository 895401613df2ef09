package dev.kembed.topology.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kembed.topology.errors.DlqMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tiny HTTP endpoint for orchestrators, on the JDK's own server (no web framework in the jar):
 * {@code GET /health} is the liveness probe (200 while the instance is starting, rebalancing or
 * running; 503 once it failed or stopped), {@code GET /ready} the readiness probe (200 only when
 * RUNNING), and {@code GET /metrics} a JSON snapshot of kembed's own metrics (embedding, DLQ)
 * summed over threads and tasks. Every answer carries the Kafka Streams state.
 */
public final class HealthServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final KafkaStreams streams;

  private HealthServer(HttpServer server, KafkaStreams streams) {
    this.server = server;
    this.streams = streams;
  }

  /** Starts serving on {@code host:port}; port 0 picks a free one (see {@link #port()}). */
  public static HealthServer start(String host, int port, KafkaStreams streams) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    HealthServer health = new HealthServer(server, streams);
    server.createContext("/health", ex -> health.answer(ex, alive(streams.state())));
    server.createContext("/ready", ex -> health.answer(ex, streams.state() == KafkaStreams.State.RUNNING));
    server.createContext("/metrics", health::metrics);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "kembed-health");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    log.info("Health endpoint on http://{}:{}/health (also /ready, /metrics)", host, health.port());
    return health;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  static boolean alive(KafkaStreams.State s) {
    return s == KafkaStreams.State.CREATED || s.isRunningOrRebalancing();
  }

  private void answer(HttpExchange ex, boolean ok) throws IOException {
    send(ex, ok ? 200 : 503, Map.of("status", ok ? "UP" : "DOWN", "state", streams.state().name()));
  }

  private void metrics(HttpExchange ex) throws IOException {
    Map<String, Double> sums = new TreeMap<>();
    addTotals(sums, streams.metrics());
    addTotals(sums, DlqMetrics.registry().metrics()); // the DLQ handlers count outside Streams' registry
    send(ex, 200, Map.of("state", streams.state().name(), "metrics", sums));
  }

  private static void addTotals(Map<String, Double> sums, Map<MetricName, ? extends Metric> metrics) {
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      MetricName n = e.getKey();
      if (n.group().startsWith("kembed") && n.name().endsWith("total") && e.getValue().metricValue() instanceof Number v) {
        String key = n.tags().containsKey("reason") ? n.name() + "{reason=" + n.tags().get("reason") + "}" : n.name();
        sums.merge(key, v.doubleValue(), Double::sum);
      }
    }
  }

  private static void send(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
