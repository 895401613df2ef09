package dev.kembed.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code kembed run} in a child JVM, the way production runs it: from the runnable jar that {@code
 * bin/kembed} and the Docker image start (or, when that jar has not been built, the same main class
 * on this module's classpath). A test can kill it without any chance to clean up ({@link #kill}:
 * SIGKILL), or stop it as an orchestrator would ({@link #terminate}: SIGTERM).
 */
final class KembedProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final int healthPort;

  private KembedProcess(Process process, Path log, int healthPort) {
    this.process = process;
    this.log = log;
    this.healthPort = healthPort;
  }

  /**
   * Starts {@code kembed run --config <settings>} and returns once /health answers 200 (RUNNING,
   * indexes caught up).
   */
  static KembedProcess start(Map<String, Object> settings, Duration timeout) throws Exception {
    Path dir = KafkaTestSupport.tempDir("kembed-child");
    Path config = dir.resolve("kembed.properties");
    Properties p = new Properties();
    settings.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
    int port = freePort();
    p.setProperty("http.bind.address", "127.0.0.1");
    p.setProperty("http.port", Integer.toString(port));
    try (var w = Files.newBufferedWriter(config)) {
      p.store(w, "written by KembedProcess");
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m",
                "-Dai.djl.offline=true"));
    Path jar = runnableJar();
    if (jar != null) {
      cmd.addAll(List.of("-jar", jar.toString()));
    } else {
      cmd.addAll(
          List.of(
              "-cp", System.getProperty("java.class.path"), "dev.kembed.topology.cli.KembedCli"));
    }
    cmd.addAll(List.of("run", "--config", config.toString()));
    // Under target/ so that a failed run leaves the child's log where the surefire reports are.
    Files.createDirectories(Path.of("target", "child-logs"));
    Path log =
        Path.of(
            "target",
            "child-logs",
            "kembed-" + settings.get("application.id") + "-" + System.currentTimeMillis() + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("TOKENIZERS_FLAVOR", "cpu");
    pb.environment()
        .put("KAFKA_LOG_LEVEL", System.getProperty("kembed.child.kafka.log.level", "WARN"));
    KembedProcess child = new KembedProcess(pb.start(), log, port);
    child.awaitReady(timeout);
    return child;
  }

  /** The runnable jar named by the build (system property kembed.jar), if it exists. */
  static Path runnableJar() {
    String jar = System.getProperty("kembed.jar");
    return jar != null && Files.isRegularFile(Path.of(jar)) ? Path.of(jar) : null;
  }

  private void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "kembed exited with " + process.exitValue() + ":\n" + log());
      }
      if (status("/health") == 200) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("kembed not ready in " + timeout + ":\n" + log());
  }

  /** Body of a health path, or the error. */
  String body(String path) {
    try {
      return new String(
          URI.create("http://127.0.0.1:" + healthPort + path).toURL().openStream().readAllBytes());
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** HTTP status of a health path, or -1 if nothing answers. */
  int status(String path) {
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + healthPort + path).toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(1000);
      return c.getResponseCode();
    } catch (IOException e) {
      return -1;
    }
  }

  /** SIGKILL: no shutdown hook, no commit, no close. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGTERM, then waits for the exit; returns the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      return -1;
    }
    return process.exitValue();
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
  }
}
