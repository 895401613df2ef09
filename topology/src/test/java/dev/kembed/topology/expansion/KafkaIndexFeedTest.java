package dev.kembed.topology.expansion;

import static dev.kembed.topology.expansion.InMemoryEmbeddingSource.embedding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.inference.ModelInfo;
import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.state.index.IndexSnapshots;
import dev.kembed.state.index.Neighbour;
import dev.kembed.topology.config.KembedConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index service's Kafka consumer against one in-process KRaft broker: it reads committed
 * transactions only, reaches readiness past the commit markers, and a restart resumes from the
 * snapshot without re-reading anything.
 */
class KafkaIndexFeedTest {
  private static final ModelInfo MODEL = new ModelInfo("m@1", 3, 64, true);
  private static final String TOPIC = "content-embeddings";
  private static final String WARM_UP_TOPIC = TOPIC + "-warm-up";
  private static KafkaClusterTestKit cluster;

  @TempDir Path stateDir;

  @BeforeAll
  static void startBroker() throws Exception {
    KafkaClusterTestKit.Builder builder =
        new KafkaClusterTestKit.Builder(
            new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build());
    builder.setConfigProp("offsets.topic.replication.factor", "1");
    builder.setConfigProp("transaction.state.log.replication.factor", "1");
    builder.setConfigProp("transaction.state.log.min.isr", "1");
    builder.setConfigProp("transaction.state.log.num.partitions", "2");
    cluster = builder.build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(TOPIC, 2, (short) 1)
                      .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact")),
                  new NewTopic(WARM_UP_TOPIC, 1, (short) 1)))
          .all()
          .get();
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kembed-test");
    warmUpTransactions(p);
    try (KafkaProducer<String, ContentEmbedding> producer =
        new KafkaProducer<>(
            p, new StringSerializer(), KembedSerdes.of(ContentEmbedding.class).serializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(
          new ProducerRecord<>(
              TOPIC, 0, "for sale", embedding("for sale", EntityType.QUERY, "m@1", 1, 0, 0)));
      producer.send(
          new ProducerRecord<>(
              TOPIC, 1, "plumber", embedding("plumber", EntityType.QUERY, "m@1", 0, 1, 0)));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(
          new ProducerRecord<>(
              TOPIC, 0, "aborted", embedding("aborted", EntityType.QUERY, "m@1", 0, 0, 1)));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(
          new ProducerRecord<>(TOPIC, 1, "p1", embedding("p1", EntityType.POST, "m@1", 0, 0, 1)));
      producer.commitTransaction();
    }
  }

  // The test asserts exact offsets, so its own transactions cannot be retried. On a broker just
  // started, the first commit of a transactional id once failed in CI as fatal (the coordinator
  // saw the transaction EMPTY: "InvalidTxnStateException"); a committed transaction on another
  // topic under the same id takes that first commit, retried if it fails (the next producer's
  // initTransactions fences the failed one and aborts whatever it left open).
  private static void warmUpTransactions(Properties p) {
    for (int attempt = 1; ; attempt++) {
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(WARM_UP_TOPIC, "warm", "up"));
        producer.commitTransaction();
        return;
      } catch (KafkaException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  @AfterAll
  static void stopBroker() throws Exception {
    cluster.close();
  }

  private KembedConfig config() {
    return new KembedConfig(
        Map.of(
            "bootstrap.servers",
            cluster.bootstrapServers(),
            "state.dir",
            stateDir.toString(),
            "application.id",
            "kembed-index-test"));
  }

  private static void awaitReady(IndexService s) throws InterruptedException {
    // Bounded only so a broken feeder fails the test instead of hanging it.
    for (int i = 0; i < 600 && !s.ready(); i++) {
      Thread.sleep(100);
    }
    assertTrue(s.ready(), "index feeder did not catch up: " + s.status());
  }

  @Test
  void readsCommittedEmbeddingsAndResumesFromItsSnapshot() throws Exception {
    try (IndexService s = IndexService.open(config(), MODEL)) {
      s.start();
      awaitReady(s);
      List<Neighbour> queries =
          s.index(IndexService.QUERIES).orElseThrow().nearest(new float[] {0, 0, 1}, 10);
      assertEquals(
          List.of("for sale", "plumber"),
          queries.stream().map(Neighbour::id).sorted().toList(),
          "the aborted record never arrives");
      assertEquals(1, s.index(IndexService.POSTS).orElseThrow().size());
      assertEquals(3, s.recordsRead(), "the three committed records, each once");
    }
    // Partition 0: record, commit marker, aborted record, abort marker = end offset 4.
    // Partition 1: record, commit marker, record, commit marker = end offset 4.
    Path snapshot = stateDir.resolve(IndexService.DIRECTORY).resolve(IndexService.QUERIES);
    assertEquals(Map.of(0, 4L, 1, 4L), IndexSnapshots.load(snapshot).orElseThrow().offsets());

    try (IndexService s = IndexService.open(config(), MODEL)) {
      assertEquals(
          2,
          s.index(IndexService.QUERIES).orElseThrow().size(),
          "restored before the thread starts");
      s.start();
      awaitReady(s);
      assertEquals(0, s.recordsRead(), "nothing re-read after a clean shutdown");
    }
  }
}
