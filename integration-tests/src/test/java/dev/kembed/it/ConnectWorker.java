package dev.kembed.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A Kafka Connect worker in standalone mode ({@code ConnectStandalone}, from connect-runtime of
 * kembed's Kafka version) in a child JVM, running one connector from a {@code plugin.path}
 * directory, so the connector's dependencies (Hibernate, JDBC drivers) load in Connect's plugin
 * class loader and never meet kembed's. Converters: {@code JsonConverter} with schemas, reading
 * read_committed.
 */
final class ConnectWorker implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Process process;
  private final Path log;
  private final int port;

  private ConnectWorker(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  static ConnectWorker start(String bootstrap, Map<String, String> connector, Duration timeout)
      throws Exception {
    Path plugins =
        Path.of(System.getProperty("kembed.connect.plugins", "target/connect-plugins"))
            .toAbsolutePath();
    if (!Files.isDirectory(plugins)) {
      throw new IllegalStateException(
          plugins + " missing: the integration-tests pom unpacks the Debezium JDBC plugin there");
    }
    Path dir = ChildProcesses.workDir("connect");
    int port = ChildProcesses.freePort();
    Properties worker = new Properties();
    worker.putAll(
        Map.of(
            "bootstrap.servers", bootstrap,
            "key.converter", "org.apache.kafka.connect.json.JsonConverter",
            "value.converter", "org.apache.kafka.connect.json.JsonConverter",
            "key.converter.schemas.enable", "true",
            "value.converter.schemas.enable", "true",
            "offset.storage.file.filename", dir.resolve("offsets").toString(),
            "plugin.path", plugins.toString(),
            "listeners", "http://127.0.0.1:" + port,
            "consumer.isolation.level", "read_committed",
            "consumer.auto.offset.reset", "earliest"));
    worker.put("offset.flush.interval.ms", "1000");
    Path workerFile = dir.resolve("worker.properties");
    Path connectorFile = dir.resolve("connector.properties");
    try (var w = Files.newBufferedWriter(workerFile);
        var c = Files.newBufferedWriter(connectorFile)) {
      worker.store(w, "ConnectWorker");
      Properties p = new Properties();
      p.putAll(connector);
      p.store(c, "ConnectWorker");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path logFile = dir.resolve("connect.log");
    Process p =
        ChildProcesses.start(
            List.of(
                java,
                "-Xmx512m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "org.apache.kafka.connect.cli.ConnectStandalone",
                workerFile.toString(),
                connectorFile.toString()),
            logFile);
    ConnectWorker w = new ConnectWorker(p, logFile, port);
    try {
      ChildProcesses.awaitHttp("http://127.0.0.1:" + port + "/connectors", p, logFile, timeout);
    } catch (Exception e) {
      w.close();
      throw e;
    }
    return w;
  }

  /** The connector's status document ({@code GET /connectors/{name}/status}). */
  JsonNode status(String name) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/connectors/" + name + "/status"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  String logTail() {
    return ChildProcesses.tail(log);
  }

  @Override
  public void close() {
    ChildProcesses.stop(process);
  }
}
