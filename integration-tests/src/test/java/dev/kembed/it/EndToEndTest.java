package dev.kembed.it;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kembed.inference.Embedder;
import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.IndexOp;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.Surface;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.testkit.EmbeddedKafka;
import dev.kembed.topology.KembedTopology;
import dev.kembed.topology.cli.KembedApp;
import dev.kembed.topology.cli.TopicCreator;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.text.ContentHash;
import dev.kembed.topology.text.TextCleaner;
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
 * The whole pipeline on a real broker: posts and comments produced as Avro and as natural JSON,
 * interactions and a search, through one kembed instance; every output is checked against what the
 * model says directly (same vectors, hashes, cosines). Outputs that need the user-vector part of
 * the topology are checked when the topology writes them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private EmbeddedKafka kafka;
  private KafkaTestSupport io;
  private KembedConfig config;
  private KembedApp app;
  private final Embedder model = SharedEmbedder.get();
  private final TextCleaner cleaner = new TextCleaner(TextCleaner.UrlMode.KEEP);

  private final PostEvent dog =
      post(
          "p-dog",
          "user-x",
          "Lost dog near the park",
          "Brown labrador, red collar, very friendly. Please call if you see him.",
          0);
  private final PostEvent couch =
      post("p-couch", "user-y", "Free couch", "Grey three-seat sofa, you collect this weekend.", 1);
  private final PostEvent plumber =
      post(
          "p-plumber",
          "user-z",
          "Can anyone recommend a plumber?",
          "Our boiler is leaking and we need someone this week.",
          2);
  private final CommentEvent seen =
      comment(
          "c-seen",
          "p-dog",
          "user-y",
          "I think I saw him running towards the river this morning!",
          3);
  private final CommentEvent pickup =
      comment(
          "c-pickup", "p-couch", "user-x", "Is it still available? I can pick it up tomorrow.", 4);

  @BeforeAll
  void start() throws Exception {
    kafka = EmbeddedKafka.start();
    io = new KafkaTestSupport(kafka.bootstrapServers());
    config = new KembedConfig(io.appSettings(KafkaTestSupport.uniqueId("e2e"), "", 2));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicCreator.ensure(admin, config);
    }
    app = new KembedApp(config, SharedEmbedder.unclosable());
    app.start();
    assertTrue(app.awaitRunning(WAIT), "app reaches RUNNING");

    long t = KafkaTestSupport.T0.toEpochMilli();
    io.sendAvro(config.topic(KembedConfig.TOPIC_POSTS), "p-dog", dog, t);
    io.sendJson(config.topic(KembedConfig.TOPIC_POSTS), "p-couch", couch, t + 1000);
    io.sendAvro(config.topic(KembedConfig.TOPIC_POSTS), "p-plumber", plumber, t + 2000);
    io.sendJson(config.topic(KembedConfig.TOPIC_COMMENTS), "c-seen", seen, t + 3000);
    io.sendAvro(config.topic(KembedConfig.TOPIC_COMMENTS), "c-pickup", pickup, t + 4000);
    // user-a clicks the dog post, then is shown the couch: the exposure's features must use the
    // vector as it was before the impression (the dog post alone).
    io.sendAvro(
        config.topic(KembedConfig.TOPIC_INTERACTIONS),
        "user-a",
        interaction("user-a", "p-dog", InteractionType.CLICK, 60_000),
        t + 60_000);
    io.sendJson(
        config.topic(KembedConfig.TOPIC_INTERACTIONS),
        "user-a",
        interaction("user-a", "p-couch", InteractionType.IMPRESSION, 120_000),
        t + 120_000);
    io.sendAvro(
        config.topic(KembedConfig.TOPIC_SEARCH_QUERIES),
        "user-a",
        SearchQueryEvent.newBuilder()
            .setUserId("user-a")
            .setQuery("lost labrador")
            .setSessionId("s1")
            .setEventTime(KafkaTestSupport.T0.plusMillis(130_000))
            .build(),
        t + 130_000);
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close(Duration.ofSeconds(30));
    }
    io.close();
    kafka.close();
  }

  @Test
  void everyPostAndCommentComesOutOnceWithTheModelsVector() {
    Map<String, String> texts =
        Map.of(
            "p-dog", cleaner.post(dog.getSubject(), dog.getBody()),
            "p-couch", cleaner.post(couch.getSubject(), couch.getBody()),
            "p-plumber", cleaner.post(plumber.getSubject(), plumber.getBody()),
            "c-seen", cleaner.clean(seen.getText()),
            "c-pickup", cleaner.clean(pickup.getText()));
    // Search queries are embedded into the same topic (entity type QUERY); this test is about
    // content.
    List<ConsumerRecord<String, byte[]>> out =
        contentOnly(
            io.read(
                config.topic(KembedConfig.TOPIC_CONTENT_EMBEDDINGS),
                l -> contentOnly(l).size() >= 5,
                WAIT,
                Duration.ofSeconds(1)));
    assertEquals(5, out.size(), "one embedding per post and comment");
    for (var r : out) {
      ContentEmbedding e =
          KembedSerdes.contentEmbedding().deserializer().deserialize(r.topic(), r.value());
      String text = texts.get(r.key());
      assertNotNull(text, "unexpected key " + r.key());
      assertEquals(r.key(), e.getEntityId());
      assertEquals(
          r.key().startsWith("p-") ? EntityType.POST : EntityType.COMMENT, e.getEntityType());
      assertEquals(model.model().id(), e.getModelId());
      assertEquals(ContentHash.of(model.model().id(), text), e.getContentHash());
      assertEquals(384, e.getVector().size());
      assertTrue(
          Vectors.cosine(e.getVector(), model.embed(text)) >= 0.99999,
          "vector of " + r.key() + " is the model's");
    }
    ContentEmbedding c = decode(out, "c-seen");
    assertEquals("p-dog", c.getParentId());
    assertEquals("user-y", c.getAuthorId());
  }

  @Test
  void indexUpdatesUpsertEveryEntityWithItsVector() {
    List<ConsumerRecord<String, byte[]>> all =
        io.read(
            config.topic(KembedConfig.TOPIC_INDEX_UPDATES),
            l -> l.size() >= 5,
            WAIT,
            Duration.ofSeconds(1));
    Map<String, IndexUpdate> byEntity = new HashMap<>();
    for (var r : all) {
      IndexUpdate u = KembedSerdes.indexUpdate().deserializer().deserialize(r.topic(), r.value());
      if (!java.util.Set.of("p-dog", "p-couch", "p-plumber", "c-seen", "c-pickup")
          .contains(u.getEntityId())) {
        continue; // the query index's updates
      }
      assertNull(byEntity.get(u.getEntityId()), "one update per entity: " + u.getEntityId());
      byEntity.put(u.getEntityId(), u);
      assertEquals(IndexOp.UPSERT, u.getOp());
      assertEquals(384, u.getVector().size());
    }
    assertEquals(
        java.util.Set.of("p-dog", "p-couch", "p-plumber", "c-seen", "c-pickup"), byEntity.keySet());
    assertTrue(
        Vectors.cosine(
                byEntity.get("p-dog").getVector(),
                model.embed(cleaner.post(dog.getSubject(), dog.getBody())))
            >= 0.99999);
  }

  @Test
  void commentPostFeaturesAreTheCosineOfTheTwoVectors() {
    String topic = config.topic(KembedConfig.TOPIC_SIMILARITY_FEATURES);
    List<ConsumerRecord<String, byte[]>> out =
        io.read(topic, l -> commentRows(l).size() >= 2, WAIT, Duration.ofSeconds(1));
    List<SimilarityFeatures> rows = commentRows(out);
    assertEquals(2, rows.size(), "one comment-post row per comment");
    for (SimilarityFeatures f : rows) {
      PostEvent p = f.getEntityId().equals("c-seen") ? dog : couch;
      String commentText = f.getEntityId().equals("c-seen") ? seen.getText() : pickup.getText();
      double expected =
          dev.kembed.state.VectorMath.cosine(
              model.embed(cleaner.clean(commentText)),
              model.embed(cleaner.post(p.getSubject(), p.getBody())));
      Double actual =
          f.getFeatures().entrySet().stream()
              .filter(e -> e.getKey().startsWith("cos_comment_post"))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElseThrow();
      assertEquals(expected, actual, 1e-5, "cos_comment_post of " + f.getEntityId());
    }
  }

  @Test
  void userVectorFollowsWhatTheUserEngagedWith() {
    assumeTrue(
        writes(KembedConfig.TOPIC_USER_VECTORS), "this topology does not produce user vectors yet");
    List<ConsumerRecord<String, byte[]>> out =
        io.read(
            config.topic(KembedConfig.TOPIC_USER_VECTORS),
            l -> l.stream().map(this::userVector).anyMatch(v -> v.getUserId().equals("user-a")),
            WAIT,
            Duration.ofSeconds(2));
    float[] dogVector = model.embed(cleaner.post(dog.getSubject(), dog.getBody()));
    List<UserVector> afterClick =
        out.stream()
            .map(this::userVector)
            .filter(
                v ->
                    v.getUserId().equals("user-a")
                        && v.getKind().name().equals("ENGAGEMENT")
                        && v.getEventCount() == 1)
            .toList();
    assertFalse(afterClick.isEmpty(), "user-a has an engagement vector after one click");
    for (UserVector v : afterClick) {
      assertTrue(
          Vectors.cosine(v.getVector(), dogVector) >= 0.9999,
          "one click: the vector is the clicked post's (" + v.getWindow() + ")");
    }
  }

  @Test
  void exposureFeaturesUseTheVectorFromBeforeTheExposure() {
    assumeTrue(
        writes(KembedConfig.TOPIC_USER_VECTORS),
        "this topology does not produce exposure features yet");
    String topic = config.topic(KembedConfig.TOPIC_SIMILARITY_FEATURES);
    List<ConsumerRecord<String, byte[]>> out =
        io.read(topic, l -> exposure(l) != null, WAIT, Duration.ofSeconds(1));
    SimilarityFeatures f = exposure(out);
    assertNotNull(f, "a feature row for user-a's impression of p-couch");
    double expected =
        dev.kembed.state.VectorMath.cosine(
            model.embed(cleaner.post(dog.getSubject(), dog.getBody())),
            model.embed(cleaner.post(couch.getSubject(), couch.getBody())));
    f.getFeatures()
        .forEach(
            (name, value) -> {
              if (name.startsWith("cos_viewer_post") && value != null) {
                assertEquals(expected, value, 1e-4, name);
              }
            });
    assertTrue(
        f.getFeatures().keySet().stream().anyMatch(k -> k.startsWith("cos_viewer_post")),
        "has viewer-post cosines: " + f.getFeatures().keySet());
  }

  @Test
  void searchQueriesAreEmbeddedToo() {
    List<ConsumerRecord<String, byte[]>> out =
        io.read(
            config.topic(KembedConfig.TOPIC_CONTENT_EMBEDDINGS),
            l -> l.size() > contentOnly(l).size(),
            WAIT,
            Duration.ZERO);
    List<ContentEmbedding> queries =
        out.stream()
            .map(
                r ->
                    KembedSerdes.contentEmbedding()
                        .deserializer()
                        .deserialize(r.topic(), r.value()))
            .filter(e -> e.getEntityType() == EntityType.QUERY)
            .toList();
    assumeTrue(!queries.isEmpty(), "this topology does not embed queries");
    assertEquals(1, queries.size());
    assertTrue(
        Vectors.cosine(queries.get(0).getVector(), model.embed(cleaner.clean("lost labrador")))
            >= 0.99999);
  }

  private static List<ConsumerRecord<String, byte[]>> contentOnly(
      List<ConsumerRecord<String, byte[]>> l) {
    return l.stream()
        .filter(r -> r.value() != null)
        .filter(
            r -> {
              EntityType t =
                  KembedSerdes.contentEmbedding()
                      .deserializer()
                      .deserialize(r.topic(), r.value())
                      .getEntityType();
              return t == EntityType.POST || t == EntityType.COMMENT;
            })
        .toList();
  }

  @Test
  void produceCommandPublishesJsonLinesAsAvroThroughTheCli() throws Exception {
    String topic =
        "manual-posts"; // not an input of the running app: its outputs stay as asserted above
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin
          .createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)))
          .all()
          .get();
    }
    java.nio.file.Path file = KafkaTestSupport.tempDir("produce").resolve("posts.jsonl");
    java.nio.file.Files.writeString(
        file,
        String.join(
            "\n",
            "{\"post_id\":\"m1\",\"author_id\":\"u1\",\"subject\":\"Found keys\",\"body\":\"On the"
                + " bench by the pond\",\"event_time\":\"2025-03-03T09:00:00Z\"}",
            "{\"key\":\"m0\",\"value\":null}",
            "{\"post_id\":\"m2\",\"author_id\":\"u2\",\"body\":\"Free plant"
                + " pots\",\"event_time\":1740992400000}"));
    int rc =
        dev.kembed.topology.cli.KembedCli.execute(
            "produce",
            "-b",
            kafka.bootstrapServers(),
            "--topic",
            topic,
            "--type",
            "post",
            file.toString());
    assertEquals(0, rc);
    List<ConsumerRecord<String, byte[]>> out = io.readAtLeast(topic, 3, WAIT, Duration.ZERO);
    assertEquals(List.of("m1", "m0", "m2"), out.stream().map(ConsumerRecord::key).toList());
    assertNull(out.get(1).value(), "the envelope with a null value is a tombstone");
    PostEvent m1 = KembedSerdes.postEvent().deserializer().deserialize(topic, out.get(0).value());
    assertEquals("On the bench by the pond", m1.getBody());
    assertEquals((byte) 0xC3, out.get(0).value()[0], "Avro single-object encoding");
    assertEquals(
        java.time.Instant.parse("2025-03-03T09:00:00Z").toEpochMilli(),
        out.get(0).timestamp(),
        "record time = event time");
  }

  private boolean writes(String topicKey) {
    return KembedTopology.build(config, model)
        .describe()
        .toString()
        .contains("(topic: " + config.topic(topicKey) + ")");
  }

  private SimilarityFeatures exposure(List<ConsumerRecord<String, byte[]>> l) {
    return features(l).stream()
        .filter(f -> f.getViewerId().equals("user-a") && f.getEntityId().equals("p-couch"))
        .findFirst()
        .orElse(null);
  }

  private List<SimilarityFeatures> commentRows(List<ConsumerRecord<String, byte[]>> l) {
    return features(l).stream()
        .filter(
            f -> f.getFeatures().keySet().stream().anyMatch(k -> k.startsWith("cos_comment_post")))
        .toList();
  }

  private static List<SimilarityFeatures> features(List<ConsumerRecord<String, byte[]>> l) {
    return l.stream()
        .filter(r -> r.value() != null)
        .map(
            r -> KembedSerdes.similarityFeatures().deserializer().deserialize(r.topic(), r.value()))
        .toList();
  }

  private UserVector userVector(ConsumerRecord<String, byte[]> r) {
    return KembedSerdes.userVector().deserializer().deserialize(r.topic(), r.value());
  }

  private static ContentEmbedding decode(List<ConsumerRecord<String, byte[]>> out, String key) {
    return out.stream()
        .filter(r -> r.key().equals(key))
        .map(r -> KembedSerdes.contentEmbedding().deserializer().deserialize(r.topic(), r.value()))
        .findFirst()
        .orElseThrow();
  }

  static PostEvent post(String id, String author, String subject, String body, int minute) {
    return PostEvent.newBuilder()
        .setPostId(id)
        .setAuthorId(author)
        .setSubject(subject)
        .setBody(body)
        .setLanguage("en")
        .setEventTime(KafkaTestSupport.T0.plusSeconds(minute))
        .build();
  }

  static CommentEvent comment(String id, String post, String author, String text, int minute) {
    return CommentEvent.newBuilder()
        .setCommentId(id)
        .setPostId(post)
        .setAuthorId(author)
        .setText(text)
        .setEventTime(KafkaTestSupport.T0.plusSeconds(minute))
        .build();
  }

  static InteractionEvent interaction(
      String user, String target, InteractionType type, long offsetMs) {
    return InteractionEvent.newBuilder()
        .setUserId(user)
        .setTargetId(target)
        .setTargetType(EntityType.POST)
        .setInteractionType(type)
        .setSurface(Surface.FEED)
        .setEventTime(KafkaTestSupport.T0.plusMillis(offsetMs))
        .build();
  }
}
