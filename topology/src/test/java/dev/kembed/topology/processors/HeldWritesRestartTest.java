package dev.kembed.topology.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.Surface;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.schemas.vector.PackedVectors;
import dev.kembed.state.window.Resolution;
import dev.kembed.state.window.WindowConfig;
import dev.kembed.topology.KembedTopology;
import dev.kembed.topology.features.InteractionWeights;
import dev.kembed.topology.internal.PartialFeatureRow;
import dev.kembed.topology.internal.UserSignal;
import dev.kembed.topology.time.TaskClockStore;
import dev.kembed.topology.time.TaskLocalStore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The user-vector task's held writes survive a restart. They are indexed in memory only ({@link
 * dev.kembed.topology.time.HeldWrites}), so a new processor over the same stores, as Streams makes
 * after a restore or a revival, must rebuild the index from the timeline: an exposure read ahead of
 * the watermark then still sees the viewer's writes that wait in the timeline, and an exposure row
 * completed on its author's partition on arrival sees the author's. The expected features are
 * recomputed here from the raw vectors.
 */
class HeldWritesRestartTest {
  private static final long T0 = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli();
  private static final long HOUR = 3_600_000L;
  private static final float[] A = {1, 0, 0, 0};
  private static final float[] B = {0.6f, 0.8f, 0, 0};
  private static final float[] C = {0, 0.6f, 0.8f, 0};

  private final KeyValueStore<Bytes, byte[]> tiles =
      store(KembedTopology.USER_TILE_STORE, Serdes.Bytes(), Serdes.ByteArray());
  private final KeyValueStore<Bytes, byte[]> timeline =
      store(KembedTopology.USER_TIMELINE_STORE, Serdes.Bytes(), Serdes.ByteArray());
  private final KeyValueStore<String, Long> emits =
      store(KembedTopology.USER_EMIT_STORE, Serdes.String(), Serdes.Long());
  private final KeyValueStore<String, Long> released =
      store(KembedTopology.USER_RELEASED_STORE, Serdes.String(), Serdes.Long());

  @Test
  void anExposureAfterARestartSeesTheWritesStillHeld() {
    // Before the restart: two clicks arrive ahead of every watermark and wait in the timeline.
    var first = start();
    first.processor.process(signal("CLICK", false, T0 + HOUR, A, 1));
    first.processor.process(signal("CLICK", false, T0 + 2 * HOUR, B, 2));
    assertEquals(2, timeline.approximateNumEntries());

    // A new processor over the same stores, with a fresh clock, as after a restore.
    var second = start();
    second.processor.process(signal("IMPRESSION", true, T0 + 3 * HOUR, C, 3));
    // The signals' watermark passes the exposure; the rows' watermark has not spoken, so nothing
    // is applied to the tiles and the clicks stay held: the row can only see them through the
    // index.
    second.watermarks(T0 + 10 * HOUR, null);
    second.punctuate(100);

    List<SimilarityFeatures> rows = rows(second.context);
    assertEquals(1, rows.size());
    // Both clicks weigh 2: the viewer's P7D mean is (A + B) / 2, and a cosine ignores the scale.
    double expected = cosine(new double[] {A[0] + B[0], A[1] + B[1], 0, 0}, C);
    assertEquals(expected, rows.get(0).getFeatures().get("cos_viewer_post_p7d"), 1e-6);
    assertEquals(0, tiles.approximateNumEntries(), "nothing was applied to the tiles yet");

    // Once the rows' watermark passes too, the writes are applied and leave the timeline.
    second.watermarks(T0 + 10 * HOUR, T0 + 10 * HOUR);
    second.punctuate(200);
    assertEquals(0, timeline.approximateNumEntries());
  }

  @Test
  void impressionsOfOnePostHoldOneVectorAndTheMetricsSaySo() {
    var s = start();
    for (int v = 0; v < 5; v++) {
      s.processor.process(signal("v" + v, "IMPRESSION", true, T0 + HOUR + v, C, 30 + v, "post-c"));
    }
    s.processor.process(signal("v0", "CLICK", false, T0 + HOUR, A, 40, "post-a"));
    // A watermark behind every event: nothing is read or released, all six wait.
    s.watermarks(T0, null);
    s.punctuate(100);
    assertEquals(6.0, metric(s.context, "held-items"));
    assertEquals(2.0, metric(s.context, "held-vectors"), "one vector per post");
    // The impressions read ahead and released: every vector goes with its writes.
    s.watermarks(T0 + 10 * HOUR, T0 + 10 * HOUR);
    s.punctuate(200);
    assertEquals(5, rows(s.context).size());
    assertEquals(0.0, metric(s.context, "held-items"));
    assertEquals(0.0, metric(s.context, "held-vectors"));
  }

  private static double metric(MockProcessorContext<?, ?> context, String name) {
    return context.metrics().metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals(name))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }

  @Test
  void anExposureReadAheadIsNotReadAgainAfterARestart() {
    // An impression weighs in its viewer's vector, so it is one item: read ahead, applied later.
    var first = start();
    first.processor.process(signal("CLICK", false, T0 + HOUR, A, 1));
    first.processor.process(signal("IMPRESSION", true, T0 + 3 * HOUR, C, 2));
    first.watermarks(T0 + 10 * HOUR, null);
    first.punctuate(100);
    assertEquals(1, rows(first.context).size(), "read ahead once");
    assertEquals(2, timeline.approximateNumEntries(), "the click and the impression still wait");

    // After a restart both watermarks pass: the impression is applied, and not read again.
    var second = start();
    second.watermarks(T0 + 10 * HOUR, T0 + 10 * HOUR);
    second.punctuate(100);
    assertEquals(0, rows(second.context).size());
    assertEquals(0, timeline.approximateNumEntries());
    // Both were applied: 2 x A + 0.1 x C, so the P7D vector points that way.
    UserVector p7d = lastVector(second.context);
    double[] sum = {2 * A[0] + 0.1 * C[0], 2 * A[1] + 0.1 * C[1], 2 * A[2] + 0.1 * C[2], 0};
    double norm = Math.sqrt(sum[0] * sum[0] + sum[1] * sum[1] + sum[2] * sum[2]);
    for (int i = 0; i < 3; i++) {
      assertEquals(sum[i] / norm, p7d.getVector().get(i), 1e-6);
    }
    assertEquals(2, p7d.getEventCount());
  }

  private static UserVector lastVector(MockProcessorContext<String, UserVectorOutput> c) {
    UserVector last = null;
    for (var f : c.forwarded()) {
      if (f.record().value() instanceof UserVectorOutput.Vector v) {
        last = v.value().vector();
      }
    }
    return last;
  }

  @Test
  void exposuresStampedAlikeAreReadOnceWhenTheReadAheadStopsAmongThem() {
    // Five viewers, each with a click at 1 h, and their five impressions stamped alike at 3 h (a
    // batch job stamping a day's events with one time does this); 2 reads per punctuation.
    var first = start(2);
    for (int v = 0; v < 5; v++) {
      first.processor.process(signal("v" + v, "CLICK", false, T0 + HOUR, A, 10 + v));
      first.processor.process(signal("v" + v, "IMPRESSION", true, T0 + 3 * HOUR, C, 20 + v));
    }
    first.watermarks(T0 + 10 * HOUR, null);
    first.punctuate(100);
    List<SimilarityFeatures> done = new ArrayList<>(rows(first.context));
    assertEquals(2, done.size(), "the read stopped inside 3 h");

    // A restart in the middle, then punctuations until the read-ahead is through.
    var second = start(2);
    second.watermarks(T0 + 10 * HOUR, null);
    for (int i = 1; i <= 4; i++) {
      second.punctuate(100 + i);
    }
    done.addAll(rows(second.context));
    assertEquals(
        List.of("v0", "v1", "v2", "v3", "v4"),
        done.stream().map(SimilarityFeatures::getViewerId).sorted().toList(),
        "each exposure read exactly once");
    for (SimilarityFeatures row : done) {
      // The viewer's mean before 3 h is A alone: the impressions at 3 h are not in it.
      assertEquals(cosine(new double[] {A[0], A[1], A[2], A[3]}, C), viewerPost(row), 1e-6);
    }

    // The rows' watermark passes: all ten writes are applied and nothing is read again.
    second.watermarks(T0 + 10 * HOUR, T0 + 10 * HOUR);
    for (int i = 1; i <= 6; i++) {
      second.punctuate(200 + i); // 2 items per punctuation
    }
    assertEquals(3, rows(second.context).size(), "the 3 read after the restart, no more");
    assertEquals(0, timeline.approximateNumEntries());
    // Each viewer's vector holds its click and its impression: 2 events.
    assertEquals(
        5,
        second.context.forwarded().stream()
            .filter(
                f ->
                    f.record().value() instanceof UserVectorOutput.Vector v
                        && v.value().vector().getEventCount() == 2)
            .count());
  }

  private static double viewerPost(SimilarityFeatures row) {
    return row.getFeatures().get("cos_viewer_post_p7d");
  }

  @Test
  void anAuthorRowCompletedOnArrivalSeesTheAuthorsWritesStillHeld() {
    // Before the restart: the author's two clicks wait in the timeline.
    var first = start();
    first.processor.process(signal("CLICK", false, T0 + HOUR, A, 1));
    first.processor.process(signal("CLICK", false, T0 + 2 * HOUR, B, 2));

    // After it the author-feature processor initialises first, so it builds the shared index.
    MockProcessorContext<String, SimilarityFeatures> authorCtx = new MockProcessorContext<>();
    var clock = TaskClockStore.builder(KembedTopology.CLOCK_USERS, 0, 0).build();
    var held =
        TaskLocalStore.builder(KembedTopology.USER_SHARED_STORE, TaskLocalStore.Once::new).build();
    for (var store : List.of(tiles, timeline, emits, released, clock, held)) {
      if (store == clock || store == held) {
        store.init(authorCtx.getStateStoreContext(), store);
      }
      authorCtx.addStateStore(store);
    }
    AuthorFeatureProcessor authors =
        new AuthorFeatureProcessor(KembedTopology.USER_STORES, P7D, WEIGHTS, 16, 16, FEATURES);
    authors.init(authorCtx);
    var second = start(clock, held);

    // The signals' watermark passes 10 h; the rows' has not spoken, so the clicks stay held.
    second.watermarks(T0 + 10 * HOUR, null);
    second.punctuate(100);

    // Rows at 1.5 h and 3 h are completed on arrival: the author's mean before 1.5 h is A, before
    // 3 h (A + B) / 2. No row waits in the timeline: it still holds only the two clicks.
    double[] viewer = {0, 0, 1, 0};
    authors.process(row("x1", T0 + 3 * HOUR / 2, viewer));
    authors.process(row("x2", T0 + 3 * HOUR, viewer));
    assertEquals(2, timeline.approximateNumEntries());
    List<SimilarityFeatures> done = completed(authorCtx);
    assertEquals(List.of("x1", "x2"), done.stream().map(SimilarityFeatures::getEntityId).toList());
    assertEquals(cosine(viewer, A), feature(done.get(0)), 1e-6);
    double[] ab = {A[0] + B[0], A[1] + B[1], 0, 0};
    assertEquals(cosine(viewer, toFloats(ab)), feature(done.get(1)), 1e-6);

    // A row past the signals' watermark waits, and the read-ahead completes it once S passes it.
    authors.process(row("x3", T0 + 11 * HOUR, viewer));
    assertEquals(3, timeline.approximateNumEntries());
    assertEquals(2, completed(authorCtx).size());
    second.watermarks(T0 + 12 * HOUR, null);
    second.punctuate(200);
    List<SimilarityFeatures> readAhead = rows(second.context);
    assertEquals(1, readAhead.size());
    assertEquals("x3", readAhead.get(0).getEntityId());
    assertEquals(cosine(viewer, toFloats(ab)), feature(readAhead.get(0)), 1e-6);
    assertEquals(2, timeline.approximateNumEntries());
  }

  private static final WindowConfig P7D =
      WindowConfig.of(List.of("P7D"), Resolution.defaults(), Duration.ofDays(1));
  private static final SignalWeights WEIGHTS =
      new SignalWeights(InteractionWeights.parse("CLICK:2,IMPRESSION:0.1"), 1.0);
  private static final org.apache.kafka.common.serialization.Serde<SimilarityFeatures> FEATURES =
      KembedSerdes.of(SimilarityFeatures.class);

  private static double feature(SimilarityFeatures row) {
    return row.getFeatures().get("cos_viewer_author_p7d");
  }

  // A viewer-side row for author u1, as a viewer's task sends it: the viewer's P7D mean packed.
  private static Record<String, PartialFeatureRow> row(String entity, long t, double[] viewerMean) {
    SimilarityFeatures viewerSide =
        SimilarityFeatures.newBuilder()
            .setViewerId("v")
            .setEntityId(entity)
            .setEntityType(EntityType.POST)
            .setAuthorId("u1")
            .setExposureType(InteractionType.IMPRESSION)
            .setSurface(Surface.FEED)
            .setModelId("m@1")
            .setEventTime(Instant.ofEpochMilli(t))
            .setFeatures(new HashMap<>())
            .build();
    PartialFeatureRow partial =
        PartialFeatureRow.newBuilder()
            .setRow(ByteBuffer.wrap(FEATURES.serializer().serialize("", viewerSide)))
            .setPackedViewerMeans(Map.of("P7D", ByteBuffer.wrap(PackedVectors.pack(viewerMean))))
            .setId(entity)
            .build();
    return new Record<>("u1", partial, t);
  }

  private static List<SimilarityFeatures> completed(
      MockProcessorContext<String, SimilarityFeatures> c) {
    return c.forwarded().stream().<SimilarityFeatures>map(f -> f.record().value()).toList();
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  private record Started(
      UserVectorProcessor processor,
      MockProcessorContext<String, UserVectorOutput> context,
      dev.kembed.topology.time.TaskClock clock) {
    // The upstream watermarks: the signals' at signals; the rows' at rows, or silent when null.
    void watermarks(long signals, Long rows) {
      clock.group(UserVectorProcessor.SIGNALS).expectProducer("up", 0);
      clock.group(UserVectorProcessor.SIGNALS).report("up", signals, false, 0);
      clock.group(UserVectorProcessor.ROWS).expectProducer("rows-up", 0);
      if (rows != null) {
        clock.group(UserVectorProcessor.ROWS).report("rows-up", rows, false, 0);
      }
    }

    void punctuate(long now) {
      context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(now));
    }
  }

  // A new incarnation of the task: a fresh clock and, the held-write index being in memory, an
  // empty one, over the same persistent stores.
  private Started start() {
    return start(UserVectorProcessor.RELEASE_MAX_ITEMS);
  }

  private Started start(int maxItems) {
    MockProcessorContext<String, UserVectorOutput> ctx = new MockProcessorContext<>();
    TaskClockStore clock = TaskClockStore.builder(KembedTopology.CLOCK_USERS, 0, 0).build();
    var held =
        TaskLocalStore.builder(KembedTopology.USER_SHARED_STORE, TaskLocalStore.Once::new).build();
    clock.init(ctx.getStateStoreContext(), clock);
    held.init(ctx.getStateStoreContext(), held);
    return start(clock, held, maxItems);
  }

  // The user-vector processor of a task whose task-local stores are already made.
  private Started start(TaskClockStore clock, TaskLocalStore<TaskLocalStore.Once<Object>> held) {
    return start(clock, held, UserVectorProcessor.RELEASE_MAX_ITEMS);
  }

  private Started start(
      TaskClockStore clock, TaskLocalStore<TaskLocalStore.Once<Object>> held, int maxItems) {
    MockProcessorContext<String, UserVectorOutput> ctx = new MockProcessorContext<>();
    for (var store : List.of(tiles, timeline, emits, released, clock, held)) {
      ctx.addStateStore(store);
    }
    UserVectorProcessor p =
        new UserVectorProcessor(
            KembedTopology.USER_STORES, P7D, WEIGHTS, 0, 100, 16, 16, FEATURES, maxItems);
    p.init(ctx);
    return new Started(p, ctx, clock.clock());
  }

  private static List<SimilarityFeatures> rows(MockProcessorContext<String, UserVectorOutput> c) {
    List<SimilarityFeatures> out = new ArrayList<>();
    for (var f : c.forwarded()) {
      if (f.record().value() instanceof UserVectorOutput.Row row) {
        out.add(row.value());
      }
    }
    return out;
  }

  private static Record<String, UserSignal> signal(
      String type, boolean exposure, long t, float[] vec, int offset) {
    return signal("u1", type, exposure, t, vec, offset);
  }

  private static Record<String, UserSignal> signal(
      String user, String type, boolean exposure, long t, float[] vec, int offset) {
    return signal(user, type, exposure, t, vec, offset, "p" + offset);
  }

  // Packed, as the entity join writes signals.
  private static Record<String, UserSignal> signal(
      String user, String type, boolean exposure, long t, float[] vec, int offset, String target) {
    UserSignal s =
        UserSignal.newBuilder()
            .setUserId(user)
            .setKind("ENGAGEMENT")
            .setEventType(type)
            .setTargetId(target)
            .setTargetType("POST")
            .setTargetAuthorId(null)
            .setSurface("FEED")
            .setExposure(exposure)
            .setEventTime(t)
            .setModelId("m@1")
            .setVector(List.of())
            .setPackedVector(ByteBuffer.wrap(PackedVectors.pack(vec)))
            .setSourceTopic("in")
            .setSourcePartition(0)
            .setSourceOffset(offset)
            .build();
    return new Record<>(user, s, t);
  }

  private static double cosine(double[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  private static <K, V> KeyValueStore<K, V> store(
      String name,
      org.apache.kafka.common.serialization.Serde<K> keys,
      org.apache.kafka.common.serialization.Serde<V> values) {
    KeyValueStore<K, V> s =
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, values)
            .withLoggingDisabled()
            .build();
    s.init(new MockProcessorContext<>().getStateStoreContext(), s);
    return s;
  }
}
