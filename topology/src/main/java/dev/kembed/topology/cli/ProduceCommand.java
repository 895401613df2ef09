package dev.kembed.topology.cli;

import dev.kembed.topology.config.AdminProps;
import dev.kembed.topology.config.KembedConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kembed produce}: JSON lines from a file (or stdin) into one input topic. The topic must
 * exist (checked first, so a typo fails in seconds naming it); every line is validated before the
 * first is sent, and unless {@code --skip-invalid} is given one invalid line means nothing is sent.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = "Publish JSON-lines events to an input topic using kembed's serdes.")
public final class ProduceCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = {"-t", "--topic"},
      required = true,
      paramLabel = "TOPIC",
      description =
          "Target topic; its record type follows from the configured topic names unless --type says"
              + " otherwise.")
  String topic;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description = "post, comment, interaction or search-query.")
  String type;

  @Option(
      names = "--format",
      defaultValue = "avro",
      paramLabel = "FORMAT",
      description =
          "avro (validated, Avro single-object encoding), json (validated, sent as JSON) or raw"
              + " (unchecked bytes). Default: ${DEFAULT-VALUE}.")
  JsonLinesProducer.Format format;

  @Option(
      names = "--key-field",
      paramLabel = "FIELD",
      description =
          "Field whose value becomes the record key (default: post_id, comment_id or user_id by"
              + " type).")
  String keyField;

  @Option(
      names = {"--skip-invalid", "--send-valid"},
      description =
          "Send the valid lines and list the invalid ones (by default an invalid line means nothing"
              + " is sent).")
  boolean skipInvalid;

  @Parameters(
      index = "0",
      paramLabel = "FILE.jsonl",
      description = "One event per line; '-' reads stdin.")
  String file;

  @Override
  public Integer call() throws Exception {
    KembedConfig cfg = config.load();
    InputType t = type != null ? InputType.parse(type) : InputType.ofTopic(topic, cfg);
    if (t == null) {
      System.err.println(
          "kembed produce: topic '"
              + topic
              + "' is not a configured input topic; say which records it holds with --type");
      return 2;
    }
    String missing = missingTopic(cfg);
    if (missing != null) {
      System.err.println("kembed produce: " + missing);
      return 2;
    }
    Map<String, Object> props = new HashMap<>(AdminProps.producer(cfg));
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.putIfAbsent(
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000); // never hang on metadata for long
    long t0 = System.nanoTime();
    try (var producer =
            new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        BufferedReader in =
            "-".equals(file)
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      JsonLinesProducer.Result r =
          new JsonLinesProducer(producer, topic, t, format, keyField, skipInvalid)
              .send(in, n -> System.err.printf("  %,d sent%n", n));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf(
          "Produced %,d %s records to %s (%s) in %,d ms; %,d lines skipped%n",
          r.sent(), t.name().toLowerCase(), topic, format.name().toLowerCase(), ms, r.skipped());
      if (!r.skippedLines().isEmpty()) {
        System.out.println(
            "Skipped lines: "
                + r.skippedLines().stream()
                    .map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(", ")));
      }
      return 0;
    } catch (IllegalArgumentException | java.io.IOException e) {
      System.err.println("kembed produce: " + e.getMessage());
      return 1;
    }
  }

  // Producing to a topic that does not exist would block in metadata requests (or auto-create it);
  // ask the broker first, with a short timeout, and say which topic is missing.
  private String missingTopic(KembedConfig cfg) {
    Map<String, Object> admin = new HashMap<>(AdminProps.of(cfg));
    admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    try (Admin a = Admin.create(admin)) {
      a.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return "topic '"
            + topic
            + "' does not exist on "
            + admin.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
            + "; create it first (kembed run creates its topics when topics.create=true)";
      }
      return "cannot check topic '" + topic + "': " + e.getCause().getMessage();
    } catch (java.util.concurrent.TimeoutException e) {
      return "no answer from "
          + admin.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
          + " within 10 s while checking topic '"
          + topic
          + "'";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while checking topic '" + topic + "'";
    }
  }
}
