package dev.kembed.topology.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.state.window.Resolution;
import dev.kembed.state.window.WindowConfig;
import dev.kembed.topology.KembedTopology;
import dev.kembed.topology.features.InteractionWeights;
import dev.kembed.topology.internal.InternalSerdes;
import dev.kembed.topology.internal.PartialFeatureRow;
import dev.kembed.topology.internal.UserSignal;
import dev.kembed.topology.time.MulticastPartitioner;
import dev.kembed.topology.time.TaskClockStore;
import dev.kembed.topology.time.TaskLocalStore;
import dev.kembed.topology.time.Watermarks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user-vector processors against random arrival orders. Each scenario is one set of signals
 * (authored posts, clicks, shares, impressions that log features, searches) for six users over 100
 * days, delivered in a random permutation — what several upstream tasks writing into one
 * repartition partition can do — with watermark markers at random points that promise only what was
 * already delivered. Whatever the order, every feature row and every final user vector must equal
 * {@link #reference}, an independent from-scratch recomputation over the raw events in this test
 * (the window rule of docs/user-vectors.md: an event at e counts at t if e &lt; t and its tile
 * starts after tileStart(t) − W), and nothing may arrive behind the watermark.
 */
class EventTimeOrderPropertyTest {
  private static final String SIGNALS = "signals";
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;
  private static final long T0 = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli();
  private static final List<String> WINDOWS = List.of("P7D", "P30D", "P90D");
  private static final long[][] WINDOW_TILE = {{7 * DAY, HOUR}, {30 * DAY, DAY}, {90 * DAY, DAY}};
  private static final Map<String, Double> WEIGHTS =
      Map.of("CREATE", 5.0, "CLICK", 2.0, "SHARE", 3.0, "IMPRESSION", 0.1, "SEARCH", 1.0);
  private static final int DIM = 6;

  @TempDir Path stateDir;

  /** One signal of the scenario. */
  record Ev(
      String user,
      String kind,
      String type,
      long time,
      float[] vec,
      String target,
      String author,
      boolean exposure,
      int seq) {
    double weight() {
      return WEIGHTS.get(type);
    }
  }

  @Test
  void featuresAndVectorsDoNotDependOnArrivalOrder() {
    int scenarios = 0;
    int rows = 0;
    for (long seed = 1; seed <= 12; seed++) {
      List<Ev> events = scenario(new Random(seed));
      for (int order = 0; order < 5; order++) {
        // The fourth order lets a release punctuation read only 3 timeline items, so nearly
        // every release stops short and publishes only what it did (a watermark that jumps by
        // hours in a backfill must not hold one transaction open for all of it).
        int maxItems = order == 3 ? 3 : UserVectorProcessor.RELEASE_MAX_ITEMS;
        // The others cache 2 window sums, so most reads recompute from the tiles; the fifth
        // caches them all, so a read through a cache that missed a write would show. The same
        // number bounds the held writes whose vectors the index keeps: with 2, reads ahead mix
        // kept vectors and ones read from the timeline; with 10,000 every one is kept.
        int cachedSums = order == 4 ? 10_000 : 2;
        rows +=
            runAndCheck(events, new Random(seed * 1000 + order), order == 0, maxItems, cachedSums);
        scenarios++;
      }
    }
    assertEquals(60, scenarios);
    assertTrue(rows > 500, "too few feature rows checked: " + rows);
  }

  private static List<Ev> scenario(Random r) {
    List<Ev> out = new ArrayList<>();
    List<String> users = List.of("u0", "u1", "u2", "u3", "u4", "u5");
    List<Ev> posts = new ArrayList<>();
    int seq = 0;
    for (int i = 0; i < 16; i++) {
      String author = users.get(r.nextInt(users.size()));
      long t = T0 + (long) (r.nextDouble() * 90 * DAY);
      Ev create = new Ev(author, "ENGAGEMENT", "CREATE", t, unit(r), "p" + i, author, false, seq++);
      posts.add(create);
      out.add(create);
    }
    String[] types = {"CLICK", "SHARE", "IMPRESSION", "IMPRESSION"};
    for (int i = 0; i < 140; i++) {
      Ev post = posts.get(r.nextInt(posts.size()));
      String user = users.get(r.nextInt(users.size()));
      // Some events share a millisecond with another: reads must not see writes of their own time.
      long t =
          i % 17 == 0 && !out.isEmpty()
              ? out.get(r.nextInt(out.size())).time()
              : post.time() + (long) (r.nextDouble() * 20 * DAY);
      String type = types[r.nextInt(types.length)];
      out.add(
          new Ev(
              user,
              "ENGAGEMENT",
              type,
              t,
              post.vec(),
              post.target(),
              post.author(),
              type.equals("IMPRESSION"),
              seq++));
    }
    for (int i = 0; i < 40; i++) {
      String user = users.get(r.nextInt(users.size()));
      out.add(
          new Ev(
              user,
              "SEARCH_INTENT",
              "SEARCH",
              T0 + (long) (r.nextDouble() * 100 * DAY),
              unit(r),
              "q" + i,
              null,
              false,
              seq++));
    }
    return out;
  }

  private static float[] unit(Random r) {
    float[] v = new float[DIM];
    double n = 0;
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) r.nextGaussian();
      n += v[i] * v[i];
    }
    for (int i = 0; i < DIM; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }

  private int runAndCheck(
      List<Ev> events, Random r, boolean oneFinalMarker, int maxItems, int cachedSums) {
    Serde<UserSignal> signalSerde = InternalSerdes.of(UserSignal.class);
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            topology(signalSerde, maxItems, cachedSums), props(), Instant.ofEpochMilli(T0))) {
      TestInputTopic<String, UserSignal> in =
          driver.createInputTopic(SIGNALS, new StringSerializer(), signalSerde.serializer());
      TestOutputTopic<String, UserVector> vectors =
          driver.createOutputTopic(
              "uv", new StringDeserializer(), KembedSerdes.of(UserVector.class).deserializer());
      TestOutputTopic<String, SimilarityFeatures> features =
          driver.createOutputTopic(
              "rows",
              new StringDeserializer(),
              KembedSerdes.of(SimilarityFeatures.class).deserializer());
      List<Ev> arrival = new ArrayList<>(events);
      Collections.shuffle(arrival, r);
      for (int i = 0; i < arrival.size(); i++) {
        Ev e = arrival.get(i);
        in.pipeInput(e.user(), signal(e));
        if (!oneFinalMarker && r.nextInt(8) == 0) {
          // The largest promise this upstream task can make: everything before the earliest
          // signal it has not delivered yet. Sometimes a smaller one.
          long earliestLeft = Long.MAX_VALUE;
          for (int j = i + 1; j < arrival.size(); j++) {
            earliestLeft = Math.min(earliestLeft, arrival.get(j).time());
          }
          long wm =
              earliestLeft == Long.MAX_VALUE
                  ? Long.MAX_VALUE / 2
                  : earliestLeft - 1 - (r.nextBoolean() ? 0 : r.nextInt((int) DAY));
          marker(in, wm);
          driver.advanceWallClockTime(Duration.ofMillis(100));
        }
      }
      marker(in, Long.MAX_VALUE / 2);
      // Enough punctuations to release everything, 3 items at a time when capped.
      int rounds = maxItems < 100 ? 4 + 4 * arrival.size() : 4;
      for (int i = 0; i < rounds; i++) {
        driver.advanceWallClockTime(Duration.ofMillis(100));
      }
      List<SimilarityFeatures> got = features.readValuesToList();
      Map<String, UserVector> finalVectors = new HashMap<>();
      vectors.readRecordsToList().forEach(kv -> finalVectors.put(kv.key(), kv.value()));
      checkFeatures(events, got);
      checkVectors(events, finalVectors);
      double behind =
          driver.metrics().entrySet().stream()
              .filter(m -> m.getKey().name().equals("behind-watermark-total"))
              .mapToDouble(m -> ((Number) m.getValue().metricValue()).doubleValue())
              .sum();
      assertEquals(0.0, behind, "signals or rows arrived behind the watermark");
      return got.size();
    }
  }

  private static void marker(TestInputTopic<String, UserSignal> in, long wm) {
    var headers = Watermarks.headers(new Watermarks.Marker(SIGNALS, 0, 1, wm, false));
    in.pipeInput(new TestRecord<>(Watermarks.KEY, null, headers, Instant.ofEpochMilli(T0)));
  }

  private static UserSignal signal(Ev e) {
    List<Float> v = new ArrayList<>();
    for (float f : e.vec()) {
      v.add(f);
    }
    return UserSignal.newBuilder()
        .setUserId(e.user())
        .setKind(e.kind())
        .setEventType(e.type())
        .setTargetId(e.target())
        .setTargetType(e.kind().equals("SEARCH_INTENT") ? "QUERY" : "POST")
        .setTargetAuthorId(e.author())
        .setSurface(e.kind().equals("SEARCH_INTENT") ? "SEARCH" : "FEED")
        .setExposure(e.exposure())
        .setEventTime(e.time())
        .setModelId("m@1")
        .setVector(v)
        .setSourceTopic("in")
        .setSourcePartition(0)
        .setSourceOffset(e.seq())
        .build();
  }

  private static org.apache.kafka.streams.Topology topology(
      Serde<UserSignal> signalSerde, int maxItems, int cachedSums) {
    StreamsBuilder b = new StreamsBuilder();
    var stores = KembedTopology.USER_STORES;
    for (String s : List.of(stores.tiles(), stores.timeline())) {
      b.addStateStore(
          Stores.keyValueStoreBuilder(
              Stores.inMemoryKeyValueStore(s), Serdes.Bytes(), Serdes.ByteArray()));
    }
    for (String s : List.of(stores.emits(), stores.released())) {
      b.addStateStore(
          Stores.keyValueStoreBuilder(
              Stores.inMemoryKeyValueStore(s), Serdes.String(), Serdes.Long()));
    }
    b.addStateStore(TaskClockStore.builder(stores.clock(), 0, 0));
    b.addStateStore(TaskLocalStore.builder(stores.shared(), TaskLocalStore.Once::new));
    WindowConfig windows = WindowConfig.of(WINDOWS, Resolution.defaults(), Duration.ofDays(1));
    SignalWeights weights =
        new SignalWeights(InteractionWeights.parse("CREATE:5,CLICK:2,SHARE:3,IMPRESSION:0.1"), 1.0);
    Serde<SimilarityFeatures> featureSerde = KembedSerdes.of(SimilarityFeatures.class);
    KStream<String, UserVectorOutput> users =
        b.stream(SIGNALS, Consumed.with(Serdes.String(), signalSerde))
            .process(
                () ->
                    new WatermarkReceiver<UserSignal>(
                        stores.clock(), UserVectorProcessor.SIGNALS, SIGNALS, 1),
                Named.as("in"),
                stores.clock())
            .process(
                () ->
                    new UserVectorProcessor(
                        stores,
                        windows,
                        weights,
                        0,
                        100,
                        cachedSums,
                        cachedSums,
                        featureSerde,
                        maxItems),
                Named.as("users"),
                stores.all());
    users
        .filter((k, v) -> v instanceof UserVectorOutput.Vector)
        .mapValues(v -> ((UserVectorOutput.Vector) v).value().vector())
        .to("uv", Produced.with(Serdes.String(), KembedSerdes.of(UserVector.class)));
    users
        .filter((k, v) -> v instanceof UserVectorOutput.Row)
        .mapValues(v -> ((UserVectorOutput.Row) v).value())
        .to("rows", Produced.with(Serdes.String(), featureSerde));
    users
        .filter((k, v) -> v instanceof UserVectorOutput.Partial)
        .mapValues(v -> ((UserVectorOutput.Partial) v).value())
        .process(
            () ->
                new WatermarkForwarder<PartialFeatureRow>(
                    stores.clock(), "rows-by-author", 1, 100, UserVectorProcessor.VIEWER_RELEASED),
            Named.as("rows-out"),
            stores.clock())
        .repartition(
            Repartitioned.with(Serdes.String(), InternalSerdes.of(PartialFeatureRow.class))
                .withName("rows-by-author")
                .withStreamPartitioner(new MulticastPartitioner<>()))
        .process(
            () ->
                new WatermarkReceiver<PartialFeatureRow>(
                    stores.clock(), UserVectorProcessor.ROWS, "rows-by-author", 1),
            Named.as("rows-in"),
            stores.clock())
        .process(
            () ->
                new AuthorFeatureProcessor(
                    stores, windows, weights, cachedSums, cachedSums, featureSerde),
            Named.as("authors"),
            stores.all())
        .to("rows", Produced.with(Serdes.String(), featureSerde));
    return b.build();
  }

  private Properties props() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "order-property");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return p;
  }

  // ---- the independent recomputation ----

  private static long tileStart(long t, long tile) {
    return Math.floorDiv(t, tile) * tile;
  }

  /**
   * Σw·v, Σw and count over (user, kind)'s events at or before {@code upTo} (strictly before when
   * {@code strict}) in window w at t.
   */
  private static double[] window(
      List<Ev> events, String user, String kind, long t, int w, boolean strict) {
    double[] acc = new double[DIM + 2];
    for (Ev e : events) {
      if (!e.user().equals(user)
          || !e.kind().equals(kind)
          || (strict ? e.time() >= t : e.time() > t)) {
        continue;
      }
      if (tileStart(e.time(), WINDOW_TILE[w][1])
          <= tileStart(t, WINDOW_TILE[w][1]) - WINDOW_TILE[w][0]) {
        continue;
      }
      for (int k = 0; k < DIM; k++) {
        acc[k] += e.weight() * e.vec()[k];
      }
      acc[DIM] += e.weight();
      acc[DIM + 1]++;
    }
    return acc;
  }

  private static double[] mean(double[] acc) {
    if (acc[DIM + 1] == 0 || acc[DIM] == 0) {
      return null;
    }
    double[] m = new double[DIM];
    for (int k = 0; k < DIM; k++) {
      m[k] = acc[k] / acc[DIM];
    }
    return m;
  }

  private static Double cos(double[] a, float[] b) {
    if (a == null || b == null) {
      return null;
    }
    double d = 0, na = 0, nb = 0;
    for (int k = 0; k < DIM; k++) {
      d += a[k] * b[k];
      na += a[k] * a[k];
      nb += (double) b[k] * b[k];
    }
    return na == 0 || nb == 0 ? null : d / Math.sqrt(na * nb);
  }

  private static Double cos(double[] a, double[] b) {
    if (a == null || b == null) {
      return null;
    }
    double d = 0, na = 0, nb = 0;
    for (int k = 0; k < DIM; k++) {
      d += a[k] * b[k];
      na += a[k] * a[k];
      nb += b[k] * b[k];
    }
    return na == 0 || nb == 0 ? null : d / Math.sqrt(na * nb);
  }

  /** The expected features of one exposure. */
  static Map<String, Double> reference(List<Ev> events, Ev x) {
    Map<String, Double> f = new HashMap<>();
    for (int w = 0; w < WINDOWS.size(); w++) {
      String l = WINDOWS.get(w).toLowerCase();
      double[] viewer = mean(window(events, x.user(), "ENGAGEMENT", x.time(), w, true));
      double[] intent = mean(window(events, x.user(), "SEARCH_INTENT", x.time(), w, true));
      double[] author = mean(window(events, x.author(), "ENGAGEMENT", x.time(), w, true));
      f.put("cos_viewer_post_" + l, cos(viewer, x.vec()));
      Double dot = null;
      if (viewer != null) {
        double d = 0;
        for (int k = 0; k < DIM; k++) {
          d += viewer[k] * x.vec()[k];
        }
        dot = d;
      }
      f.put("dot_viewer_post_" + l, dot);
      f.put("cos_intent_post_" + l, cos(intent, x.vec()));
      f.put("cos_viewer_author_" + l, cos(viewer, author));
    }
    return f;
  }

  private static void checkFeatures(List<Ev> events, List<SimilarityFeatures> got) {
    Map<String, SimilarityFeatures> byKey = new HashMap<>();
    for (SimilarityFeatures row : got) {
      String key =
          row.getViewerId() + "|" + row.getEntityId() + "|" + row.getEventTime().toEpochMilli();
      // Two exposures of one viewer to one post in the same millisecond would be one key: rare,
      // skip.
      byKey.put(key, row);
    }
    int expected = 0;
    for (Ev x : events) {
      if (!x.exposure()) {
        continue;
      }
      expected++;
      SimilarityFeatures row = byKey.get(x.user() + "|" + x.target() + "|" + x.time());
      assertNotNull(row, "no feature row for " + x);
      Map<String, Double> want = reference(events, x);
      for (var e : want.entrySet()) {
        Double have = row.getFeatures().get(e.getKey());
        if (e.getValue() == null) {
          assertNull(have, e.getKey() + " of " + x);
        } else {
          assertNotNull(have, e.getKey() + " of " + x);
          assertEquals(e.getValue(), have, 1e-9, e.getKey() + " of " + x);
        }
      }
    }
    assertEquals(expected, got.size(), "one row per exposure");
  }

  private static void checkVectors(List<Ev> events, Map<String, UserVector> finalVectors) {
    Map<String, Long> asOf = new HashMap<>();
    for (Ev e : events) {
      asOf.merge(e.user() + "|" + e.kind(), e.time(), Math::max);
    }
    for (var uk : asOf.entrySet()) {
      String[] p = uk.getKey().split("\\|");
      for (int w = 0; w < WINDOWS.size(); w++) {
        double[] acc = window(events, p[0], p[1], uk.getValue(), w, false);
        UserVector v = finalVectors.get(p[0] + "|" + p[1] + "|" + WINDOWS.get(w));
        if (acc[DIM + 1] == 0) {
          assertNull(v, "empty window " + uk.getKey() + " " + WINDOWS.get(w));
          continue;
        }
        assertNotNull(v, uk.getKey() + " " + WINDOWS.get(w));
        assertEquals(
            (long) acc[DIM + 1], v.getEventCount(), "count " + uk.getKey() + " " + WINDOWS.get(w));
        assertEquals(acc[DIM], v.getTotalWeight(), 1e-9 * acc[DIM], "weight " + uk.getKey());
        float[] unit = new float[DIM];
        for (int k = 0; k < DIM; k++) {
          unit[k] = v.getVector().get(k);
        }
        double[] sum = java.util.Arrays.copyOf(acc, DIM);
        assertTrue(
            cos(sum, unit) >= 1 - 1e-9,
            "direction " + uk.getKey() + " " + WINDOWS.get(w) + ": " + cos(sum, unit));
      }
    }
  }
}
