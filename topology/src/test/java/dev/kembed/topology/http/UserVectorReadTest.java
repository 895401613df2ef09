package dev.kembed.topology.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.state.window.KeyValueTileStore;
import dev.kembed.state.window.Resolution;
import dev.kembed.state.window.WindowConfig;
import dev.kembed.state.window.WindowVector;
import dev.kembed.topology.KembedTopology;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.testing.KeywordEmbedder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive-query read of a user's windows, against the tile store the real topology writes
 * (on TopologyTestDriver): key layout, kinds, the running model, and read-only access.
 */
class UserVectorReadTest {
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
  private static final WindowConfig WINDOWS =
      WindowConfig.of(List.of("P7D", "P30D", "P90D"), Resolution.defaults(), Duration.ofDays(1));

  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, SearchQueryEvent> searches;

  @BeforeEach
  void start() {
    KembedConfig config =
        new KembedConfig(
            Map.of(
                "embed.batch.size",
                "1",
                "input.max.future.ms",
                Long.toString(365L * 86_400_000L),
                "topics.partitions",
                "1",
                "watermark.idle.ms",
                "0")); // events run days ahead of the driver's wall clock
    Properties p = config.streamsProperties();
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "kembed-iq");
    driver = new TopologyTestDriver(KembedTopology.build(config, new KeywordEmbedder()), p, T0);
    searches =
        driver.createInputTopic(
            "search-queries",
            new StringSerializer(),
            KembedSerdes.of(SearchQueryEvent.class).serializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void search(String user, String query, Instant t) {
    searches.pipeInput(
        user,
        SearchQueryEvent.newBuilder().setUserId(user).setQuery(query).setEventTime(t).build(),
        t);
  }

  private KeyValueStore<Bytes, byte[]> tiles() {
    // Signals are applied once the watermark passes them: a few ticks let every task send it.
    for (int i = 0; i < 100; i++) {
      driver.advanceWallClockTime(Duration.ofMillis(100));
    }
    return driver.getKeyValueStore(KembedTopology.USER_TILE_STORE);
  }

  @Test
  void readsEveryWindowOfTheKindsTheUserHas() {
    search("u1", "alpha", T0);
    search("u1", "beta", T0.plus(Duration.ofDays(10)));
    search("u10", "gamma", T0); // "u1" is a prefix of "u10": must not leak into u1's answer

    UserVectorSource.Found found =
        assertInstanceOf(
            UserVectorSource.Found.class,
            StreamsUserVectorSource.read(tiles(), "u1", WINDOWS, "keywords@1"));
    assertEquals(
        List.of("SEARCH_INTENT"), List.copyOf(found.windowsByKind().keySet()), "no engagement yet");
    List<WindowVector> w = found.windowsByKind().get("SEARCH_INTENT");
    assertEquals(List.of("P7D", "P30D", "P90D"), w.stream().map(WindowVector::window).toList());
    // Ten days later alpha has left the week but not the month.
    assertEquals(1, w.get(0).count());
    assertArrayEquals(KeywordEmbedder.BETA, w.get(0).normalized(), 1e-6f);
    assertEquals(2, w.get(1).count());
    float h = (float) Math.sqrt(0.5);
    assertArrayEquals(new float[] {h, h, 0, 0}, w.get(1).normalized(), 1e-6f);
    assertEquals(T0.plus(Duration.ofDays(10)).toEpochMilli(), w.get(1).asOf());
  }

  @Test
  void unknownUserAndOtherModelAreNotFound() {
    search("u1", "alpha", T0);
    assertInstanceOf(
        UserVectorSource.NotFound.class,
        StreamsUserVectorSource.read(tiles(), "nobody", WINDOWS, "keywords@1"));
    assertInstanceOf(
        UserVectorSource.NotFound.class,
        StreamsUserVectorSource.read(tiles(), "u1", WINDOWS, "another-model"));
  }

  @Test
  void theAdapterRefusesWrites() {
    KeyValueTileStore store = KeyValueTileStore.readOnly(tiles());
    assertThrows(
        UnsupportedOperationException.class,
        () -> store.deleteWindowSum("u1", "SEARCH_INTENT|keywords@1", 1));
  }
}
