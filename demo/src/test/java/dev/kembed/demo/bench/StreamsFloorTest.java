package dev.kembed.demo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.Surface;
import dev.kembed.schemas.serde.KembedSerdes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The floor moves the records it claims to: per interaction 3 user vectors and one feature row, a
 * timeline item that is gone after the next punctuation, and tiles that hold the sum of the
 * entities' vectors (recomputed here from the seeds the floor documents).
 */
class StreamsFloorTest {
  private static final String PREFIX = "t";

  @Test
  void eachInteractionMakesThreeUserVectorsOneRowAndExactTiles() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "floor-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    try (TopologyTestDriver driver =
        new TopologyTestDriver(StreamsFloor.topology(PREFIX), p, Instant.ofEpochMilli(0))) {
      var in =
          driver.createInputTopic(
              StreamsFloor.topic(PREFIX, "interactions"),
              Serdes.String().serializer(),
              Serdes.ByteArray().serializer());
      long hour = 3_600_000L;
      long t0 = 100 * 24 * hour; // a day boundary: h and d tiles start together
      List<String> posts = List.of("p1", "p2", "p3");
      double[] expectedDay = new double[StreamsFloor.DIM];
      for (int i = 0; i < 7; i++) {
        String post = posts.get(i % 3);
        long t = t0 + i * 60_000L;
        InteractionEvent e =
            InteractionEvent.newBuilder()
                .setUserId("u1")
                .setTargetId(post)
                .setTargetType(EntityType.POST)
                .setInteractionType(InteractionType.IMPRESSION)
                .setSurface(Surface.FEED)
                .setEventTime(Instant.ofEpochMilli(t))
                .build();
        in.pipeInput("u1", KembedSerdes.interactionEvent().serializer().serialize("", e), t);
        float[] v = gaussianUnit(post.hashCode());
        for (int d = 0; d < v.length; d++) {
          expectedDay[d] += v[d];
        }
      }
      var vectors =
          driver.createOutputTopic(
              StreamsFloor.topic(PREFIX, "user-vectors"),
              Serdes.String().deserializer(),
              Serdes.ByteArray().deserializer());
      var rows =
          driver.createOutputTopic(
              StreamsFloor.topic(PREFIX, "features"),
              Serdes.String().deserializer(),
              Serdes.ByteArray().deserializer());
      assertEquals(21, vectors.getQueueSize());
      assertEquals(7, rows.getQueueSize());
      assertEquals(1536, vectors.readValue().length);

      KeyValueStore<String, byte[]> tiles = driver.getKeyValueStore("floor-tiles");
      double[] day = new double[StreamsFloor.DIM];
      ByteBuffer.wrap(tiles.get("u1|d" + t0 / (24 * hour)))
          .order(ByteOrder.LITTLE_ENDIAN)
          .asDoubleBuffer()
          .get(day);
      for (int d = 0; d < day.length; d++) {
        assertEquals(expectedDay[d], day[d], 1e-9);
      }

      KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> timeline =
          driver.getKeyValueStore("floor-timeline");
      assertEquals(7, count(timeline));
      driver.advanceWallClockTime(Duration.ofMillis(100));
      assertEquals(0, count(timeline));
      assertFalse(tiles.get("u1|meta") == null);
    }
  }

  @Test
  void kembedsWidthIsFiveSubTopologiesOverElevenSourcesAndChangesNoRecord() {
    assertEquals(List.of(3, 4), shape(StreamsFloor.topology(PREFIX, false)));
    assertEquals(List.of(5, 11), shape(StreamsFloor.topology(PREFIX, true)));
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "floor-wide-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    try (TopologyTestDriver driver =
        new TopologyTestDriver(StreamsFloor.topology(PREFIX, true), p, Instant.ofEpochMilli(0))) {
      InteractionEvent e =
          InteractionEvent.newBuilder()
              .setUserId("u1")
              .setTargetId("p1")
              .setTargetType(EntityType.POST)
              .setInteractionType(InteractionType.IMPRESSION)
              .setSurface(Surface.FEED)
              .setEventTime(Instant.ofEpochMilli(1_000))
              .build();
      driver
          .createInputTopic(
              StreamsFloor.topic(PREFIX, "interactions"),
              Serdes.String().serializer(),
              Serdes.ByteArray().serializer())
          .pipeInput("u1", KembedSerdes.interactionEvent().serializer().serialize("", e), 1_000);
      for (int tick = 0; tick < 10; tick++) {
        driver.advanceWallClockTime(Duration.ofMillis(100));
      }
      assertEquals(1, output(driver, "features").getQueueSize());
      assertEquals(3, output(driver, "user-vectors").getQueueSize());
      // The idle content-like task marked each partition once in its ten ticks.
      assertEquals(3, output(driver, "i-authored").getQueueSize());
    }
  }

  private static org.apache.kafka.streams.TestOutputTopic<String, byte[]> output(
      TopologyTestDriver driver, String name) {
    return driver.createOutputTopic(
        StreamsFloor.topic(PREFIX, name),
        Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer());
  }

  // Sub-topologies and source topics.
  private static List<Integer> shape(org.apache.kafka.streams.Topology t) {
    var subs = t.describe().subtopologies();
    long sources =
        subs.stream()
            .flatMap(s -> s.nodes().stream())
            .filter(n -> n instanceof org.apache.kafka.streams.TopologyDescription.Source)
            .mapToLong(
                n -> ((org.apache.kafka.streams.TopologyDescription.Source) n).topicSet().size())
            .sum();
    return List.of(subs.size(), (int) sources);
  }

  private static int count(KeyValueStore<?, ?> store) {
    int n = 0;
    try (var it = store.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  // The floor's entity vector as documented: Gaussian floats seeded by the entity id's hash, scaled
  // to unit length in float arithmetic.
  private static float[] gaussianUnit(int seed) {
    Random r = new Random(seed);
    float[] v = new float[StreamsFloor.DIM];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }
}
