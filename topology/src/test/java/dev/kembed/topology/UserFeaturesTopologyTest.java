package dev.kembed.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.content.Vectors;
import dev.kembed.topology.errors.DlqHeaders;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.metrics.KembedMeters;
import dev.kembed.topology.testing.KeywordEmbedder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User vectors, search intent and similarity features on TopologyTestDriver, with a keyword model
 * whose vectors are unit axes, so every expected number is computed by hand in the comments.
 * Weights are the defaults: CREATE 5, COMMENT 4, SHARE 3, CLICK 2, IMPRESSION 0.1.
 */
class UserFeaturesTopologyTest {
  // Events here run up to months ahead of the driver's wall clock, which starts at T0.
  private static final String EVENTS_AHEAD_OF_WALL_CLOCK = Long.toString(365L * 86_400_000L);
  private static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");
  private static final double EPS = 1e-6;

  @TempDir Path stateDir;
  private final KeywordEmbedder model = new KeywordEmbedder();
  private TopologyTestDriver driver;
  private TestInputTopic<String, PostEvent> posts;
  private TestInputTopic<String, InteractionEvent> interactions;
  private TestInputTopic<String, SearchQueryEvent> searches;
  private TestOutputTopic<String, UserVector> userVectors;
  private TestOutputTopic<String, SimilarityFeatures> features;
  private TestOutputTopic<String, ContentEmbedding> embeddings;
  private TestOutputTopic<byte[], byte[]> dlq;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private double counted(String meter, DlqReason reason) {
    var c = registry.find(meter).tag("reason", reason.name()).counter();
    return c == null ? 0 : c.count();
  }

  @AfterEach
  void close() {
    driver.close();
  }

  private void start(Map<String, Object> overrides) {
    Map<String, Object> props =
        new HashMap<>(
            Map.of(
                "embed.batch.size",
                "1",
                "join.grace.ms",
                "3600000",
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
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "kembed-users");
    p.put(KembedMeters.REGISTRY_CONFIG, registry);
    driver = new TopologyTestDriver(KembedTopology.build(config, model), p, T0);
    posts =
        driver.createInputTopic(
            "posts", new StringSerializer(), KembedSerdes.of(PostEvent.class).serializer());
    interactions =
        driver.createInputTopic(
            "interactions",
            new StringSerializer(),
            KembedSerdes.of(InteractionEvent.class).serializer());
    searches =
        driver.createInputTopic(
            "search-queries",
            new StringSerializer(),
            KembedSerdes.of(SearchQueryEvent.class).serializer());
    userVectors =
        driver.createOutputTopic(
            "user-vectors",
            new StringDeserializer(),
            KembedSerdes.of(UserVector.class).deserializer());
    features =
        driver.createOutputTopic(
            "similarity-features",
            new StringDeserializer(),
            KembedSerdes.of(SimilarityFeatures.class).deserializer());
    embeddings =
        driver.createOutputTopic(
            "content-embeddings",
            new StringDeserializer(),
            KembedSerdes.of(ContentEmbedding.class).deserializer());
    dlq =
        driver.createOutputTopic(
            "kembed-dlq", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
  }

  /**
   * Lets the watermarks catch up with what was piped: the driver processes every record at once, so
   * a few wall-clock ticks let each task send its watermark and the user-vector task release.
   */
  private <T> T settled(T outputTopic) {
    for (int i = 0; i < 100; i++) {
      driver.advanceWallClockTime(Duration.ofMillis(100));
    }
    return outputTopic;
  }

  private static Instant at(double hours) {
    return T0.plusMillis((long) (hours * 3_600_000));
  }

  private void post(String id, String author, String keyword, double hours) {
    posts.pipeInput(
        id,
        PostEvent.newBuilder()
            .setPostId(id)
            .setAuthorId(author)
            .setSubject(keyword)
            .setBody("post " + id)
            .setEventTime(at(hours))
            .build(),
        at(hours));
  }

  private void interact(String user, String target, InteractionType type, double hours) {
    interactions.pipeInput(
        user,
        InteractionEvent.newBuilder()
            .setUserId(user)
            .setTargetId(target)
            .setTargetType(EntityType.POST)
            .setInteractionType(type)
            .setSurface(Surface.FEED)
            .setEventTime(at(hours))
            .build(),
        at(hours));
  }

  private void search(String user, String query, double hours) {
    searches.pipeInput(
        user,
        SearchQueryEvent.newBuilder()
            .setUserId(user)
            .setQuery(query)
            .setEventTime(at(hours))
            .build(),
        at(hours));
  }

  private Map<String, UserVector> latestVectors() {
    Map<String, UserVector> m = new HashMap<>();
    settled(userVectors).readRecordsToList().forEach(r -> m.put(r.key(), r.value()));
    return m;
  }

  private static void assertVector(float[] expected, UserVector v) {
    assertArrayEquals(expected, Vectors.toArray(v.getVector()), 1e-6f);
  }

  @Test
  void weightsByInteractionTypeAndTheAuthorsOwnPost() {
    start(Map.of());
    post("pA", "alice", "alpha", 0);
    post("pB", "bob", "beta", 0);
    interact("u", "pA", InteractionType.CLICK, 1); // +2 alpha
    interact("u", "pB", InteractionType.SHARE, 2); // +3 beta
    Map<String, UserVector> v = latestVectors();

    // u: 2·alpha + 3·beta, weight 5, normalised (2, 3)/√13
    UserVector u7 = v.get("u|ENGAGEMENT|P7D");
    assertVector(new float[] {(float) (2 / Math.sqrt(13)), (float) (3 / Math.sqrt(13)), 0, 0}, u7);
    assertEquals(5.0, u7.getTotalWeight(), EPS);
    assertEquals(2, u7.getEventCount());
    assertEquals(at(2), u7.getAsOf());
    assertEquals("keywords@1", u7.getModelId());
    assertEquals(5.0, v.get("u|ENGAGEMENT|P90D").getTotalWeight(), EPS);
    // alice created pA: CREATE weighs 5
    UserVector alice = v.get("alice|ENGAGEMENT|P30D");
    assertVector(KeywordEmbedder.ALPHA, alice);
    assertEquals(5.0, alice.getTotalWeight(), EPS);
  }

  @Test
  void eventsReleasedTogetherWriteEachTileOnceToTheChangelog() {
    // Ten clicks by u within one hour are released by the same punctuation, so within one commit
    // (the driver commits after it). Each applied event updates u's hourly tile, daily tile and
    // meta record; the cached tile store sends each key to the changelog once per commit, where
    // an uncached one sent three records per event (33 here, with alice's post).
    start(Map.of());
    post("pA", "alice", "alpha", 0);
    for (int i = 0; i < 10; i++) {
      interact("u", "pA", InteractionType.CLICK, 1 + i * 0.05);
    }
    UserVector u = latestVectors().get("u|ENGAGEMENT|P7D");
    assertVector(KeywordEmbedder.ALPHA, u);
    assertEquals(20.0, u.getTotalWeight(), EPS); // 10 clicks of weight 2
    assertEquals(10, u.getEventCount());
    List<TestRecord<byte[], byte[]>> tiles =
        driver
            .createOutputTopic(
                "kembed-users-user-vector-tiles-changelog",
                Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer())
            .readRecordsToList();
    long distinctKeys =
        tiles.stream().map(r -> java.util.HexFormat.of().formatHex(r.key())).distinct().count();
    assertEquals(6, distinctKeys, "hourly tile, daily tile and meta of alice and of u");
    assertTrue(tiles.size() < 10, "tile changelog records: " + tiles.size());
  }

  @Test
  void eventsReleasedTogetherSendWhatTheyWouldSendOneByOne() {
    // A burst yields what paced input yields, user vectors included: p's ten clicks are released
    // one punctuation each, b's ten (the same posts, two hours later) by a single punctuation.
    // Both send a record per window per click, each with the state that click left. (Sending
    // each window once per release, in its final state, was measured and not adopted: the
    // records a consumer sees would depend on how fast the events arrived.)
    start(Map.of());
    post("pA", "alice", "alpha", 0);
    post("pB", "bob", "beta", 0);
    settled(userVectors).readRecordsToList();
    for (int i = 0; i < 10; i++) {
      interact("p", i % 5 < 3 ? "pA" : "pB", InteractionType.CLICK, 1 + i * 0.05);
      settled(userVectors);
    }
    List<TestRecord<String, UserVector>> paced = userVectors.readRecordsToList();
    for (int i = 0; i < 10; i++) {
      interact("b", i % 5 < 3 ? "pA" : "pB", InteractionType.CLICK, 3 + i * 0.05);
    }
    List<TestRecord<String, UserVector>> burst = settled(userVectors).readRecordsToList();
    assertEquals(30, paced.size(), "three windows for each of p's clicks");
    assertEquals(paced.size(), burst.size());
    for (int i = 0; i < paced.size(); i++) {
      UserVector p = paced.get(i).value();
      UserVector b = burst.get(i).value();
      assertEquals(paced.get(i).key().replaceFirst("^p\\|", "b|"), burst.get(i).key());
      assertEquals(p.getEventCount(), b.getEventCount());
      assertEquals(p.getTotalWeight(), b.getTotalWeight(), EPS);
      assertArrayEquals(Vectors.toArray(p.getVector()), Vectors.toArray(b.getVector()), 1e-6f);
      assertEquals(at(1 + (i / 3) * 0.05), p.getAsOf(), "click " + i / 3 + ", as of itself");
      assertEquals(at(3 + (i / 3) * 0.05), b.getAsOf());
    }
    // The last state, by hand: weight 2 per click, 12 on alpha and 8 on beta.
    UserVector last = burst.get(burst.size() - 1).value();
    assertEquals(10, last.getEventCount());
    assertVector(
        new float[] {(float) (12 / Math.sqrt(208)), (float) (8 / Math.sqrt(208)), 0, 0}, last);
  }

  @Test
  void windowsExpireWhatFallsOut() {
    start(Map.of());
    post("pA", "alice", "alpha", 0);
    post("pB", "bob", "beta", 0);
    interact("u", "pA", InteractionType.CLICK, 1); // day 0: +2 alpha
    interact("u", "pB", InteractionType.CLICK, 9 * 24); // day 9: +2 beta; alpha has left P7D
    Map<String, UserVector> v = latestVectors();
    UserVector u7 = v.get("u|ENGAGEMENT|P7D");
    assertVector(KeywordEmbedder.BETA, u7);
    assertEquals(2.0, u7.getTotalWeight(), EPS);
    assertEquals(1, u7.getEventCount());
    UserVector u30 = v.get("u|ENGAGEMENT|P30D");
    assertVector(new float[] {(float) Math.sqrt(0.5), (float) Math.sqrt(0.5), 0, 0}, u30);
    assertEquals(4.0, u30.getTotalWeight(), EPS);
    assertEquals(2, u30.getEventCount());
  }

  @Test
  void exposureFeaturesArePointInTimeAndExactByHand() {
    start(Map.of());
    post("pA", "alice", "alpha", 0);
    post("pB", "bob", "beta", 0);
    post("pG", "carol", "gamma", 0);
    interact("u", "pA", InteractionType.CLICK, 1); // u = 2·alpha
    search("u", "Gamma!", 1.5); // intent = gamma (query normalised to "gamma")
    interact("u", "pB", InteractionType.IMPRESSION, 2);
    interact("u", "pA", InteractionType.IMPRESSION, 3);
    interact("u", "pG", InteractionType.IMPRESSION, 4);
    List<TestRecord<String, SimilarityFeatures>> rows = settled(features).readRecordsToList();
    assertEquals(List.of("u|pB", "u|pA", "u|pG"), rows.stream().map(TestRecord::key).toList());

    // Row 1 sees u = 2·alpha only (its own impression of beta not yet applied).
    Map<String, Double> f1 = rows.get(0).value().getFeatures();
    assertEquals(0.0, f1.get("cos_viewer_post_p7d"), EPS);
    assertEquals(0.0, f1.get("dot_viewer_post_p7d"), EPS);
    assertEquals(0.0, f1.get("cos_viewer_author_p7d"), EPS); // bob created beta
    assertEquals(0.0, f1.get("cos_intent_post_p7d"), EPS);
    // Row 2: u = 2·alpha + 0.1·beta (weight 2.1). cos with alpha = 2/√4.01; dot of the
    // weighted mean (2, 0.1)/2.1 with alpha = 2/2.1; author alice = alpha.
    Map<String, Double> f2 = rows.get(1).value().getFeatures();
    assertEquals(2 / Math.sqrt(4.01), f2.get("cos_viewer_post_p7d"), EPS);
    assertEquals(2 / 2.1, f2.get("dot_viewer_post_p30d"), EPS);
    assertEquals(2 / Math.sqrt(4.01), f2.get("cos_viewer_author_p90d"), EPS);
    // Row 3: gamma post, u's search intent is gamma.
    Map<String, Double> f3 = rows.get(2).value().getFeatures();
    assertEquals(1.0, f3.get("cos_intent_post_p7d"), EPS);
    assertEquals(0.0, f3.get("cos_viewer_post_p7d"), EPS);
    SimilarityFeatures r3 = rows.get(2).value();
    assertEquals("carol", r3.getAuthorId());
    assertEquals(InteractionType.IMPRESSION, r3.getExposureType());
    assertEquals(Surface.FEED, r3.getSurface());
    assertEquals(at(4), r3.getEventTime());
  }

  @Test
  void missingInputsAreNullNotZero() {
    start(Map.of());
    post("pA", "alice", "alpha", 0);
    interact("newcomer", "pA", InteractionType.IMPRESSION, 1);
    Map<String, Double> f = settled(features).readRecordsToList().get(0).value().getFeatures();
    for (String w : List.of("p7d", "p30d", "p90d")) {
      for (String name : List.of("cos_viewer_post_", "dot_viewer_post_", "cos_intent_post_")) {
        assertTrue(f.containsKey(name + w), name + w);
        assertNull(f.get(name + w), name + w);
      }
      assertNull(f.get("cos_viewer_author_" + w), "viewer has no vector, so no author similarity");
    }
  }

  @Test
  void anInteractionBeforeItsEmbeddingWaitsThenAppliesAndTimesOutToTheDlq() {
    start(Map.of());
    interact("u", "pLate", InteractionType.CLICK, 1); // post not there yet
    assertTrue(latestVectors().keySet().stream().noneMatch(k -> k.startsWith("u|")));
    post("pLate", "alice", "delta", 1.5);
    assertVector(KeywordEmbedder.DELTA, latestVectors().get("u|ENGAGEMENT|P7D"));

    double before = counted("kembed.dlq.records", DlqReason.JOIN_TIMEOUT);
    interact("u", "pNever", InteractionType.CLICK, 2);
    post("pOther", "bob", "beta", 4); // stream time moves 2 hours past the waiting click
    List<TestRecord<byte[], byte[]>> dead = settled(dlq).readRecordsToList();
    assertEquals(1, dead.size());
    assertEquals("JOIN_TIMEOUT", DlqHeaders.read(dead.get(0).headers(), DlqHeaders.REASON));
    assertEquals("interactions", DlqHeaders.read(dead.get(0).headers(), DlqHeaders.TOPIC));
    assertEquals(
        "1",
        DlqHeaders.read(dead.get(0).headers(), DlqHeaders.OFFSET),
        "the second record of the interactions topic");
    InteractionEvent original =
        KembedSerdes.of(InteractionEvent.class)
            .deserializer()
            .deserialize("interactions", dead.get(0).value());
    assertEquals("pNever", original.getTargetId());
    assertEquals(before + 1, counted("kembed.dlq.records", DlqReason.JOIN_TIMEOUT));
  }

  @Test
  void anInteractionOnADeletedPostIsCountedAndIgnored() {
    start(Map.of());
    post("pA", "alice", "alpha", 0);
    posts.pipeInput("pA", (PostEvent) null, at(0.5));
    double before = counted("kembed.dropped.records", DlqReason.DELETED_TARGET);
    interact("u", "pA", InteractionType.CLICK, 1);
    assertTrue(latestVectors().keySet().stream().noneMatch(k -> k.startsWith("u|")));
    assertEquals(before + 1, counted("kembed.dropped.records", DlqReason.DELETED_TARGET));
  }

  @Test
  void anEventOlderThanTheAllowedLatenessGoesToTheDlq() {
    start(Map.of("user.vector.allowed.lateness.ms", "3600000"));
    post("pA", "alice", "alpha", 0);
    interact("u", "pA", InteractionType.CLICK, 10);
    interact("u", "pA", InteractionType.CLICK, 9.5); // within an hour: applied
    interact("u", "pA", InteractionType.CLICK, 5); // five hours late
    assertEquals(4.0, latestVectors().get("u|ENGAGEMENT|P7D").getTotalWeight(), EPS);
    List<TestRecord<byte[], byte[]>> dead = settled(dlq).readRecordsToList();
    assertEquals(1, dead.size());
    assertEquals("LATE_EVENT", DlqHeaders.read(dead.get(0).headers(), DlqHeaders.REASON));
    assertEquals(
        "2",
        DlqHeaders.read(dead.get(0).headers(), DlqHeaders.OFFSET),
        "the third record of the interactions topic");
  }

  @Test
  void repeatedQueriesAreEmbeddedOnceAndFeedSearchIntent() {
    start(Map.of());
    search("u1", "Gamma  rays", 1);
    search("u2", "gamma rays!", 2);
    search("u1", "GAMMA RAYS", 3);
    assertEquals(List.of("gamma rays"), model.texts, "one embedding for three searches");
    List<TestRecord<String, ContentEmbedding>> q = embeddings.readRecordsToList();
    assertEquals(1, q.size());
    assertEquals("gamma rays", q.get(0).key());
    assertEquals(EntityType.QUERY, q.get(0).value().getEntityType());
    Map<String, UserVector> v = latestVectors();
    assertEquals(2.0, v.get("u1|SEARCH_INTENT|P7D").getTotalWeight(), EPS);
    assertVector(KeywordEmbedder.GAMMA, v.get("u2|SEARCH_INTENT|P30D"));
  }

  @Test
  void aQueryUnusedForTheCacheTtlIsEvictedAndEmbeddedAgain() {
    start(Map.of("search.query.cache.ttl.ms", Long.toString(10L * 86_400_000L))); // 10 days
    search("u1", "gamma rays", 0); // embedded, last used day 0
    search("u1", "delta blues", 24 * 3); // embedded, last used day 3
    search("u2", "gamma rays", 24 * 5); // hit: last used day 5
    search(
        "u2", "delta blues", 24 * 12); // hit, 9 days after its last use (TTL 10): last used day 12
    assertEquals(List.of("gamma rays", "delta blues"), model.texts, "both still cached");
    search(
        "u3",
        "delta blues",
        24 * 16); // stream time day 16: gamma rays, last used day 5, is evicted
    search("u3", "gamma rays", 24 * 16.5);
    assertEquals(
        List.of("gamma rays", "delta blues", "gamma rays"),
        model.texts,
        "only the evicted query is embedded again");
  }

  @Test
  void emitIntervalThrottlesUserVectorsButEmitsTheLastChange() {
    start(Map.of("user.vector.emit.interval.ms", "3600000"));
    post("pA", "alice", "alpha", 0);
    settled(userVectors).readRecordsToList();
    interact("u", "pA", InteractionType.CLICK, 1); // emitted
    interact("u", "pA", InteractionType.CLICK, 1.1); // throttled
    interact("u", "pA", InteractionType.CLICK, 1.2); // throttled
    List<TestRecord<String, UserVector>> first = settled(userVectors).readRecordsToList();
    assertEquals(3, first.size(), "one record per window for the first click only");
    assertEquals(2.0, first.get(0).value().getTotalWeight(), EPS);
    post("pB", "bob", "beta", 2.5); // stream time passes the interval
    Map<String, UserVector> v = latestVectors();
    assertEquals(
        6.0,
        v.get("u|ENGAGEMENT|P7D").getTotalWeight(),
        EPS,
        "the throttled clicks are emitted once the interval has passed");
  }

  /**
   * A burst that wakes the interactions while the posts stay quiet waits on the posts' idle task
   * for a few ticks, not seconds: that task repeats its idle marker every tick after the change
   * (MarkerCadence, shared by the topology's tasks), and the entity join and the user-vector task
   * each pass it over after two more of them. The row comes 5 ticks after the burst here; with
   * markers repeated once a second whatever happened (the window set to zero ticks), 22.
   */
  @Test
  void aBurstAfterAQuietSpellWaitsTicksNotSecondsOnTheQuietPosts() {
    start(Map.of("watermark.idle.ms", "300"));
    post("pA", "alice", "alpha", 0);
    interact("u", "pA", InteractionType.IMPRESSION, 1);
    assertEquals(1, settled(features).readRecordsToList().size());
    // Everything quiet for a minute of wall clock: markers at one a second again.
    for (int i = 0; i < 600; i++) {
      driver.advanceWallClockTime(Duration.ofMillis(100));
    }
    interact("v", "pA", InteractionType.IMPRESSION, 2);
    int ticks = 0;
    while (features.isEmpty() && ticks < 200) {
      driver.advanceWallClockTime(Duration.ofMillis(100));
      ticks++;
    }
    assertEquals("v", features.readValue().getViewerId());
    assertTrue(ticks <= 8, "the row came " + ticks + " ticks after the burst");
  }
}
