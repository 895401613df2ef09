package dev.kembed.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.IndexOp;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.schemas.Surface;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.errors.DlqHeaders;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.errors.DlqRecords;
import dev.kembed.topology.metrics.KembedMeters;
import dev.kembed.topology.testing.KeywordEmbedder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One regression test per defect of issue 10 that TopologyTestDriver can show: the input a real
 * producer can send that used to lose good records, stop the app or wedge its clocks. The driver's
 * wall clock starts at {@link #NOW}; good events lie in the hours before it.
 */
class PoisonInputTopologyTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final long HOUR = 3_600_000L;

  @TempDir Path stateDir;
  private final KeywordEmbedder model = new KeywordEmbedder();
  private dev.kembed.inference.Embedder embedder = model;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<String, PostEvent> posts;
  private TestInputTopic<String, CommentEvent> comments;
  private TestInputTopic<String, InteractionEvent> interactions;
  private TestInputTopic<String, SearchQueryEvent> searches;
  private TestOutputTopic<String, ContentEmbedding> embeddings;
  private TestOutputTopic<String, IndexUpdate> indexUpdates;
  private TestOutputTopic<String, UserVector> userVectors;
  private TestOutputTopic<byte[], byte[]> dlq;

  @AfterEach
  void close() {
    driver.close();
  }

  private void start(Map<String, Object> overrides) {
    Map<String, Object> props =
        new HashMap<>(
            Map.of(
                "embed.batch.size",
                "8",
                "embed.max.wait.ms",
                "200",
                "join.grace.ms",
                Long.toString(HOUR),
                "topics.partitions",
                "1",
                "watermark.idle.ms",
                "0"));
    props.putAll(overrides);
    KembedConfig config = new KembedConfig(props);
    Properties p = config.streamsProperties();
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "kembed-poison");
    p.put(KembedMeters.REGISTRY_CONFIG, registry);
    driver = new TopologyTestDriver(KembedTopology.build(config, embedder), p, NOW);
    posts =
        driver.createInputTopic(
            "posts", new StringSerializer(), KembedSerdes.of(PostEvent.class).serializer());
    comments =
        driver.createInputTopic(
            "comments", new StringSerializer(), KembedSerdes.of(CommentEvent.class).serializer());
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
    embeddings =
        driver.createOutputTopic(
            "content-embeddings",
            new StringDeserializer(),
            KembedSerdes.of(ContentEmbedding.class).deserializer());
    indexUpdates =
        driver.createOutputTopic(
            "index-updates",
            new StringDeserializer(),
            KembedSerdes.of(IndexUpdate.class).deserializer());
    userVectors =
        driver.createOutputTopic(
            "user-vectors",
            new StringDeserializer(),
            KembedSerdes.of(UserVector.class).deserializer());
    dlq =
        driver.createOutputTopic(
            "kembed-dlq", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
  }

  private static PostEvent post(String id, String body, long eventTime) {
    return PostEvent.newBuilder()
        .setPostId(id)
        .setAuthorId("author-" + id)
        .setBody(body)
        .setEventTime(Instant.ofEpochMilli(eventTime))
        .build();
  }

  private static long hoursAgo(double h) {
    return NOW.toEpochMilli() - (long) (h * HOUR);
  }

  // What `kembed produce` does: the record timestamp is the event time (a Java producer refuses
  // negative timestamps, so those records carry the send time).
  private static Instant recordTime(long eventTime) {
    return eventTime < 0 ? NOW : Instant.ofEpochMilli(eventTime);
  }

  private double dropped(DlqReason reason) {
    var c = registry.find("kembed.dropped.records").tag("reason", reason.name()).counter();
    return c == null ? 0 : c.count();
  }

  private void flush() {
    // 250 ms lets a micro-batch flush; the rest lets the watermark pass what was piped.
    for (int i = 0; i < 100; i++) {
      driver.advanceWallClockTime(Duration.ofMillis(100));
    }
  }

  private List<String> reasons(List<TestRecord<byte[], byte[]>> dead) {
    return dead.stream().map(r -> DlqHeaders.read(r.headers(), DlqHeaders.REASON)).toList();
  }

  // Defect 1: a negative or Long.MIN_VALUE event time made the flush throw and lose the rest of the
  // batch.
  @Test
  void negativeEventTimesAreRejectedAtTheEntranceAndEveryGoodPostOfTheBatchComesOut() {
    start(Map.of());
    String[] words = {"alpha", "beta", "gamma", "delta"};
    for (int i = 0; i < 8; i++) {
      posts.pipeInput(
          "p" + i,
          post("p" + i, words[i % 4] + " " + i, hoursAgo(8 - i)),
          recordTime(hoursAgo(8 - i)));
      if (i == 2) {
        posts.pipeInput("neg", post("neg", "alpha negative", -1), recordTime(-1));
      }
      if (i == 4) {
        posts.pipeInput(
            "min", post("min", "beta minimal", Long.MIN_VALUE), recordTime(Long.MIN_VALUE));
      }
    }
    flush();
    assertEquals(
        List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7"),
        embeddings.readRecordsToList().stream().map(TestRecord::key).toList());
    List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
    assertEquals(List.of("INVALID_TIMESTAMP", "INVALID_TIMESTAMP"), reasons(dead));
    assertEquals(
        List.of("3", "6"),
        dead.stream().map(r -> DlqHeaders.read(r.headers(), DlqHeaders.OFFSET)).toList(),
        "offsets of the bad records in the posts topic");
    assertArrayEquals(
        KembedSerdes.of(PostEvent.class)
            .serializer()
            .serialize("posts", post("neg", "alpha negative", -1)),
        dead.get(0).value(),
        "the input as received");
    // Its hash was never stored: the corrected record is embedded.
    posts.pipeInput("neg", post("neg", "alpha negative", hoursAgo(0.5)), recordTime(hoursAgo(0.5)));
    flush();
    assertEquals(
        List.of("neg"), embeddings.readRecordsToList().stream().map(TestRecord::key).toList());
  }

  // Defect 2: a fast producer clock (2 h, year 9999) became a Kafka timestamp the broker refuses.
  @Test
  void eventTimesTooFarAheadAreInvalidButClockSkewWithinTheLimitPasses() {
    start(Map.of());
    posts.pipeInput(
        "fast",
        post("fast", "alpha fast clock", NOW.toEpochMilli() + 2 * HOUR),
        recordTime(NOW.toEpochMilli() + 2 * HOUR));
    posts.pipeInput(
        "y9999",
        post("y9999", "beta far", Instant.parse("9999-01-01T00:00:00Z").toEpochMilli()),
        recordTime(Instant.parse("9999-01-01T00:00:00Z").toEpochMilli()));
    posts.pipeInput(
        "skew",
        post("skew", "gamma skewed", NOW.toEpochMilli() + 5 * 60_000),
        recordTime(NOW.toEpochMilli() + 5 * 60_000));
    flush();
    assertEquals(
        List.of("skew"), embeddings.readRecordsToList().stream().map(TestRecord::key).toList());
    assertEquals(
        List.of("INVALID_TIMESTAMP", "INVALID_TIMESTAMP"), reasons(dlq.readRecordsToList()));
  }

  // Defect 3: a far-future interaction reached the join and moved its clock, so waiting
  // interactions timed out at once; now it stops at the entrance.
  @Test
  void aFarFutureInteractionCannotTimeOutTheOnesWaitingForTheirPost() {
    start(Map.of());
    interactions.pipeInput(
        "u", click("u", "pB", hoursAgo(3)), recordTime(hoursAgo(3))); // waits for pB
    // Its record timestamp is kept beside the others': TopologyTestDriver runs every sub-topology
    // in one task, so any later record timestamp would move the join's stream time here, whereas
    // on a broker the join's task (behind the repartition topic) never sees a rejected record.
    interactions.pipeInput(
        "x", click("x", "pB", NOW.toEpochMilli() + 365L * 24 * HOUR), recordTime(hoursAgo(2.95)));
    posts.pipeInput("pB", post("pB", "beta bikes", hoursAgo(2.9)), recordTime(hoursAgo(2.9)));
    flush();
    List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
    assertEquals(List.of("INVALID_TIMESTAMP"), reasons(dead));
    Map<String, UserVector> v = new HashMap<>();
    userVectors.readRecordsToList().forEach(r -> v.put(r.key(), r.value()));
    assertEquals(
        2.0,
        v.get("u|ENGAGEMENT|P7D").getTotalWeight(),
        1e-9,
        "the waiting click (weight 2) joined its post");
    assertTrue(
        v.keySet().stream().noneMatch(k -> k.startsWith("x|")),
        "the far-future click never reached the join: " + v.keySet());
  }

  // Defect 4: a 1 MB post's DLQ copy exceeded max.request.size and was dead-lettered again, each
  // copy larger.
  @Test
  void aOneMegabytePostIsDeadLetteredOnceAndItsCopyFitsTheProducerLimit() {
    start(Map.of());
    posts.pipeInput("p1", post("p1", "alpha before", hoursAgo(2)), recordTime(hoursAgo(2)));
    PostEvent huge = post("huge", "alpha " + "x".repeat(1 << 20), hoursAgo(1.5));
    byte[] hugeBytes = KembedSerdes.of(PostEvent.class).serializer().serialize("posts", huge);
    posts.pipeInput("huge", huge, recordTime(hoursAgo(1.5)));
    posts.pipeInput("p2", post("p2", "beta after", hoursAgo(1)), recordTime(hoursAgo(1)));
    flush();
    assertEquals(
        List.of("p1", "p2"), embeddings.readRecordsToList().stream().map(TestRecord::key).toList());
    List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
    assertEquals(List.of("TEXT_TOO_LONG"), reasons(dead));
    TestRecord<byte[], byte[]> r = dead.get(0);
    long bytes = r.key().length + r.value().length;
    for (Header h : r.headers()) {
      bytes += h.key().length() + h.value().length;
    }
    assertTrue(bytes < 1_048_576, "the DLQ copy fits one request: " + bytes + " bytes");
    assertArrayEquals(
        Arrays.copyOf(hugeBytes, r.value().length), r.value(), "a prefix of the input as received");
    assertEquals(
        "value " + hugeBytes.length + " -> " + r.value().length,
        DlqHeaders.read(r.headers(), DlqRecords.TRUNCATED));
  }

  // Defect 5: a 0.6 MB query became a key and an internal record over the producer limit.
  // Defect found when the processors' outputs became sealed types: a query the model failed on was
  // forwarded as a dead letter that no branch of the topology took, so it vanished.
  @Test
  void aQueryTheModelFailsOnIsDeadLetteredAndTheSearchesAroundItAreEmbedded() {
    embedder = new dev.kembed.topology.testing.RecordingEmbedder(model);
    start(Map.of("embed.batch.size", "1"));
    searches.pipeInput("u1", search("u1", "alpha query", hoursAgo(2)), recordTime(hoursAgo(2)));
    String poison = dev.kembed.topology.testing.RecordingEmbedder.POISON + " query";
    searches.pipeInput("u2", search("u2", poison, hoursAgo(1.5)), recordTime(hoursAgo(1.5)));
    searches.pipeInput("u3", search("u3", "beta query", hoursAgo(1)), recordTime(hoursAgo(1)));
    flush();
    assertEquals(
        List.of("alpha query", "beta query"),
        embeddings.readRecordsToList().stream().map(TestRecord::key).toList());
    List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
    assertEquals(List.of("MODEL_FAILURE"), reasons(dead));
    assertEquals("u2", new String(dead.get(0).key()));
  }

  @Test
  void aHugeQueryIsTooLongAndTheSearchesAroundItAreEmbedded() {
    start(Map.of("embed.batch.size", "1"));
    searches.pipeInput("u1", search("u1", "alpha query", hoursAgo(2)), recordTime(hoursAgo(2)));
    searches.pipeInput(
        "u2", search("u2", "q".repeat(600_000), hoursAgo(1.5)), recordTime(hoursAgo(1.5)));
    searches.pipeInput("u3", search("u3", "beta query", hoursAgo(1)), recordTime(hoursAgo(1)));
    assertEquals(
        List.of("alpha query", "beta query"),
        embeddings.readRecordsToList().stream().map(TestRecord::key).toList());
    List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
    assertEquals(List.of("TEXT_TOO_LONG"), reasons(dead));
    assertEquals("u2", new String(dead.get(0).key()));
    assertTrue(
        DlqHeaders.read(dead.get(0).headers(), DlqHeaders.MESSAGE).length() < 300,
        "the message quotes a bounded prefix");
  }

  // Defect 7: a comment on a deleted post waited for join.grace.ms and was dropped as JOIN_TIMEOUT.
  @Test
  void aCommentOnADeletedPostIsCountedAsDeletedTargetAtOnce() {
    start(Map.of("embed.batch.size", "1"));
    posts.pipeInput("pA", post("pA", "alpha post", hoursAgo(3)), recordTime(hoursAgo(3)));
    posts.pipeInput("pA", (PostEvent) null, recordTime(hoursAgo(2.5)));
    double deletedBefore = dropped(DlqReason.DELETED_TARGET);
    double timeoutBefore = dropped(DlqReason.JOIN_TIMEOUT);
    comments.pipeInput(
        "c1",
        CommentEvent.newBuilder()
            .setCommentId("c1")
            .setPostId("pA")
            .setAuthorId("bob")
            .setText("gamma comment")
            .setEventTime(Instant.ofEpochMilli(hoursAgo(2)))
            .build(),
        recordTime(hoursAgo(2)));
    assertEquals(deletedBefore + 1, dropped(DlqReason.DELETED_TARGET));
    KeyValueStore<String, ContentEmbedding> pending =
        driver.getKeyValueStore(KembedTopology.PENDING_COMMENT_STORE);
    try (var it = pending.all()) {
      assertTrue(!it.hasNext(), "nothing waits for a deleted post");
    }
    posts.pipeInput(
        "pZ",
        post("pZ", "delta later", hoursAgo(0.1)),
        recordTime(hoursAgo(0.1))); // stream time passes the grace
    assertEquals(timeoutBefore, dropped(DlqReason.JOIN_TIMEOUT));
  }

  // Serving: the query cache's eviction also makes the outputs forget the query.
  @Test
  void anEvictedQueryIsTombstonedInContentEmbeddingsAndDeletedFromTheIndex() {
    start(
        Map.of(
            "embed.batch.size", "1", "search.query.cache.ttl.ms", Long.toString(10 * 24 * HOUR)));
    searches.pipeInput(
        "u1", search("u1", "Gamma rays", hoursAgo(24 * 20)), recordTime(hoursAgo(24 * 20)));
    searches.pipeInput(
        "u2", search("u2", "delta blues", hoursAgo(24 * 12)), recordTime(hoursAgo(24 * 12)));
    // Stream time 15 days after gamma rays' only use (TTL 10): it is evicted; delta blues (7 days)
    // stays.
    searches.pipeInput(
        "u2", search("u2", "delta blues", hoursAgo(24 * 5)), recordTime(hoursAgo(24 * 5)));
    List<TestRecord<String, ContentEmbedding>> out = embeddings.readRecordsToList();
    assertEquals(
        List.of("gamma rays", "delta blues", "gamma rays"),
        out.stream().map(TestRecord::key).toList());
    assertNull(out.get(2).value(), "a tombstone for the evicted query");
    List<TestRecord<String, IndexUpdate>> idx = indexUpdates.readRecordsToList();
    TestRecord<String, IndexUpdate> last = idx.get(idx.size() - 1);
    assertEquals("queries|gamma rays", last.key());
    assertEquals(IndexOp.DELETE, last.value().getOp());
    assertEquals(
        List.of("queries|gamma rays", "queries|delta blues", "queries|gamma rays"),
        idx.stream().map(TestRecord::key).toList());
  }

  private static InteractionEvent click(String user, String target, long t) {
    return InteractionEvent.newBuilder()
        .setUserId(user)
        .setTargetId(target)
        .setTargetType(EntityType.POST)
        .setInteractionType(InteractionType.CLICK)
        .setSurface(Surface.FEED)
        .setEventTime(Instant.ofEpochMilli(t))
        .build();
  }

  private static SearchQueryEvent search(String user, String query, long t) {
    return SearchQueryEvent.newBuilder()
        .setUserId(user)
        .setQuery(query)
        .setEventTime(Instant.ofEpochMilli(t))
        .build();
  }
}
