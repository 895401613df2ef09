package dev.kembed.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Apicurio Registry 3 (the Quarkus app from Maven Central, unpacked by this module's pom) in a
 * child JVM on Java 21+, bound to loopback only, in-memory storage. Its Confluent-compatible API is
 * at {@link #ccompatUrl()}.
 */
final class ApicurioRegistry implements AutoCloseable {
  private final Process process;
  private final int port;

  private ApicurioRegistry(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static ApicurioRegistry start(Duration timeout) throws Exception {
    Path home = Path.of(System.getProperty("kembed.apicurio.home", "target/apicurio"));
    Path jar = home.resolve("quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar
              + " missing: the integration-tests pom unpacks"
              + " io.apicurio:apicurio-registry-app:3.3.3:all:tar.gz in generate-test-resources");
    }
    Path java =
        java21()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "Apicurio Registry needs Java 21+: none found (set JAVA21_HOME, or install"
                            + " one under /usr/lib/jvm; .ci/run does)"));
    int port = ChildProcesses.freePort();
    int management = ChildProcesses.freePort();
    Path dir = ChildProcesses.workDir("apicurio");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-Xmx384m",
                "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + management,
                "-Djava.io.tmpdir=" + dir,
                "-jar",
                jar.toString()));
    Path log = dir.resolve("apicurio.log");
    Process p = ChildProcesses.start(cmd, log);
    ApicurioRegistry registry = new ApicurioRegistry(p, port);
    try {
      ChildProcesses.awaitHttp(registry.ccompatUrl() + "/subjects", p, log, timeout);
    } catch (Exception e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  String ccompatUrl() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  /**
   * A Java 21+ launcher: this JVM if it is one, else $JAVA21_HOME, else the newest JDK under
   * /usr/lib/jvm whose {@code release} file says 21 or later.
   */
  static Optional<Path> java21() {
    if (Runtime.version().feature() >= 21) {
      return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
    }
    List<Path> candidates = new ArrayList<>();
    String env = System.getenv("JAVA21_HOME");
    if (env != null) {
      candidates.add(Path.of(env));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> s = Files.list(jvms)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(candidates::add);
      } catch (IOException ignored) {
        // no candidates there
      }
    }
    return candidates.stream()
        .filter(h -> feature(h) >= 21)
        .map(h -> h.resolve("bin/java"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static int feature(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          return Integer.parseInt(v.split("[.+-]")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  @Override
  public void close() {
    ChildProcesses.stop(process);
  }
}
