package dev.kembed.it;

import static dev.kembed.it.EndToEndTest.comment;
import static dev.kembed.it.EndToEndTest.post;
import static org.junit.jupiter.api.Assertions.*;

import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.testkit.EmbeddedKafka;
import dev.kembed.topology.cli.KembedApp;
import dev.kembed.topology.cli.TopicCreator;
import dev.kembed.topology.config.KembedConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two instances with one application id share the partitions; when one stops, the other takes over
 * its tasks with their state (restored from the changelogs): texts the stopped instance already
 * embedded are recognised as unchanged and not embedded again, and comments on posts it embedded
 * still find their post's vector. Outputs stay complete and unduplicated.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleOutTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int PARTITIONS = 4;
  private EmbeddedKafka kafka;
  private KafkaTestSupport io;

  @BeforeAll
  void start() {
    kafka = EmbeddedKafka.start();
    io = new KafkaTestSupport(kafka.bootstrapServers());
  }

  @AfterAll
  void stop() {
    io.close();
    kafka.close();
  }

  @Test
  void twoInstancesSplitTheWorkAndOneTakesOverTheOthersState() throws Exception {
    String appId = KafkaTestSupport.uniqueId("scale");
    Map<String, Object> a = io.appSettings(appId, "", PARTITIONS);
    Map<String, Object> b = io.appSettings(appId, "", PARTITIONS); // same id, own state dir
    a.put("consumer.session.timeout.ms", "10000");
    b.put("consumer.session.timeout.ms", "10000");
    KembedConfig config = new KembedConfig(a);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicCreator.ensure(admin, config);
    }
    String posts = config.topic(KembedConfig.TOPIC_POSTS);
    String embeddings = config.topic(KembedConfig.TOPIC_CONTENT_EMBEDDINGS);

    KembedApp first = new KembedApp(config, SharedEmbedder.unclosable());
    KembedApp second = new KembedApp(new KembedConfig(b), SharedEmbedder.unclosable());
    try {
      first.start();
      second.start();
      awaitBothActive(first, second);
      int firstTasks = activeTasks(first);
      int secondTasks = activeTasks(second);
      assertTrue(
          firstTasks > 0 && secondTasks > 0,
          "both instances own tasks: " + firstTasks + " + " + secondTasks);

      for (int i = 0; i < 24; i++) {
        PostEvent p =
            post(
                String.format("p-%02d", i),
                "user-" + i % 5,
                "Post " + i,
                "Local news item " + i + " about the farmers market and the park.",
                i);
        io.sendAvro(posts, p.getPostId(), p, null);
      }
      io.readAtLeast(embeddings, 24, WAIT, Duration.ZERO);
      double byFirst = embedded(first);
      double bySecond = embedded(second);
      assertEquals(24.0, byFirst + bySecond, "every text embedded once across both");
      assertTrue(
          byFirst > 0 && bySecond > 0, "both instances embedded: " + byFirst + " + " + bySecond);

      second.close(Duration.ofSeconds(30));
      awaitAllTasks(first, config);

      // The same 24 posts again (unchanged), comments on them, and 12 new posts.
      for (int i = 0; i < 24; i++) {
        PostEvent p =
            post(
                String.format("p-%02d", i),
                "user-" + i % 5,
                "Post " + i,
                "Local news item " + i + " about the farmers market and the park.",
                i);
        io.sendAvro(posts, p.getPostId(), p, null);
      }
      for (int i = 0; i < 12; i++) {
        CommentEvent c =
            comment(
                String.format("c-%02d", i),
                String.format("p-%02d", i * 2),
                "user-9",
                "Thanks for posting this, see you there " + i,
                100 + i);
        io.sendAvro(config.topic(KembedConfig.TOPIC_COMMENTS), c.getCommentId(), c, null);
      }
      for (int i = 24; i < 36; i++) {
        PostEvent p =
            post(
                String.format("p-%02d", i),
                "user-" + i % 5,
                "Post " + i,
                "Local news item " + i + " about a lost cat near the school.",
                i);
        io.sendAvro(posts, p.getPostId(), p, null);
      }

      List<ConsumerRecord<String, byte[]>> out =
          io.readAtLeast(embeddings, 48, WAIT, Duration.ofSeconds(3));
      Map<String, Long> perKey =
          out.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
      assertEquals(48, perKey.size(), "24 + 12 posts and 12 comments");
      assertEquals(
          48,
          out.size(),
          "each once; duplicates: "
              + perKey.entrySet().stream().filter(e -> e.getValue() > 1).toList());
      assertEquals(
          24.0,
          embedded(first) - byFirst,
          "the survivor embedded only the new texts: unchanged ones were recognised from the"
              + " taken-over state");

      List<ConsumerRecord<String, byte[]>> features =
          io.read(
              config.topic(KembedConfig.TOPIC_SIMILARITY_FEATURES),
              l -> l.size() >= 12,
              WAIT,
              Duration.ofSeconds(2));
      Set<String> commented =
          features.stream()
              .map(
                  r ->
                      KembedSerdes.similarityFeatures()
                          .deserializer()
                          .deserialize(r.topic(), r.value()))
              .filter(
                  f ->
                      f.getFeatures().keySet().stream()
                          .anyMatch(k -> k.startsWith("cos_comment_post")))
              .map(SimilarityFeatures::getEntityId)
              .collect(Collectors.toSet());
      assertEquals(
          12,
          commented.size(),
          "every comment found its post's vector, whichever instance stored it");
      assertEquals(12, features.size(), "one feature row per comment");
    } finally {
      first.close(Duration.ofSeconds(30));
      second.close(Duration.ofSeconds(5));
    }
  }

  private static void awaitBothActive(KembedApp a, KembedApp b) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (a.state() == KafkaStreams.State.RUNNING
          && b.state() == KafkaStreams.State.RUNNING
          && activeTasks(a) > 0
          && activeTasks(b) > 0) {
        return;
      }
      Thread.sleep(200);
    }
  }

  private static void awaitAllTasks(KembedApp app, KembedConfig config)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    int all =
        app.subtopologies()
            * PARTITIONS; // every topic, repartitions included, has PARTITIONS partitions
    while (System.nanoTime() < deadline
        && !(app.state() == KafkaStreams.State.RUNNING && activeTasks(app) == all)) {
      Thread.sleep(200);
    }
    assertEquals(all, activeTasks(app), "the survivor owns every task");
  }

  private static int activeTasks(KembedApp app) {
    return app.streams().metadataForLocalThreads().stream()
        .mapToInt(t -> t.activeTasks().size())
        .sum();
  }

  private static double embedded(KembedApp app) {
    var counter = app.meterRegistry().find("kembed.embeddings").counter();
    return counter == null ? 0 : counter.count();
  }
}
