package dev.kembed.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.Surface;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.testkit.EmbeddedKafka;
import dev.kembed.topology.cli.Backfill;
import dev.kembed.topology.cli.KembedApp;
import dev.kembed.topology.cli.TopicCreator;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.errors.DlqHeaders;
import dev.kembed.topology.features.QueryNormalizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Event time on a real broker, the way the issue measured it: 12 users over 120 days of posts,
 * comments, clicks, shares, reactions, impressions, notifications and searches (an interest shift
 * and a newcomer included), in 3 partitions per topic. The same events go in three ways: as one
 * unpaced burst into a running instance, batch by batch (each waited for) into a second instance,
 * and replayed by {@link Backfill} from the burst's topics. Each run's similarity features and
 * final user vectors are checked against {@link Reference}, a from-scratch recomputation written
 * here from the raw events and the published content embeddings, and against each other. No event
 * is late on arrival, so the DLQ must stay empty.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventTimeBurstTest {
  private static final Duration WAIT = Duration.ofSeconds(240);
  private static final long MIN = 60_000L;
  private static final long DAY = 24 * 60 * MIN;
  private static final Instant T0 = Instant.parse("2025-01-06T00:00:00Z");
  private static final String[] TOPICS = {
    "Lost dog near the park, brown labrador", "Selling a used sofa, good condition",
        "Can anyone recommend a plumber?",
    "Car break-in on Maple street last night", "Street festival this weekend with music",
        "Tips for growing tomatoes in pots",
    "Found a grey cat in my garden", "Free moving boxes, pick up today",
        "Looking for a reliable babysitter",
    "Bike stolen outside the library", "Farmers market opens on Saturday",
        "How to compost kitchen scraps"
  };
  private static final String[] QUERIES = {
    "lost dog",
    "Lost Dog!",
    "plumber",
    "babysitter near me",
    "sofa for sale",
    "compost",
    "bike theft",
    "farmers market"
  };

  private EmbeddedKafka kafka;
  private KafkaTestSupport io;
  private final List<Event> events = new ArrayList<>();
  private KembedConfig burst;
  private KembedConfig paced;
  private Map<String, float[]> vectors;

  /** One input event, in the order it is produced. */
  record Event(String topic, String key, Object value, long time) {}

  @BeforeAll
  void runAllThree() throws Exception {
    kafka = EmbeddedKafka.start();
    io = new KafkaTestSupport(kafka.bootstrapServers());
    generate(new Random(20251129));
    burst = config("burst", "");
    paced = config("paced", "paced.");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicCreator.ensure(admin, burst);
      TopicCreator.ensure(admin, paced);
    }
    runLive(burst, false);
    runLive(paced, true);
    vectors = contentVectors(burst);
  }

  private Backfill.Result backfill() throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    Map<String, Object> settings = new HashMap<>(burst.originals());
    settings.put("state.dir", KafkaTestSupport.tempDir("kembed-bf").toString());
    Backfill.Options o =
        new Backfill.Options(
            KafkaTestSupport.uniqueId("bf"), "bf.", null, true, Duration.ofSeconds(1), WAIT);
    Backfill.Result r =
        new Backfill(new KembedConfig(settings), o, new PrintStream(progress, true))
            .run(c -> SharedEmbedder.unclosable());
    System.err.print(progress);
    assertTrue(r.caughtUp(), "backfill caught up:\n" + progress);
    return r;
  }

  @AfterAll
  void stop() {
    io.close();
    kafka.close();
  }

  private KembedConfig config(String name, String prefix) {
    Map<String, Object> s = io.appSettings(KafkaTestSupport.uniqueId(name), prefix, 3);
    s.put(KembedConfig.EMBED_BATCH_SIZE, "16");
    return new KembedConfig(s);
  }

  // ---- the workload ----

  private void generate(Random r) {
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      users.add(String.format(Locale.ROOT, "user-%02d", i));
    }
    List<PostEvent> posts = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      String author = users.get(r.nextInt(11)); // user-11 only shows up late, as a newcomer
      long t = (long) (r.nextDouble() * 110 * DAY);
      String topic = TOPICS[r.nextInt(TOPICS.length)];
      PostEvent p =
          PostEvent.newBuilder()
              .setPostId("post-" + i)
              .setAuthorId(author)
              .setSubject(topic)
              .setBody(topic.toLowerCase(Locale.ROOT) + ", details " + i)
              .setLanguage("en")
              .setEventTime(T0.plusMillis(t))
              .build();
      posts.add(p);
      events.add(new Event(KembedConfig.TOPIC_POSTS, p.getPostId(), p, t));
    }
    for (int i = 0; i < 24; i++) {
      PostEvent p = posts.get(r.nextInt(posts.size()));
      long t =
          p.getEventTime().toEpochMilli()
              - T0.toEpochMilli()
              + MIN
              + (long) (r.nextDouble() * 3 * DAY);
      CommentEvent c =
          CommentEvent.newBuilder()
              .setCommentId("comment-" + i)
              .setPostId(p.getPostId())
              .setAuthorId(users.get(r.nextInt(11)))
              .setText("Re: " + p.getSubject() + " (" + (i % 3 == 0 ? "thanks!" : "me too") + ")")
              .setEventTime(T0.plusMillis(t))
              .build();
      events.add(new Event(KembedConfig.TOPIC_COMMENTS, c.getCommentId(), c, t));
    }
    InteractionType[] types = {
      InteractionType.IMPRESSION,
      InteractionType.IMPRESSION,
      InteractionType.IMPRESSION,
      InteractionType.IMPRESSION,
      InteractionType.IMPRESSION,
      InteractionType.CLICK,
      InteractionType.CLICK,
      InteractionType.SHARE,
      InteractionType.REACT,
      InteractionType.NOTIFICATION_SENT,
      InteractionType.NOTIFICATION_OPEN
    };
    for (int i = 0; i < 720; i++) {
      String user = users.get(r.nextInt(users.size()));
      PostEvent p = posts.get(r.nextInt(posts.size()));
      long postT = p.getEventTime().toEpochMilli() - T0.toEpochMilli();
      // Interest shift: user-00 engages with pets first, with for-sale posts after day 60.
      if (user.equals("user-00")) {
        boolean late = r.nextBoolean();
        p =
            posts.stream()
                .filter(
                    x -> (x.getSubject().contains("dog") || x.getSubject().contains("cat")) != late)
                .skip(r.nextInt(3))
                .findFirst()
                .orElse(p);
        postT = p.getEventTime().toEpochMilli() - T0.toEpochMilli();
      }
      long t = postT + MIN + (long) (r.nextDouble() * 8 * DAY);
      if (user.equals("user-11")) {
        t = Math.max(t, 100 * DAY); // the newcomer
      }
      InteractionEvent e =
          InteractionEvent.newBuilder()
              .setUserId(user)
              .setTargetId(p.getPostId())
              .setTargetType(EntityType.POST)
              .setInteractionType(types[r.nextInt(types.length)])
              .setSurface(r.nextBoolean() ? Surface.FEED : Surface.NOTIFICATION)
              .setEventTime(T0.plusMillis(t))
              .build();
      events.add(new Event(KembedConfig.TOPIC_INTERACTIONS, user, e, t));
    }
    for (int i = 0; i < 90; i++) {
      String user = users.get(r.nextInt(users.size()));
      long t = (long) (r.nextDouble() * 120 * DAY);
      SearchQueryEvent q =
          SearchQueryEvent.newBuilder()
              .setUserId(user)
              .setQuery(QUERIES[r.nextInt(QUERIES.length)])
              .setSessionId("s" + i)
              .setEventTime(T0.plusMillis(t))
              .build();
      events.add(new Event(KembedConfig.TOPIC_SEARCH_QUERIES, user, q, t));
    }
    events.sort(Comparator.comparingLong(Event::time));
  }

  /**
   * Runs an instance over the events: as one unpaced burst, or in eight batches of 15 days of event
   * time, each sent once the rows of the one before are out (the way the issue measured "batch by
   * batch, each batch waited for").
   */
  private void runLive(KembedConfig c, boolean inBatches) throws Exception {
    KembedApp app = new KembedApp(c, SharedEmbedder.unclosable());
    app.start();
    assertTrue(app.awaitRunning(Duration.ofSeconds(60)));
    String features = c.topic(KembedConfig.TOPIC_SIMILARITY_FEATURES);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      long batch = inBatches ? 15 * DAY : Long.MAX_VALUE;
      int rowsSoFar = 0;
      for (long from = 0; from <= 120 * DAY; from += batch) {
        long to = from + batch;
        final long lo = from;
        List<Event> slice =
            events.stream().filter(e -> !inBatchesOrIn(inBatches, e, lo, to)).toList();
        send(producer, c, slice);
        rowsSoFar += rows(slice);
        int want = rowsSoFar;
        io.read(features, l -> l.size() >= want, WAIT, Duration.ZERO);
        if (!inBatches) {
          break;
        }
      }
    }
    try {
      int rows = expectedExposures() + 24;
      io.read(features, l -> l.size() >= rows, WAIT, Duration.ofSeconds(8));
    } finally {
      app.close(Duration.ofSeconds(30));
    }
  }

  private static boolean inBatchesOrIn(boolean inBatches, Event e, long from, long to) {
    return inBatches && (e.time() < from || e.time() >= to);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void send(KafkaProducer<String, byte[]> producer, KembedConfig c, List<Event> slice) {
    for (Event e : slice) {
      String topic = c.topic(e.topic());
      byte[] bytes =
          KembedSerdes.of((Class) e.value().getClass()).serializer().serialize(topic, e.value());
      producer.send(
          new ProducerRecord<>(topic, null, T0.toEpochMilli() + e.time(), e.key(), bytes));
    }
    producer.flush();
  }

  private static int rows(List<Event> slice) {
    return (int)
        slice.stream()
            .filter(
                e ->
                    e.value() instanceof CommentEvent
                        || (e.value() instanceof InteractionEvent i
                            && exposure(i.getInteractionType())))
            .count();
  }

  private int expectedExposures() {
    return (int)
        events.stream()
            .filter(
                e -> e.value() instanceof InteractionEvent i && exposure(i.getInteractionType()))
            .count();
  }

  private static boolean exposure(InteractionType t) {
    return t == InteractionType.IMPRESSION
        || t == InteractionType.NOTIFICATION_SENT
        || t == InteractionType.NOTIFICATION_OPEN;
  }

  // ---- the checks ----

  @Test
  void aBurstGivesExactlyTheRecomputedFeaturesAndVectors() {
    assertMatchesReference(burst, "burst");
  }

  @Test
  void theSameEventsBatchByBatchGiveTheSameValues() {
    assertMatchesReference(paced, "batch by batch");
    assertEquals(features(burst).size(), features(paced).size());
    Map<String, SimilarityFeatures> a = features(burst);
    Map<String, SimilarityFeatures> b = features(paced);
    a.forEach(
        (k, row) ->
            assertSameFeatures(row.getFeatures(), b.get(k).getFeatures(), "paced row " + k));
  }

  @Test
  void aBackfillOfTheBurstGivesTheSameValues() throws Exception {
    Backfill.Result replay = backfill();
    assertEquals(0, replay.embedded(), "the backfill reuses the live embeddings");
    KembedConfig bf = replay.config();
    assertMatchesReference(bf, "backfill");
    Map<String, SimilarityFeatures> live = features(burst);
    Map<String, SimilarityFeatures> back = features(bf);
    assertEquals(live.keySet(), back.keySet());
    live.forEach(
        (k, row) ->
            assertSameFeatures(row.getFeatures(), back.get(k).getFeatures(), "replayed row " + k));
    Map<String, UserVector> liveUsers = finalUserVectors(burst);
    Map<String, UserVector> backUsers = finalUserVectors(bf);
    assertEquals(liveUsers.keySet(), backUsers.keySet());
    liveUsers.forEach(
        (k, v) -> {
          assertEquals(
              v.getEventCount(), backUsers.get(k).getEventCount(), "replayed user vector " + k);
          assertTrue(
              Vectors.cosine(v.getVector(), backUsers.get(k).getVector()) >= 1 - 1e-9,
              "replayed user vector " + k);
        });
  }

  /**
   * The same feature names, the same nulls, and values within 1e-12 (sums may add in another
   * order).
   */
  private static void assertSameFeatures(
      Map<String, Double> want, Map<String, Double> have, String what) {
    assertEquals(want.keySet(), have.keySet(), what);
    want.forEach(
        (name, v) -> {
          Double w = have.get(name);
          assertEquals(v == null, w == null, what + " " + name);
          if (v != null) {
            assertEquals(v, w, 1e-12, what + " " + name);
          }
        });
  }

  @Test
  void nothingIsLateOnArrivalSoTheDlqStaysEmpty() {
    for (KembedConfig c : List.of(burst, paced)) {
      List<ConsumerRecord<String, byte[]>> dead =
          io.read(
              c.topic(KembedConfig.TOPIC_DLQ), l -> false, Duration.ofSeconds(2), Duration.ZERO);
      List<String> reasons =
          dead.stream().map(r -> DlqHeaders.read(r.headers(), DlqHeaders.REASON)).toList();
      assertEquals(List.of(), reasons, c.topic(KembedConfig.TOPIC_DLQ));
    }
  }

  private void assertMatchesReference(KembedConfig c, String run) {
    Reference ref = new Reference(events, vectors);
    Map<String, SimilarityFeatures> rows = features(c);
    int exposures = 0;
    int differing = 0;
    double worst = 0;
    List<String> diffs = new ArrayList<>();
    for (Event e : events) {
      if (!(e.value() instanceof InteractionEvent i) || !exposure(i.getInteractionType())) {
        continue;
      }
      exposures++;
      SimilarityFeatures row = rows.get(i.getUserId() + "|" + i.getTargetId() + "|" + e.time());
      assertNotNull(row, run + ": no row for " + i);
      Map<String, Double> want = ref.features(i.getUserId(), i.getTargetId(), e.time());
      boolean differs = false;
      for (var f : want.entrySet()) {
        Double have = row.getFeatures().get(f.getKey());
        double d =
            f.getValue() == null || have == null
                ? (f.getValue() == have ? 0 : Double.POSITIVE_INFINITY)
                : Math.abs(f.getValue() - have);
        worst = Math.max(worst, d);
        if (d > 1e-9) {
          differs = true;
          diffs.add(
              i.getUserId()
                  + "|"
                  + i.getTargetId()
                  + "@"
                  + e.time()
                  + " "
                  + f.getKey()
                  + " want "
                  + f.getValue()
                  + " have "
                  + have);
        }
      }
      differing += differs ? 1 : 0;
    }
    // Comment rows: cosine of comment and post, content only.
    for (Event e : events) {
      if (e.value() instanceof CommentEvent cm) {
        SimilarityFeatures row =
            rows.get(cm.getAuthorId() + "|" + cm.getCommentId() + "|" + e.time());
        assertNotNull(row, run + ": no comment row for " + cm.getCommentId());
        assertEquals(
            Reference.cos(vectors.get(cm.getCommentId()), vectors.get(cm.getPostId())),
            row.getFeatures().get("cos_comment_post"),
            1e-9);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%s: %d exposure rows, %d differ from the recomputation (%.2f %%), largest difference"
            + " %.3g%n",
        run,
        exposures,
        differing,
        100.0 * differing / exposures,
        worst);
    assertEquals(
        List.of(),
        diffs.subList(0, Math.min(20, diffs.size())),
        run + ": " + differing + " of " + exposures + " rows differ");
    java.util.Set<String> expectedKeys = new java.util.HashSet<>();
    for (Event e : events) {
      if (e.value() instanceof InteractionEvent i && exposure(i.getInteractionType())) {
        expectedKeys.add(i.getUserId() + "|" + i.getTargetId() + "|" + e.time());
      } else if (e.value() instanceof CommentEvent cm) {
        expectedKeys.add(cm.getAuthorId() + "|" + cm.getCommentId() + "|" + e.time());
      }
    }
    assertEquals(expectedKeys, rows.keySet(), run + ": one row per exposure and comment, no other");
    assertEquals(exposures + 24, featureCount(c), run + ": no row twice");

    Map<String, UserVector> users = finalUserVectors(c);
    Map<String, double[]> expected = ref.finalVectors();
    assertEquals(expected.keySet(), users.keySet(), run + ": the same non-empty user vectors");
    expected.forEach(
        (k, acc) -> {
          UserVector v = users.get(k);
          int dim = acc.length - 2;
          assertEquals((long) acc[dim + 1], v.getEventCount(), run + " count " + k);
          assertEquals(acc[dim], v.getTotalWeight(), 1e-9 * acc[dim], run + " weight " + k);
          float[] unit = new float[dim];
          for (int j = 0; j < dim; j++) {
            unit[j] = v.getVector().get(j);
          }
          assertTrue(
              Reference.cos(java.util.Arrays.copyOf(acc, dim), unit) >= 1 - 1e-9,
              run + " direction " + k);
        });
  }

  private Map<String, float[]> contentVectors(KembedConfig c) {
    Map<String, float[]> out = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r :
        io.read(
            c.topic(KembedConfig.TOPIC_CONTENT_EMBEDDINGS),
            l -> false,
            Duration.ofSeconds(3),
            Duration.ZERO)) {
      if (r.value() != null) {
        ContentEmbedding e =
            KembedSerdes.contentEmbedding().deserializer().deserialize(r.topic(), r.value());
        out.put(e.getEntityId(), Vectors.of(e.getVector()));
      }
    }
    return out;
  }

  private Map<String, SimilarityFeatures> features(KembedConfig c) {
    Map<String, SimilarityFeatures> out = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r :
        io.read(
            c.topic(KembedConfig.TOPIC_SIMILARITY_FEATURES),
            l -> false,
            Duration.ofSeconds(3),
            Duration.ZERO)) {
      SimilarityFeatures f =
          KembedSerdes.similarityFeatures().deserializer().deserialize(r.topic(), r.value());
      out.put(
          f.getViewerId()
              + "|"
              + f.getEntityId()
              + "|"
              + (f.getEventTime().toEpochMilli() - T0.toEpochMilli()),
          f);
    }
    return out;
  }

  private int featureCount(KembedConfig c) {
    return io.read(
            c.topic(KembedConfig.TOPIC_SIMILARITY_FEATURES),
            l -> false,
            Duration.ofSeconds(3),
            Duration.ZERO)
        .size();
  }

  private Map<String, UserVector> finalUserVectors(KembedConfig c) {
    Map<String, UserVector> out = new TreeMap<>();
    for (ConsumerRecord<String, byte[]> r :
        io.read(
            c.topic(KembedConfig.TOPIC_USER_VECTORS),
            l -> false,
            Duration.ofSeconds(3),
            Duration.ZERO)) {
      if (r.value() == null) {
        out.remove(r.key());
      } else {
        out.put(
            r.key(), KembedSerdes.userVector().deserializer().deserialize(r.topic(), r.value()));
      }
    }
    return out;
  }

  /**
   * The recomputation, from the raw events and the embeddings kembed published for each post,
   * comment and normalised query. Weights are the documented defaults; a window W with tile τ
   * counts an event at e, seen from t, when e is before t and floor(e/τ)·τ > floor(t/τ)·τ − W
   * (docs/user-vectors.md); P7D has hourly tiles, P30D and P90D daily ones.
   */
  static final class Reference {
    private static final Map<InteractionType, Double> WEIGHTS =
        Map.of(
            InteractionType.CLICK,
            2.0,
            InteractionType.SHARE,
            3.0,
            InteractionType.REACT,
            2.0,
            InteractionType.NOTIFICATION_OPEN,
            2.0,
            InteractionType.IMPRESSION,
            0.1,
            InteractionType.NOTIFICATION_SENT,
            0.0);
    private static final String[] WINDOWS = {"P7D", "P30D", "P90D"};
    private static final long HOUR = 3_600_000L;
    private static final long[][] W = {{7 * DAY, HOUR}, {30 * DAY, DAY}, {90 * DAY, DAY}};

    /** One write to a user's vectors. */
    record Write(String user, String kind, long time, double weight, float[] vec) {}

    private final List<Write> writes = new ArrayList<>();
    private final Map<String, String> authors = new HashMap<>();
    private final Map<String, float[]> vectors;

    Reference(List<Event> events, Map<String, float[]> vectors) {
      this.vectors = vectors;
      for (Event e : events) {
        long t = T0.toEpochMilli() + e.time();
        if (e.value() instanceof PostEvent p) {
          authors.put(p.getPostId(), p.getAuthorId());
          writes.add(new Write(p.getAuthorId(), "ENGAGEMENT", t, 5.0, vectors.get(p.getPostId())));
        } else if (e.value() instanceof CommentEvent c) {
          writes.add(
              new Write(c.getAuthorId(), "ENGAGEMENT", t, 4.0, vectors.get(c.getCommentId())));
        } else if (e.value() instanceof InteractionEvent i) {
          double w = WEIGHTS.get(i.getInteractionType());
          if (w > 0) {
            writes.add(new Write(i.getUserId(), "ENGAGEMENT", t, w, vectors.get(i.getTargetId())));
          }
        } else if (e.value() instanceof SearchQueryEvent q) {
          writes.add(
              new Write(
                  q.getUserId(),
                  "SEARCH_INTENT",
                  t,
                  1.0,
                  vectors.get(QueryNormalizer.normalize(q.getQuery()))));
        }
      }
      writes.forEach(
          w -> assertNotNull(w.vec(), "no published embedding for a write of " + w.user()));
    }

    private double[] window(String user, String kind, long t, int w, boolean before) {
      int dim = writes.get(0).vec().length;
      double[] acc = new double[dim + 2];
      for (Write x : writes) {
        if (!x.user().equals(user)
            || !x.kind().equals(kind)
            || (before ? x.time() >= t : x.time() > t)) {
          continue;
        }
        long tile = W[w][1];
        if (Math.floorDiv(x.time(), tile) * tile <= Math.floorDiv(t, tile) * tile - W[w][0]) {
          continue;
        }
        for (int k = 0; k < dim; k++) {
          acc[k] += x.weight() * x.vec()[k];
        }
        acc[dim] += x.weight();
        acc[dim + 1]++;
      }
      return acc;
    }

    private static double[] mean(double[] acc) {
      int dim = acc.length - 2;
      if (acc[dim + 1] == 0 || acc[dim] == 0) {
        return null;
      }
      double[] m = new double[dim];
      for (int k = 0; k < dim; k++) {
        m[k] = acc[k] / acc[dim];
      }
      return m;
    }

    static Double cos(double[] a, float[] b) {
      if (a == null || b == null) {
        return null;
      }
      double[] d = new double[b.length];
      for (int k = 0; k < b.length; k++) {
        d[k] = b[k];
      }
      return cos(a, d);
    }

    static Double cos(float[] a, float[] b) {
      double[] d = new double[a.length];
      for (int k = 0; k < a.length; k++) {
        d[k] = a[k];
      }
      return cos(d, b);
    }

    static Double cos(double[] a, double[] b) {
      if (a == null || b == null) {
        return null;
      }
      double dot = 0, na = 0, nb = 0;
      for (int k = 0; k < a.length; k++) {
        dot += a[k] * b[k];
        na += a[k] * a[k];
        nb += b[k] * b[k];
      }
      return na == 0 || nb == 0 ? null : dot / (Math.sqrt(na) * Math.sqrt(nb));
    }

    Map<String, Double> features(String viewer, String post, long offset) {
      long t = T0.toEpochMilli() + offset;
      float[] x = vectors.get(post);
      Map<String, Double> f = new HashMap<>();
      for (int w = 0; w < WINDOWS.length; w++) {
        String l = WINDOWS[w].toLowerCase(Locale.ROOT);
        double[] v = mean(window(viewer, "ENGAGEMENT", t, w, true));
        double[] intent = mean(window(viewer, "SEARCH_INTENT", t, w, true));
        double[] author = mean(window(authors.get(post), "ENGAGEMENT", t, w, true));
        f.put("cos_viewer_post_" + l, cos(v, x));
        Double dot = null;
        if (v != null) {
          double d = 0;
          for (int k = 0; k < x.length; k++) {
            d += v[k] * x[k];
          }
          dot = d;
        }
        f.put("dot_viewer_post_" + l, dot);
        f.put("cos_intent_post_" + l, cos(intent, x));
        f.put("cos_viewer_author_" + l, cos(v, author));
      }
      return f;
    }

    /** Each non-empty (user|KIND|window) at the user's last event of that kind: Σw·v, Σw, count. */
    Map<String, double[]> finalVectors() {
      Map<String, Long> asOf = new HashMap<>();
      for (Write x : writes) {
        asOf.merge(x.user() + "|" + x.kind(), x.time(), Math::max);
      }
      Map<String, double[]> out = new TreeMap<>();
      asOf.forEach(
          (uk, t) -> {
            String[] p = uk.split("\\|");
            for (int w = 0; w < WINDOWS.length; w++) {
              double[] acc = window(p[0], p[1], t, w, false);
              if (acc[acc.length - 1] > 0 && acc[acc.length - 2] > 0) {
                out.put(p[0] + "|" + p[1] + "|" + WINDOWS[w], acc);
              }
            }
          });
      return out;
    }
  }
}
