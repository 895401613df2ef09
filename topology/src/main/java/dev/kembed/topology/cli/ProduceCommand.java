package dev.kembed.topology.cli;

import dev.kembed.topology.config.KembedConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kembed produce}: JSON lines from a file (or stdin) into one input topic. */
@Command(name = "produce", mixinStandardHelpOptions = true, description = "Publish JSON-lines events to an input topic using kembed's serdes.")
public final class ProduceCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = {"-t", "--topic"}, required = true, paramLabel = "TOPIC", description = "Target topic; its record type follows from the configured topic names unless --type says otherwise.")
  String topic;

  @Option(names = "--type", paramLabel = "TYPE", description = "post, comment, interaction or search-query.")
  String type;

  @Option(names = "--format", defaultValue = "avro", paramLabel = "FORMAT", description = "avro (validated, Avro single-object encoding), json (validated, sent as JSON) or raw (unchecked bytes). Default: ${DEFAULT-VALUE}.")
  JsonLinesProducer.Format format;

  @Option(names = "--key-field", paramLabel = "FIELD", description = "Field whose value becomes the record key (default: post_id, comment_id or user_id by type).")
  String keyField;

  @Option(names = "--skip-invalid", description = "Skip lines that do not decode instead of stopping at the first.")
  boolean skipInvalid;

  @Parameters(index = "0", paramLabel = "FILE.jsonl", description = "One event per line; '-' reads stdin.")
  String file;

  @Override
  public Integer call() throws Exception {
    KembedConfig cfg = config.load();
    InputType t = type != null ? InputType.parse(type) : InputType.ofTopic(topic, cfg);
    if (t == null) {
      System.err.println("kembed produce: topic '" + topic + "' is not a configured input topic; say which records it holds with --type");
      return 2;
    }
    Map<String, Object> props = new HashMap<>(AdminProps.producer(cfg));
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    long t0 = System.nanoTime();
    try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        BufferedReader in = "-".equals(file)
            ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
            : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      JsonLinesProducer.Result r =
          new JsonLinesProducer(producer, topic, t, format, keyField, skipInvalid).send(in, n -> System.err.printf("  %,d sent%n", n));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("Produced %,d %s records to %s (%s) in %,d ms; %,d lines skipped%n", r.sent(), t.name().toLowerCase(), topic, format.name().toLowerCase(), ms, r.skipped());
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("kembed produce: " + e.getMessage());
      return 1;
    }
  }
}
