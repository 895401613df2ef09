package dev.kembed.topology.expansion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.QueryExpansion;
import dev.kembed.schemas.QueryNeighbour;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.topology.KembedTopology;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.testing.KeywordEmbedder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The expansion branch inside the whole topology: searches go out to content-embeddings, the index
 * service is fed from there (by hand, standing in for its consumer), and later searches are
 * expanded with the earlier ones.
 */
class QueryExpansionTopologyTest {
  // Events here run up to months ahead of the driver's wall clock, which starts at T0.
  private static final String EVENTS_AHEAD_OF_WALL_CLOCK = Long.toString(365L * 86_400_000L);
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir Path stateDir;
  @TempDir Path indexDir;
  private final KeywordEmbedder model = new KeywordEmbedder();
  private final InMemoryEmbeddingSource topic = new InMemoryEmbeddingSource(1, 1000);
  private IndexService indexes;
  private TopologyTestDriver driver;
  private TestInputTopic<String, SearchQueryEvent> searches;
  private TestOutputTopic<String, ContentEmbedding> embeddings;
  private TestOutputTopic<String, QueryExpansion> expansions;

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
    if (indexes != null) {
      indexes.close();
    }
  }

  private void start(Map<String, Object> overrides, boolean withIndexes) {
    Map<String, Object> props =
        new HashMap<>(
            Map.of(
                "embed.batch.size",
                "1",
                "input.max.future.ms",
                EVENTS_AHEAD_OF_WALL_CLOCK,
                "topics.partitions",
                "1",
                "watermark.idle.ms",
                "0"));
    props.putAll(overrides);
    KembedConfig config = new KembedConfig(props);
    Properties p = config.streamsProperties();
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "kembed-expansion");
    Topology topology;
    if (withIndexes) {
      indexes =
          IndexService.open(config, model.model(), indexDir, topic, System::currentTimeMillis);
      topology = KembedTopology.build(config, model, indexes);
    } else {
      topology = KembedTopology.build(config, model);
    }
    driver = new TopologyTestDriver(topology, p, T0);
    searches =
        driver.createInputTopic(
            "search-queries",
            new StringSerializer(),
            KembedSerdes.of(SearchQueryEvent.class).serializer());
    embeddings =
        driver.createOutputTopic(
            "content-embeddings",
            new StringDeserializer(),
            KembedSerdes.of(ContentEmbedding.class).deserializer());
    expansions =
        driver.createOutputTopic(
            "query-expansions",
            new StringDeserializer(),
            KembedSerdes.of(QueryExpansion.class).deserializer());
  }

  private void search(String user, String query, int minute) {
    Instant t = T0.plus(Duration.ofMinutes(minute));
    searches.pipeInput(
        user,
        SearchQueryEvent.newBuilder().setUserId(user).setQuery(query).setEventTime(t).build(),
        t);
  }

  /** Copies new content-embeddings records into the index's topic and lets the feeder read them. */
  private void feedIndex() throws IOException {
    for (KeyValue<String, ContentEmbedding> kv : embeddings.readKeyValuesToList()) {
      topic.append(0, kv.key, kv.value);
    }
    indexes.feeder().step(Duration.ZERO);
  }

  private static List<String> queries(QueryExpansion e) {
    return e.getNeighbours().stream().map(QueryNeighbour::getQuery).toList();
  }

  @Test
  void laterSearchesAreExpandedWithEarlierOnesButNeverWithThemselves() throws IOException {
    start(Map.of(), true);
    search("u1", "Alpha sale!", 0);
    QueryExpansion first = expansions.readValue();
    assertEquals("alpha sale", first.getQuery());
    assertEquals("u1", first.getUserId());
    assertEquals(List.of(), first.getNeighbours(), "the index is empty at the first search");
    feedIndex();

    search("u2", "alpha deals", 1);
    search("u3", "beta", 2);
    feedIndex();
    var second = expansions.readKeyValue();
    assertEquals("alpha deals", second.key, "keyed by the normalised query");
    assertEquals(List.of("alpha sale"), queries(second.value));
    assertEquals(1.0, second.value.getNeighbours().get(0).getScore(), 1e-6);
    assertEquals("keywords@1", second.value.getModelId());
    assertEquals(T0.plus(Duration.ofMinutes(1)), second.value.getEventTime());
    assertEquals(
        List.of(),
        queries(expansions.readValue()),
        "beta is orthogonal to both: cosine 0 < min score 0.5");

    search("u1", "ALPHA  SALE", 3);
    assertEquals(
        List.of("alpha deals"),
        queries(expansions.readValue()),
        "itself (already indexed) is excluded");
    assertTrue(expansions.isEmpty());
  }

  @Test
  void kAndMinScoreComeFromTheConfig() throws IOException {
    start(Map.of(KembedConfig.EXPANSION_K, "1", KembedConfig.EXPANSION_MIN_SCORE, "-1"), true);
    search("u", "alpha one", 0);
    search("u", "alpha two", 1);
    search("u", "beta", 2);
    feedIndex();
    expansions.readValuesToList();
    search("u", "gamma", 3);
    // Every indexed query is at cosine 0 from gamma; min score -1 admits them, k = 1 keeps one.
    QueryExpansion e = expansions.readValue();
    assertEquals(1, e.getNeighbours().size());
    assertEquals(0.0, e.getNeighbours().get(0).getScore(), 1e-6);
  }

  @Test
  void noExpansionsWhenDisabledOrWithoutAnIndexService() {
    start(Map.of(KembedConfig.EXPANSION_ENABLED, "false"), true);
    search("u", "alpha", 0);
    assertTrue(expansions.isEmpty());
    assertEquals(
        1, embeddings.readValuesToList().size(), "the rest of the topology runs as before");
    driver.close();
    indexes.close();
    indexes = null;

    start(Map.of(), false);
    search("u", "alpha", 0);
    assertTrue(expansions.isEmpty());
  }
}
