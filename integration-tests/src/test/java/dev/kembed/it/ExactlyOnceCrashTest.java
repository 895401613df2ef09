package dev.kembed.it;

import static dev.kembed.it.EndToEndTest.post;
import static org.junit.jupiter.api.Assertions.*;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.testkit.EmbeddedKafka;
import dev.kembed.topology.cli.TopicCreator;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.text.TextCleaner;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Exactly-once across a hard crash. A kembed process (the runnable jar, in a child JVM) is killed
 * with SIGKILL while texts sit in its micro-batch buffer: their input offsets are committed, their
 * embeddings not yet produced. More posts arrive while it is down. A restarted process must produce
 * every embedding exactly once, as seen by a read_committed consumer. A long {@code
 * embed.max.wait.ms} (with a transaction timeout to match) keeps the buffered texts buffered until
 * the kill, so the test does not depend on timing luck.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExactlyOnceCrashTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int BATCH = 8;
  private EmbeddedKafka kafka;
  private KafkaTestSupport io;
  private Map<String, Object> settings;
  private KembedConfig config;

  @BeforeAll
  void start() throws Exception {
    kafka = EmbeddedKafka.start();
    io = new KafkaTestSupport(kafka.bootstrapServers());
    settings = io.appSettings(KafkaTestSupport.uniqueId("crash"), "", 2);
    settings.put(KembedConfig.EMBED_BATCH_SIZE, Integer.toString(BATCH));
    settings.put(KembedConfig.EMBED_MAX_WAIT_MS, "15000");
    // The killed member stays in the group until its session times out; 10 s instead of 45 s.
    settings.put("consumer.session.timeout.ms", "10000");
    settings.put("producer.transaction.timeout.ms", "60000");
    config = new KembedConfig(settings);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicCreator.ensure(admin, config);
    }
  }

  @AfterAll
  void stop() {
    io.close();
    kafka.close();
  }

  @Test
  void aKilledInstanceLosesAndDuplicatesNothing() throws Exception {
    String posts = config.topic(KembedConfig.TOPIC_POSTS);
    String out = config.topic(KembedConfig.TOPIC_CONTENT_EMBEDDINGS);
    Map<String, PostEvent> sent = new HashMap<>();
    int beforeCrash = 30; // 15 per partition: one batch of 8 flushes, 7 stay buffered per task
    int whileDown = 20;

    int committedBeforeKill;
    try (KembedProcess first = KembedProcess.start(settings, WAIT)) {
      for (int i = 0; i < beforeCrash; i++) {
        send(posts, i, sent);
      }
      List<ConsumerRecord<String, byte[]>> seen =
          io.readAtLeast(out, 2 * BATCH, WAIT, Duration.ZERO);
      first.kill();
      committedBeforeKill =
          io.readAtLeast(out, Integer.MAX_VALUE, Duration.ofSeconds(2), Duration.ZERO).size();
      assertTrue(
          seen.size() >= 2 * BATCH,
          "a full batch came out of each task before the kill: " + seen.size());
      assertTrue(
          committedBeforeKill < beforeCrash,
          "texts were still buffered when the process died: "
              + committedBeforeKill
              + " of "
              + beforeCrash
              + " out");
    }
    for (int i = beforeCrash; i < beforeCrash + whileDown; i++) {
      send(posts, i, sent);
    }

    try (KembedProcess second = KembedProcess.start(settings, WAIT)) {
      List<ConsumerRecord<String, byte[]>> all =
          io.readAtLeast(out, sent.size(), WAIT, Duration.ofSeconds(3));
      Map<String, Long> perKey =
          all.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
      assertEquals(sent.keySet(), perKey.keySet(), "every post has its embedding");
      assertEquals(
          sent.size(),
          all.size(),
          "and exactly one: duplicates "
              + perKey.entrySet().stream().filter(e -> e.getValue() > 1).toList());
      TextCleaner cleaner = new TextCleaner(TextCleaner.UrlMode.KEEP);
      for (ConsumerRecord<String, byte[]> r : all) {
        ContentEmbedding e =
            KembedSerdes.contentEmbedding().deserializer().deserialize(r.topic(), r.value());
        PostEvent p = sent.get(r.key());
        assertTrue(
            Vectors.cosine(
                    e.getVector(),
                    SharedEmbedder.get().embed(cleaner.post(p.getSubject(), p.getBody())))
                >= 0.99999,
            r.key());
      }
      int exit = second.terminate(Duration.ofSeconds(60));
      assertTrue(exit == 0 || exit == 143, "SIGTERM ends the process (exit " + exit + ")");
      assertTrue(
          second.log().contains("kembed closed cleanly"),
          "the shutdown hook closed Kafka Streams:\n" + second.log());
    }
  }

  private void send(String topic, int i, Map<String, PostEvent> sent) {
    String id = String.format("p-%03d", i);
    PostEvent p =
        post(
            id,
            "user-" + i % 7,
            "Post number " + i,
            "Neighbourhood news item " + i + ": the bakery on the corner has new opening hours.",
            i);
    io.sendAvro(topic, id, p, p.getEventTime().toEpochMilli());
    sent.put(id, p);
  }
}
