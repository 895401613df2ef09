package dev.kembed.testkit;

import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker running inside this JVM in KRaft combined mode (one process is
 * both controller and broker), on a random local port and a temporary log directory that is deleted
 * on close. The demo and the integration tests use it so that nothing but Java is needed: no
 * download, no Docker. Settings are those of a one-node cluster: every internal topic (offsets,
 * transactions) has replication factor 1, so exactly-once works as on a real cluster.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaClusterTestKit cluster;

  private EmbeddedKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Formats and starts a broker, waiting until it accepts clients. */
  public static EmbeddedKafka start() {
    return start(Map.of());
  }

  /** As {@link #start()}, with extra broker settings. */
  public static EmbeddedKafka start(Map<String, String> brokerProps) {
    long t0 = System.nanoTime();
    try {
      KafkaClusterTestKit.Builder builder =
          new KafkaClusterTestKit.Builder(
              new TestKitNodes.Builder()
                  .setCombined(true)
                  .setNumBrokerNodes(1)
                  .setNumControllerNodes(1)
                  .build());
      // One node: every internal topic must fit on it, and a consumer group should not wait 3 s
      // for more members that will never come.
      builder.setConfigProp("offsets.topic.replication.factor", "1");
      builder.setConfigProp("offsets.topic.num.partitions", "4");
      builder.setConfigProp("transaction.state.log.replication.factor", "1");
      builder.setConfigProp("transaction.state.log.min.isr", "1");
      builder.setConfigProp("transaction.state.log.num.partitions", "4");
      builder.setConfigProp("group.initial.rebalance.delay.ms", "0");
      builder.setConfigProp("auto.create.topics.enable", "false");
      // Demo and test events carry fixed event times (a seeded story set in 2025), which become
      // record timestamps; with the default 7-day retention the broker would delete them as
      // soon as its retention check runs, under a running app.
      builder.setConfigProp("log.retention.ms", "-1");
      brokerProps.forEach(builder::setConfigProp);
      KafkaClusterTestKit cluster = builder.build();
      formatQuietly(cluster);
      cluster.startup();
      cluster.waitForReadyBrokers();
      EmbeddedKafka kafka = new EmbeddedKafka(cluster);
      log.info(
          "In-process Kafka broker (KRaft) ready at {} in {} ms",
          kafka.bootstrapServers(),
          (System.nanoTime() - t0) / 1_000_000);
      return kafka;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("could not start the in-process Kafka broker: " + e, e);
    }
  }

  // The storage formatter prints its progress to System.out, which is the demo's report stream.
  private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
    java.io.PrintStream out = System.out;
    synchronized (System.class) {
      System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      try {
        cluster.format();
      } finally {
        System.setOut(out);
      }
    }
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      log.warn("In-process broker did not close cleanly: {}", e.toString());
    }
  }
}
