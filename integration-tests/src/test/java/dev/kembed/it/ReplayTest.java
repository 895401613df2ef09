package dev.kembed.it;

import static dev.kembed.it.EndToEndTest.comment;
import static dev.kembed.it.EndToEndTest.interaction;
import static dev.kembed.it.EndToEndTest.post;
import static org.junit.jupiter.api.Assertions.*;

import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.testkit.EmbeddedKafka;
import dev.kembed.topology.cli.Backfill;
import dev.kembed.topology.cli.KembedApp;
import dev.kembed.topology.cli.TopicCreator;
import dev.kembed.topology.config.KembedConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Replay equals live. A live instance processes a small neighbourhood; then {@link Backfill}
 * replays the same input topics under new application ids into prefixed outputs, once reusing the
 * live content-embeddings topic as its cache and once embedding everything again. Both replays must
 * give the live vectors (cosine ≥ 0.99999) and every live feature row, exposure features included,
 * to {@link #TOLERANCE}; the cached one must embed nothing, the uncached one every text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayTest {
  private static final Duration WAIT = Duration.ofSeconds(120);

  /** Largest accepted |live - replay| of any feature: replays are exact (event-time ordering). */
  private static final double TOLERANCE = 1e-9;

  private EmbeddedKafka kafka;
  private KafkaTestSupport io;
  private KembedConfig live;
  private int texts;
  private Backfill.Result cached;
  private Backfill.Result fresh;

  @BeforeAll
  void runLiveThenReplay() throws Exception {
    kafka = EmbeddedKafka.start();
    io = new KafkaTestSupport(kafka.bootstrapServers());
    live = new KembedConfig(io.appSettings(KafkaTestSupport.uniqueId("live"), "", 3));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicCreator.ensure(admin, live);
    }
    String[] topics = {
      "Lost black cat near the school",
      "Free bookshelf, collect today",
      "Recommend a babysitter for Fridays?",
      "Car broken into on Elm Street",
      "Farmers market this Saturday",
      "Tips for growing tomatoes"
    };
    for (int i = 0; i < 12; i++) {
      PostEvent p =
          post(
              "p-" + i,
              "user-" + i % 4,
              topics[i % topics.length],
              "Details for post " + i + ": " + topics[(i + 1) % topics.length].toLowerCase(),
              i);
      io.sendAvro(
          live.topic(KembedConfig.TOPIC_POSTS), p.getPostId(), p, p.getEventTime().toEpochMilli());
      texts++;
    }
    for (int i = 0; i < 8; i++) {
      CommentEvent c =
          comment(
              "c-" + i,
              "p-" + i,
              "user-" + (i + 1) % 4,
              "Comment " + i + " on this, thanks neighbour",
              20 + i);
      io.sendJson(
          live.topic(KembedConfig.TOPIC_COMMENTS),
          c.getCommentId(),
          c,
          c.getEventTime().toEpochMilli());
      texts++;
    }
    // Live order, as in production: the app runs, content is embedded, then people interact.
    KembedApp app = new KembedApp(live, SharedEmbedder.unclosable());
    app.start();
    try {
      io.readAtLeast(live.topic(KembedConfig.TOPIC_CONTENT_EMBEDDINGS), texts, WAIT, Duration.ZERO);
      for (int i = 0; i < 16; i++) {
        var e =
            interaction(
                "user-" + i % 4,
                "p-" + i % 12,
                i % 3 == 0 ? InteractionType.IMPRESSION : InteractionType.CLICK,
                60_000L + i * 1000);
        io.sendAvro(
            live.topic(KembedConfig.TOPIC_INTERACTIONS),
            e.getUserId(),
            e,
            e.getEventTime().toEpochMilli());
      }
      io.read(
          live.topic(KembedConfig.TOPIC_SIMILARITY_FEATURES),
          l -> l.size() >= 8 + 6,
          WAIT,
          Duration.ofSeconds(3));
    } finally {
      app.close(Duration.ofSeconds(30));
    }
    cached = backfill("replay-cached", true);
    fresh = backfill("replay-fresh", false);
  }

  @AfterAll
  void stop() {
    io.close();
    kafka.close();
  }

  @Test
  void backfillWithTheCacheReproducesLiveVectorsAndEmbedsNothing() {
    assertTrue(cached.caughtUp());
    assertEquals(0, cached.embedded(), "every text was already embedded by the same model");
    assertEquals(texts, cached.reused());
    assertSameVectors(cached.config());
  }

  @Test
  void backfillWithoutTheCacheReembedsAndStillReproducesLiveVectors() {
    assertTrue(fresh.caughtUp());
    assertEquals(texts, fresh.embedded(), "every text embedded again");
    assertEquals(0, fresh.reused());
    assertSameVectors(fresh.config());
  }

  @Test
  void backfillReproducesLiveFeatures() {
    assertSameFeatures(cached.config());
    assertSameFeatures(fresh.config());
  }

  private Backfill.Result backfill(String name, boolean cache) throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    Backfill.Options o =
        new Backfill.Options(
            KafkaTestSupport.uniqueId(name), name + ".", null, cache, Duration.ofSeconds(1), WAIT);
    Map<String, Object> settings = new HashMap<>(live.originals());
    settings.put("state.dir", KafkaTestSupport.tempDir("kembed-replay").toString());
    Backfill.Result r =
        new Backfill(new KembedConfig(settings), o, new PrintStream(progress, true))
            .run(c -> SharedEmbedder.unclosable());
    System.err.print(progress);
    assertTrue(
        progress.toString().contains("records/s"), "progress lines were shown:\n" + progress);
    assertTrue(r.caughtUp(), "caught up:\n" + progress);
    return r;
  }

  private void assertSameVectors(KembedConfig replay) {
    Map<String, ContentEmbedding> liveVectors =
        latest(live.topic(KembedConfig.TOPIC_CONTENT_EMBEDDINGS), texts);
    Map<String, ContentEmbedding> replayVectors =
        latest(replay.topic(KembedConfig.TOPIC_CONTENT_EMBEDDINGS), texts);
    assertEquals(liveVectors.keySet(), replayVectors.keySet());
    liveVectors.forEach(
        (id, e) -> {
          assertTrue(
              Vectors.cosine(e.getVector(), replayVectors.get(id).getVector()) >= 0.99999,
              "vector of " + id);
          assertEquals(e.getContentHash(), replayVectors.get(id).getContentHash());
        });

    Map<String, UserVector> liveUsers = userVectors(live);
    Map<String, UserVector> replayUsers = userVectors(replay);
    assertEquals(
        liveUsers.keySet(),
        replayUsers.keySet(),
        "the same user vectors (none when the topology does not make them)");
    liveUsers.forEach(
        (k, v) ->
            assertTrue(
                Vectors.cosine(v.getVector(), replayUsers.get(k).getVector()) >= 0.99999,
                "user vector " + k));
  }

  private void assertSameFeatures(KembedConfig replay) {
    Map<String, SimilarityFeatures> liveFeatures = features(live);
    Map<String, SimilarityFeatures> replayFeatures = features(replay);
    assertFalse(liveFeatures.isEmpty());
    assertEquals(liveFeatures.keySet(), replayFeatures.keySet(), "the same feature rows");
    // Every feature, exposure features included, must be replay-exact: user vectors and
    // point-in-time reads are computed in event-time order whatever order the replay delivers in.
    java.util.List<String> differ = new java.util.ArrayList<>();
    double worst = 0;
    for (var entry : liveFeatures.entrySet()) {
      String k = entry.getKey();
      Map<String, Double> g = replayFeatures.get(k).getFeatures();
      assertEquals(entry.getValue().getFeatures().keySet(), g.keySet(), k);
      for (var feature : entry.getValue().getFeatures().entrySet()) {
        String name = feature.getKey();
        Double v = feature.getValue();
        Double w = g.get(name);
        assertEquals(v == null, w == null, k + " " + name + " is null in one run only");
        if (v == null) {
          continue;
        }
        worst = Math.max(worst, Math.abs(v - w));
        if (Math.abs(v - w) > TOLERANCE) {
          differ.add(k + " " + name + " live=" + v + " replay=" + w);
        }
      }
    }
    System.out.printf(
        "replay %s: largest feature deviation from live %.3g%n",
        replay.topic(KembedConfig.TOPIC_SIMILARITY_FEATURES), worst);
    assertEquals(
        List.of(),
        differ,
        differ.size()
            + " feature values of "
            + replay.topic(KembedConfig.TOPIC_SIMILARITY_FEATURES)
            + " differ from live");
  }

  private Map<String, ContentEmbedding> latest(String topic, int n) {
    Map<String, ContentEmbedding> out = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : io.readAtLeast(topic, n, WAIT, Duration.ZERO)) {
      out.put(
          r.key(),
          KembedSerdes.contentEmbedding().deserializer().deserialize(r.topic(), r.value()));
    }
    return out;
  }

  private Map<String, SimilarityFeatures> features(KembedConfig c) {
    Map<String, SimilarityFeatures> out = new HashMap<>();
    List<ConsumerRecord<String, byte[]>> rows =
        io.read(
            c.topic(KembedConfig.TOPIC_SIMILARITY_FEATURES),
            l -> l.size() >= 8,
            WAIT,
            Duration.ofSeconds(1));
    for (ConsumerRecord<String, byte[]> r : rows) {
      SimilarityFeatures f =
          KembedSerdes.similarityFeatures().deserializer().deserialize(r.topic(), r.value());
      out.put(f.getViewerId() + "|" + f.getEntityId() + "|" + f.getEventTime().toEpochMilli(), f);
    }
    return out;
  }

  private Map<String, UserVector> userVectors(KembedConfig c) {
    Map<String, UserVector> out = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r :
        io.read(
            c.topic(KembedConfig.TOPIC_USER_VECTORS),
            l -> false,
            Duration.ofSeconds(2),
            Duration.ZERO)) {
      if (r.value() != null) {
        out.put(
            r.key(), KembedSerdes.userVector().deserializer().deserialize(r.topic(), r.value()));
      }
    }
    return out;
  }
}
