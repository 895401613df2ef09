package dev.kembed.topology.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.state.window.Resolution;
import dev.kembed.state.window.WindowConfig;
import dev.kembed.topology.KembedTopology;
import dev.kembed.topology.features.InteractionWeights;
import dev.kembed.topology.internal.UserSignal;
import dev.kembed.topology.time.TaskClockStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * the watermark then still sees the viewer's writes that wait in the timeline. The expected feature
 * is recomputed here from the raw vectors.
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
    second.clock.group(UserVectorProcessor.SIGNALS).expectProducer("up", 0);
    second.clock.group(UserVectorProcessor.SIGNALS).report("up", T0 + 10 * HOUR, false, 0);
    second.clock.group(UserVectorProcessor.ROWS).expectProducer("rows-up", 0);
    second.punctuate(100);

    List<SimilarityFeatures> rows = rows(second.context);
    assertEquals(1, rows.size());
    // Both clicks weigh 2: the viewer's P7D mean is (A + B) / 2, and a cosine ignores the scale.
    double expected = cosine(new double[] {A[0] + B[0], A[1] + B[1], 0, 0}, C);
    assertEquals(expected, rows.get(0).getFeatures().get("cos_viewer_post_p7d"), 1e-6);
    assertEquals(0, tiles.approximateNumEntries(), "nothing was applied to the tiles yet");

    // Once the rows' watermark passes too, the writes are applied and leave the timeline.
    second.clock.group(UserVectorProcessor.ROWS).report("rows-up", T0 + 10 * HOUR, false, 0);
    second.punctuate(200);
    assertEquals(0, timeline.approximateNumEntries());
  }

  private record Started(
      UserVectorProcessor processor,
      MockProcessorContext<String, UserVectorOutput> context,
      dev.kembed.topology.time.TaskClock clock) {
    void punctuate(long now) {
      context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(now));
    }
  }

  private Started start() {
    MockProcessorContext<String, UserVectorOutput> ctx = new MockProcessorContext<>();
    for (var store : List.of(tiles, timeline, emits, released)) {
      ctx.addStateStore(store);
    }
    TaskClockStore clock = TaskClockStore.builder(KembedTopology.CLOCK_USERS, 0, 0).build();
    clock.init(ctx.getStateStoreContext(), clock);
    ctx.addStateStore(clock);
    UserVectorProcessor p =
        new UserVectorProcessor(
            KembedTopology.USER_STORES,
            WindowConfig.of(List.of("P7D"), Resolution.defaults(), Duration.ofDays(1)),
            InteractionWeights.parse("CLICK:2,IMPRESSION:0.1"),
            1.0,
            0,
            100,
            16,
            KembedSerdes.of(SimilarityFeatures.class),
            UserVectorProcessor.RELEASE_MAX_ITEMS);
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
    List<Float> v = new ArrayList<>();
    for (float f : vec) {
      v.add(f);
    }
    UserSignal s =
        UserSignal.newBuilder()
            .setUserId("u1")
            .setKind("ENGAGEMENT")
            .setEventType(type)
            .setTargetId("p" + offset)
            .setTargetType("POST")
            .setTargetAuthorId(null)
            .setSurface("FEED")
            .setExposure(exposure)
            .setEventTime(t)
            .setModelId("m@1")
            .setVector(v)
            .setSourceTopic("in")
            .setSourcePartition(0)
            .setSourceOffset(offset)
            .build();
    return new Record<>("u1", s, t);
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
