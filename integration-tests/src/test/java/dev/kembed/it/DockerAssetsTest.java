package dev.kembed.it;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kembed.topology.cli.ConfigLoader;
import dev.kembed.topology.config.KembedConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What can be checked of docker/ without a Docker engine: the compose file parses and wires a KRaft
 * broker, topic creation and kembed built from the Dockerfile; the Dockerfile runs, on a glibc JRE,
 * the same runnable jar these tests start in child JVMs, with DJL kept offline; the sample config
 * is a valid kembed config; and that jar starts its CLI.
 */
class DockerAssetsTest {
  private static final Path ROOT = Path.of(System.getProperty("kembed.repo.root", ".."));

  @Test
  @SuppressWarnings("unchecked")
  void composeWiresKraftBrokerTopicsAndKembed() throws IOException {
    Map<String, Object> compose =
        new Yaml().load(Files.readString(ROOT.resolve("docker/docker-compose.yml")));
    Map<String, Map<String, Object>> services =
        (Map<String, Map<String, Object>>) compose.get("services");
    assertEquals(
        List.of("kafka", "topics", "kembed", "registry", "connect", "postgres"),
        List.copyOf(services.keySet()));
    assertTrue(services.get("kafka").get("image").toString().startsWith("apache/kafka:"));
    Map<String, Object> env = (Map<String, Object>) services.get("kafka").get("environment");
    assertEquals(
        "broker,controller", env.get("KAFKA_PROCESS_ROLES"), "KRaft combined mode, no ZooKeeper");
    assertEquals(
        1,
        env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"),
        "exactly-once works on one broker");
    Map<String, Object> build = (Map<String, Object>) services.get("kembed").get("build");
    assertEquals("docker/Dockerfile", build.get("dockerfile"));
    assertTrue(
        Files.isRegularFile(
            ROOT.resolve("docker")
                .resolve(build.get("context").toString())
                .resolve("docker/Dockerfile")));
    String topics = String.join("\n", (List<String>) services.get("topics").get("command"));
    assertTrue(
        topics.contains("cleanup.policy=compact")
            && topics.contains("content-embeddings user-vectors"),
        "keyed state topics are compacted");
  }

  @Test
  @SuppressWarnings("unchecked")
  void composeHasARegistryAndAConnectWorkerThatReadWhatKembedWrites() throws IOException {
    Map<String, Object> compose =
        new Yaml().load(Files.readString(ROOT.resolve("docker/docker-compose.yml")));
    Map<String, Map<String, Object>> services =
        (Map<String, Map<String, Object>>) compose.get("services");
    Map<String, Object> kembed = (Map<String, Object>) services.get("kembed").get("environment");
    // kembed's env overrides must be real keys, and the format the worker's converters read.
    KembedConfig c =
        ConfigLoader.load(
            ROOT.resolve("docker/kembed.properties"),
            Map.of(),
            Map.of(
                "KEMBED_OUTPUT_FORMAT",
                kembed.get("KEMBED_OUTPUT_FORMAT").toString(),
                "KEMBED_OUTPUT_JSON_SCHEMAS_ENABLE",
                kembed.get("KEMBED_OUTPUT_JSON_SCHEMAS_ENABLE").toString()));
    assertEquals("json", c.getString(KembedConfig.OUTPUT_FORMAT));
    assertTrue(c.getBoolean(KembedConfig.OUTPUT_JSON_SCHEMAS_ENABLE));
    Map<String, Object> connect = (Map<String, Object>) services.get("connect").get("environment");
    assertEquals("org.apache.kafka.connect.json.JsonConverter", connect.get("VALUE_CONVERTER"));
    assertEquals("true", connect.get("CONNECT_VALUE_CONVERTER_SCHEMAS_ENABLE"));
    assertEquals(
        "true",
        connect.get("CONNECT_KEY_CONVERTER_SCHEMAS_ENABLE"),
        "struct keys carry their schema too");
    assertEquals(
        "read_committed",
        connect.get("CONNECT_CONSUMER_ISOLATION_LEVEL"),
        "kembed writes in transactions");
    assertEquals("kafka:9092", connect.get("BOOTSTRAP_SERVERS"));
    assertTrue(
        services
            .get("registry")
            .get("image")
            .toString()
            .startsWith("apicurio/apicurio-registry:3."));
    // The connector config the docs post is the one PostgresSinkTest runs (same keys and values).
    Map<String, Object> sink =
        (Map<String, Object>)
            new Yaml().load(Files.readString(ROOT.resolve("docker/connect/postgres-sink.json")));
    Map<String, Object> cfg = (Map<String, Object>) sink.get("config");
    assertEquals("io.debezium.connector.jdbc.JdbcSinkConnector", cfg.get("connector.class"));
    assertEquals("record_key", cfg.get("primary.key.mode"));
    assertEquals("true", cfg.get("delete.enabled"));
    assertEquals("upsert", cfg.get("insert.mode"));
    assertEquals("true", cfg.get("quote.identifiers"));
    assertTrue(cfg.get("connection.url").toString().startsWith("jdbc:postgresql://postgres:5432/"));
  }

  @Test
  void dockerfileRunsTheTestedJarOnGlibcOffline() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
    List<String> froms = dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList();
    assertEquals(2, froms.size(), "multi-stage");
    assertTrue(froms.get(1).startsWith("FROM eclipse-temurin:17-jre"), froms.get(1));
    assertTrue(
        froms.stream().noneMatch(f -> f.toLowerCase().contains("alpine")),
        "native libraries need glibc");
    assertTrue(
        dockerfile.contains("cp topology/target/kembed-topology-*-all.jar /kembed.jar"),
        "the image takes the shaded jar");
    assertTrue(
        System.getProperty("kembed.jar", "")
            .matches(".*/topology/target/kembed-topology-[^/]+-all\\.jar"),
        "which is the jar the crash test runs: " + System.getProperty("kembed.jar"));
    assertTrue(
        dockerfile.contains(
            "ENTRYPOINT [\"java\", \"--add-modules\", \"jdk.incubator.vector\","
                + " \"-Dai.djl.offline=true\", \"-jar\", \"/opt/kembed/kembed.jar\"]"),
        "the image runs the jar with the Vector API (SIMD index distance)");
    assertTrue(dockerfile.contains("TOKENIZERS_FLAVOR=cpu"));
    assertTrue(dockerfile.contains("/etc/kembed/kembed.properties"));
    assertTrue(dockerfile.contains("GET /health"), "the image probes the health endpoint");
  }

  @Test
  void gpuDockerfileBuildsWithTheGpuProfileOnACudaCudnnRuntime() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile.gpu"));
    List<String> froms = dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList();
    assertEquals(2, froms.size(), "multi-stage");
    // onnxruntime_gpu 1.24 loads CUDA 12 and cuDNN 9: the runtime stage must ship both.
    assertTrue(
        froms.get(1).matches("FROM nvidia/cuda:12\\.[0-9.]+-cudnn-runtime-ubuntu[0-9.]+"),
        froms.get(1));
    assertTrue(
        dockerfile.contains("mvn -B -q -Pgpu -pl topology -am -DskipTests package"),
        "the jar is built with onnxruntime_gpu");
    assertTrue(
        dockerfile.contains(
            "COPY --from=eclipse-temurin:17-jre /opt/java/openjdk /opt/java/openjdk"),
        "a JRE on the CUDA image");
    assertTrue(dockerfile.contains("KEMBED_INFERENCE_DEVICE=cuda"), "runs on the GPU by default");
    assertTrue(
        dockerfile.contains("TOKENIZERS_FLAVOR=cpu")
            && dockerfile.contains("-Dai.djl.offline=true"),
        "DJL stays offline");
    assertTrue(
        dockerfile.contains(
            "ENTRYPOINT [\"java\", \"--add-modules\", \"jdk.incubator.vector\","
                + " \"-Dai.djl.offline=true\", \"-jar\", \"/opt/kembed/kembed.jar\"]"),
        "the image runs the jar with the Vector API (SIMD index distance)");
    assertTrue(dockerfile.contains("GET /health"));
    // The gpu profile the image and bin/gpu-smoke use swaps the ONNX Runtime artifact.
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    assertTrue(
        pom.contains("<id>gpu</id>")
            && pom.contains("<onnxruntime.artifact>onnxruntime_gpu</onnxruntime.artifact>"));
    String smoke = Files.readString(ROOT.resolve("bin/gpu-smoke"));
    assertTrue(Files.isExecutable(ROOT.resolve("bin/gpu-smoke")));
    assertTrue(smoke.contains("-Pgpu") && smoke.contains("exec:java@gpu-smoke"), smoke);
    // The environment variable the image sets is a kembed key.
    KembedConfig c =
        ConfigLoader.load(
            ROOT.resolve("docker/kembed.properties"),
            Map.of(),
            Map.of("KEMBED_INFERENCE_DEVICE", "cuda"));
    assertEquals("cuda", c.getString(KembedConfig.INFERENCE_DEVICE));
    assertEquals(
        "all-minilm-l6-v2", c.embedderOptions().model(), "cuda defaults to the fp32 model");
  }

  @Test
  void sampleConfigIsValid() {
    KembedConfig c =
        ConfigLoader.load(ROOT.resolve("docker/kembed.properties"), Map.of(), Map.of());
    assertTrue(c.exactlyOnce());
    assertEquals("kafka:9092", c.streamsProperties().getProperty("bootstrap.servers"));
    assertEquals(6, c.getInt(KembedConfig.TOPICS_PARTITIONS));
    // Unknown keys pass through to Kafka Streams silently, so a renamed kembed key would quietly
    // stop working in the sample: every key must be kembed's or Kafka Streams'.
    java.util.Properties raw = ConfigLoader.read(ROOT.resolve("docker/kembed.properties"));
    java.util.Set<String> known = new java.util.HashSet<>(KembedConfig.CONFIG.names());
    known.addAll(org.apache.kafka.streams.StreamsConfig.configDef().names());
    java.util.List<String> unknown =
        raw.stringPropertyNames().stream().filter(k -> !known.contains(k)).sorted().toList();
    assertEquals(java.util.List.of(), unknown, "keys neither kembed nor Kafka Streams knows");
  }

  @Test
  void theRunnableJarStartsTheCli() throws Exception {
    Path jar = KembedProcess.runnableJar();
    assumeTrue(
        jar != null, "the runnable jar is built by topology's package phase (mvn verify/install)");
    try (JarFile j = new JarFile(jar.toFile())) {
      assertEquals(
          "dev.kembed.topology.cli.KembedCli",
          j.getManifest().getMainAttributes().getValue("Main-Class"));
      assertNotNull(j.getEntry("all-minilm-l6-v2-q.onnx"), "the default model is inside");
      // The service is lean: no broker, no Scala, no test kit, no demo, one logging backend.
      for (String banned :
          List.of(
              "kafka/server/KafkaApis.class",
              "scala/Predef.class",
              "org/apache/kafka/common/test/KafkaClusterTestKit.class",
              "dev/kembed/testkit/EmbeddedKafka.class",
              "dev/kembed/demo/DemoCommand.class",
              "org/apache/logging/log4j/core/Logger.class")) {
        assertNull(j.getEntry(banned), banned + " must not be in the service jar");
      }
      assertNotNull(
          j.getEntry("ch/qos/logback/classic/Logger.class"), "logback is the logging backend");
      boolean defaultBuild =
          j.getEntry("all-minilm-l6-v2.onnx") == null
              && j.getEntry("ai/onnxruntime/native/osx-aarch64/libonnxruntime.dylib") == null;
      if (defaultBuild) { // not built with -Pfp32 or -Pall-platforms
        assertNotNull(j.getEntry("ai/onnxruntime/native/linux-x64/libonnxruntime.so"));
        assertNotNull(j.getEntry("librocksdbjni-linux64.so"));
        assertNull(j.getEntry("librocksdbjni-linux-aarch64.so"), "Linux x86-64 natives only");
        assertTrue(
            Files.size(jar) < 80L * 1000 * 1000, "service jar under 80 MB: " + Files.size(jar));
      }
    }
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "run",
                "--help")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("--shutdown-timeout"), out);
  }
}
