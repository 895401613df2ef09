package dev.kembed.topology.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kembed.schemas.serde.AnyFormatJson;
import dev.kembed.topology.config.AdminProps;
import dev.kembed.topology.config.KembedConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kembed consume}: prints the records of any topic, one JSON line each (topic, partition,
 * offset, timestamp, key, headers, value), decoding kembed's three formats ({@link AnyFormatJson}).
 * Reads read_committed without a consumer group, so it never disturbs a deployment.
 */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description =
        "Print a topic's records as JSON lines (key, timestamp, headers, value), in any of kembed's"
            + " formats (avro, confluent, json).")
public final class ConsumeCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = {"-t", "--topic"},
      required = true,
      paramLabel = "TOPIC",
      description = "Topic to read.")
  String topic;

  @Option(
      names = "--from-beginning",
      description = "Start at the earliest offset (default: the latest, i.e. only new records).")
  boolean fromBeginning;

  @Option(names = "--max", paramLabel = "N", description = "Stop after N printed records.")
  Long max;

  @Option(
      names = "--follow",
      description =
          "Keep waiting for new records (default: stop at the end of the topic as it was at start,"
              + " or after --idle-ms without records when not reading from the beginning).")
  boolean follow;

  @Option(
      names = "--key",
      paramLabel = "K",
      description =
          "Print only records with this key (a string key, or a struct key whose parts joined by"
              + " '|' equal K).")
  String key;

  @Option(
      names = "--idle-ms",
      defaultValue = "10000",
      paramLabel = "MS",
      description =
          "Without --follow or --from-beginning: stop after this long without a record. Default:"
              + " ${DEFAULT-VALUE}.")
  long idleMs;

  @Override
  public Integer call() {
    KembedConfig cfg = config.load();
    Map<String, Object> props = new HashMap<>(AdminProps.consumer(cfg));
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    AnyFormatJson decoder = new AnyFormatJson(cfg.schemaRegistry());
    try (var consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        System.err.println("kembed consume: topic '" + topic + "' does not exist");
        return 2;
      }
      List<TopicPartition> parts =
          infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(parts);
      if (fromBeginning) {
        consumer.seekToBeginning(parts);
      } else {
        consumer.seekToEnd(parts);
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      return print(consumer, decoder, parts, end, System.out);
    }
  }

  private int print(
      KafkaConsumer<byte[], byte[]> consumer,
      AnyFormatJson decoder,
      List<TopicPartition> parts,
      Map<TopicPartition, Long> end,
      PrintStream out) {
    long printed = 0;
    long lastRecord = System.nanoTime();
    while (true) {
      var records = consumer.poll(Duration.ofMillis(500));
      for (var r : records) {
        lastRecord = System.nanoTime();
        JsonNode k = decoder.decode(r.key());
        if (key != null && !key.equals(ConsumedRecord.keyText(k))) {
          continue;
        }
        out.println(ConsumedRecord.line(r, k, decoder.decode(r.value()), decoder));
        if (max != null && ++printed >= max) {
          out.flush();
          return 0;
        }
      }
      if (!follow) {
        if (fromBeginning && parts.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
          return 0;
        }
        if (!fromBeginning && System.nanoTime() - lastRecord > idleMs * 1_000_000L) {
          return 0;
        }
      }
    }
  }
}
