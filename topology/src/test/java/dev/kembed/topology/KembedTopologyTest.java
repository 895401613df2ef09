package dev.kembed.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.IndexOp;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.state.VectorMath;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.content.Vectors;
import dev.kembed.topology.errors.DlqHeaders;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.internal.InternalSerdes;
import dev.kembed.topology.testing.RecordingEmbedder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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

/** The content half of the topology on TopologyTestDriver, with the real default model. */
class KembedTopologyTest {
  // Events here run up to months ahead of the driver's wall clock, which starts at T0.
  private static final String EVENTS_AHEAD_OF_WALL_CLOCK = Long.toString(365L * 86_400_000L);
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir Path stateDir;
  private final List<TopologyTestDriver> drivers = new ArrayList<>();
  private RecordingEmbedder embedder = RecordingEmbedder.overDefaultModel();

  private TopologyTestDriver driver;
  private TestInputTopic<String, PostEvent> posts;
  private TestInputTopic<String, CommentEvent> comments;
  private TestInputTopic<String, byte[]> rawPosts;
  private TestOutputTopic<String, ContentEmbedding> embeddings;
  private TestOutputTopic<String, IndexUpdate> indexUpdates;
  private TestOutputTopic<String, SimilarityFeatures> features;
  private TestOutputTopic<byte[], byte[]> dlq;

  @AfterEach
  void closeDrivers() {
    drivers.forEach(
        d -> {
          try {
            d.close();
          } catch (RuntimeException ignored) {
            // a driver abandoned to simulate a crash may fail to close cleanly
          }
        });
  }

  private void start(Map<String, Object> overrides, Path dir) {
    Map<String, Object> props =
        new HashMap<>(
            Map.of(
                "embed.batch.size",
                "32",
                "input.max.future.ms",
                EVENTS_AHEAD_OF_WALL_CLOCK,
                "topics.partitions",
                "1",
                "watermark.idle.ms",
                "0"));
    props.putAll(overrides);
    KembedConfig config = new KembedConfig(props);
    Properties p = config.streamsProperties();
    p.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "kembed-test");
    driver = new TopologyTestDriver(KembedTopology.build(config, embedder), p, T0);
    drivers.add(driver);
    posts =
        driver.createInputTopic(
            "posts", new StringSerializer(), KembedSerdes.of(PostEvent.class).serializer());
    comments =
        driver.createInputTopic(
            "comments", new StringSerializer(), KembedSerdes.of(CommentEvent.class).serializer());
    rawPosts = driver.createInputTopic("posts", new StringSerializer(), new ByteArraySerializer());
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
    features =
        driver.createOutputTopic(
            "similarity-features",
            new StringDeserializer(),
            KembedSerdes.of(SimilarityFeatures.class).deserializer());
    dlq =
        driver.createOutputTopic(
            "kembed-dlq", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
  }

  private void start(Map<String, Object> overrides) {
    start(overrides, stateDir);
  }

  private static PostEvent post(String id, String subject, String body, long minutes) {
    return PostEvent.newBuilder()
        .setPostId(id)
        .setAuthorId("author-" + id)
        .setSubject(subject)
        .setBody(body)
        .setEventTime(T0.plusSeconds(60 * minutes))
        .build();
  }

  private static CommentEvent comment(String id, String postId, String text, long minutes) {
    return CommentEvent.newBuilder()
        .setCommentId(id)
        .setPostId(postId)
        .setAuthorId("commenter-" + id)
        .setText(text)
        .setEventTime(T0.plusSeconds(60 * minutes))
        .build();
  }

  private void flushByTime() {
    driver.advanceWallClockTime(Duration.ofMillis(250));
  }

  @Test
  void postAndCommentBecomeEmbeddingsOfTheirCleanedText() {
    start(Map.of());
    posts.pipeInput("p1", post("p1", "Lost dog", "Golden  retriever\u200B near Elm park", 0));
    comments.pipeInput("c1", comment("c1", "p1", "I saw him by the\tschool!", 1));
    flushByTime();

    List<TestRecord<String, ContentEmbedding>> out = embeddings.readRecordsToList();
    assertEquals(2, out.size());
    ContentEmbedding p = out.get(0).value();
    assertEquals("p1", out.get(0).key());
    assertEquals(EntityType.POST, p.getEntityType());
    assertEquals("author-p1", p.getAuthorId());
    assertEquals(embedder.model().id(), p.getModelId());
    assertEquals(T0, p.getEventTime());
    assertEquals(T0.toEpochMilli(), out.get(0).timestamp(), "output record time is the event time");
    assertCosineAtLeast(embedder.reference("Lost dog. Golden retriever near Elm park"), p, 0.99999);

    ContentEmbedding c = out.get(1).value();
    assertEquals(EntityType.COMMENT, c.getEntityType());
    assertEquals("p1", c.getParentId());
    assertCosineAtLeast(embedder.reference("I saw him by the school!"), c, 0.99999);

    List<TestRecord<String, IndexUpdate>> idx = indexUpdates.readRecordsToList();
    assertEquals(List.of("posts|p1", "comments|c1"), idx.stream().map(TestRecord::key).toList());
    assertEquals(IndexOp.UPSERT, idx.get(0).value().getOp());
    assertEquals(384, idx.get(0).value().getVector().size());
  }

  @Test
  void anEmbeddedPostLeavesOneTombstoneInTheBufferChangelogAndNoneForDeletions() {
    // Batches of one, inline: a post is buffered, embedded and forwarded within the processing of
    // its own record, so within one commit (the driver commits after every record). The cached
    // buffer store then writes only the tombstone (uncached: the request, then its tombstone).
    start(Map.of("embed.batch.size", "1"));
    for (int i = 0; i < 5; i++) {
      posts.pipeInput("p" + i, post("p" + i, "Lost dog " + i, "Golden retriever near Elm park", i));
    }
    assertEquals(5, embeddings.readRecordsToList().size());
    List<TestRecord<String, byte[]>> buffer = changelog("embed-buffer");
    assertEquals(5, buffer.size(), "one changelog record per embedded post");
    assertTrue(buffer.stream().allMatch(r -> r.value() == null), "tombstones only");
    // No post was ever deleted: no tombstone per embedding in the deletion markers' changelog.
    assertEquals(List.of(), changelog("deleted-entities"));
    assertEquals(5, changelog("embed-hashes").size(), "the content hash of each post is kept");
  }

  private List<TestRecord<String, byte[]>> changelog(String store) {
    String topic = "kembed-test-" + store + "-changelog";
    if (!driver.producedTopicNames().contains(topic)) {
      return List.of();
    }
    return driver
        .createOutputTopic(topic, new StringDeserializer(), Serdes.ByteArray().deserializer())
        .readRecordsToList();
  }

  @Test
  void float16OutputsArePackedAndDecodeToTheFloat32Vectors() {
    start(Map.of());
    posts.pipeInput("p1", post("p1", "Lost dog", "Golden retriever near Elm park", 0));
    flushByTime();
    float[] exact = dev.kembed.schemas.vector.RecordVectors.of(embeddings.readValue());
    start(Map.of("output.vector.encoding", "float16"), stateDir.resolve("f16"));
    posts.pipeInput("p1", post("p1", "Lost dog", "Golden retriever near Elm park", 0));
    flushByTime();
    ContentEmbedding e = embeddings.readValue();
    assertTrue(e.getVector().isEmpty());
    assertEquals(dev.kembed.schemas.VectorEncoding.FLOAT16, e.getVectorEncoding());
    assertEquals(2 * exact.length, e.getPackedVector().remaining());
    float[] half = dev.kembed.schemas.vector.RecordVectors.of(e);
    for (int i = 0; i < exact.length; i++) {
      assertEquals(exact[i], half[i], Math.abs(exact[i]) * 0x1p-11 + 0x1p-24, "dimension " + i);
    }
    IndexUpdate u = indexUpdates.readValue();
    assertNull(u.getVector());
    assertEquals(dev.kembed.schemas.VectorEncoding.FLOAT16, u.getVectorEncoding());
  }

  @Test
  void unchangedTextIsNotEmbeddedAgainButAnEditIsAndADeleteTombstones() {
    start(Map.of());
    posts.pipeInput("p1", post("p1", "Free sofa", "Grey couch, must go", 0));
    flushByTime();
    assertEquals(1, embedder.textsEmbedded());
    posts.pipeInput(
        "p1", post("p1", "Free  sofa", "Grey couch, must go ", 5)); // same after cleaning
    flushByTime();
    assertEquals(1, embedder.textsEmbedded(), "same cleaned text is not embedded again");
    posts.pipeInput("p1", post("p1", "Free sofa", "Grey couch, picked up already", 6));
    flushByTime();
    assertEquals(2, embedder.textsEmbedded(), "an edit is embedded");
    posts.pipeInput("p1", (PostEvent) null);

    List<TestRecord<String, ContentEmbedding>> out = embeddings.readRecordsToList();
    assertEquals(3, out.size());
    assertCosineAtLeast(
        embedder.reference("Free sofa. Grey couch, picked up already"),
        out.get(1).value(),
        0.99999);
    assertEquals("p1", out.get(2).key());
    assertNull(out.get(2).value(), "delete is a tombstone");
    List<TestRecord<String, IndexUpdate>> idx = indexUpdates.readRecordsToList();
    assertEquals(IndexOp.DELETE, idx.get(idx.size() - 1).value().getOp());
    assertNull(idx.get(idx.size() - 1).value().getVector());
  }

  @Test
  void anEditWhileBufferedReplacesTheOldTextAndADeleteDropsIt() {
    start(Map.of());
    posts.pipeInput("p1", post("p1", "Couch", "blue", 0));
    posts.pipeInput("p1", post("p1", "Couch", "red", 1));
    posts.pipeInput("p2", post("p2", "Lamp", "brass", 2));
    posts.pipeInput("p2", (PostEvent) null);
    flushByTime();
    assertEquals(
        List.of("Couch. red"), embedder.texts, "only the latest text of p1 is embedded, p2 never");
    List<TestRecord<String, ContentEmbedding>> out = embeddings.readRecordsToList();
    assertEquals(List.of("p2", "p1"), out.stream().map(TestRecord::key).toList());
    assertNull(out.get(0).value());
  }

  @Test
  void hundredPostsFlushAsThreeFullBatchesAndTheRestAtTheNextPunctuationMatchingBatchSizeOne() {
    start(Map.of());
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String body =
          "Neighbour post number "
              + i
              + (i % 3 == 0
                  ? " about a lost cat near the library and the school bus stop"
                  : i % 3 == 1 ? " selling a bike" : " free firewood");
      texts.add("Post " + i + ". " + body);
      posts.pipeInput("p" + i, post("p" + i, "Post " + i, body, i));
    }
    assertEquals(List.of(32, 32, 32), embedder.batchSizes);
    assertEquals(96, embeddings.getQueueSize());
    // Inline inference: the rest runs at the next punctuation (Streams punctuates right after each
    // pass over polled records), without waiting for a timeout.
    driver.advanceWallClockTime(Duration.ofMillis(2));
    assertEquals(List.of(32, 32, 32, 4), embedder.batchSizes);

    List<TestRecord<String, ContentEmbedding>> out = embeddings.readRecordsToList();
    assertEquals(100, out.size());
    for (int i = 0; i < 100; i++) {
      assertEquals("p" + i, out.get(i).key(), "arrival order kept");
      assertCosineAtLeast(embedder.reference(texts.get(i)), out.get(i).value(), 0.99999);
    }
  }

  @Test
  void bufferedTextsAreCommittedToTheChangelogWithTheirInput() {
    start(Map.of());
    for (int i = 0; i < 5; i++) {
      posts.pipeInput("p" + i, post("p" + i, "Garage sale " + i, "tools and books", i));
    }
    assertEquals(0, embeddings.getQueueSize(), "still buffered");
    // The driver commits after every record: what a crash leaves behind is what the changelog
    // holds, and a restarted instance restores the buffer from it (EmbedBatchProcessorTest shows
    // the restored buffer is then embedded once, in order).
    TestOutputTopic<String, byte[]> changelog =
        driver.createOutputTopic(
            "kembed-test-" + KembedTopology.EMBED_BUFFER_STORE + "-changelog",
            new StringDeserializer(),
            Serdes.ByteArray().deserializer());
    Map<String, byte[]> restored = changelog.readKeyValuesToMap();
    assertEquals(
        List.of("POST:p0", "POST:p1", "POST:p2", "POST:p3", "POST:p4"),
        restored.keySet().stream().sorted().toList());
    assertEquals(
        "Garage sale 3. tools and books",
        InternalSerdes.embedRequest()
            .deserializer()
            .deserialize("", restored.get("POST:p3"))
            .getText());
    flushByTime();
    assertEquals(5, embeddings.getQueueSize());
    assertTrue(
        changelog.readKeyValuesToMap().values().stream().allMatch(v -> v == null),
        "flushed entries are deleted from the changelog too");
  }

  @Test
  void badInputGoesToTheDlqWithHeadersAndGoodRecordsAroundItComeOut() {
    // TopologyTestDriver drops dead-letter records that Streams sends while deserializing under
    // exactly_once_v2 (they are sent before the driver opens its transaction); the broker-backed
    // integration test checks the same path under exactly-once.
    start(Map.of("processing.guarantee", "at_least_once"));
    posts.pipeInput("ok1", post("ok1", "Babysitter needed", "Friday evening", 0));
    rawPosts.pipeInput("garbage", new byte[] {1, 2, 3, 4});
    rawPosts.pipeInput(
        "nobody",
        "{\"post_id\":\"nobody\",\"author_id\":\"a\",\"event_time\":1}"
            .getBytes(StandardCharsets.UTF_8));
    posts.pipeInput("blank", post("blank", " \u200B ", "\t\n", 1));
    posts.pipeInput("other", post("mismatch", "Key", "differs", 1));
    posts.pipeInput(
        "poison", post("poison", "Plumber", "leaky pipe " + RecordingEmbedder.POISON, 2));
    posts.pipeInput("ok2", post("ok2", "Plumber recommendations", "who fixed your sink?", 3));
    flushByTime();

    assertEquals(
        List.of("ok1", "ok2"),
        embeddings.readRecordsToList().stream().map(TestRecord::key).toList());
    List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
    Map<String, DlqReason> reasons = new HashMap<>();
    for (TestRecord<byte[], byte[]> r : dead) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      reasons.put(key, DlqReason.valueOf(DlqHeaders.read(r.headers(), DlqHeaders.REASON)));
      assertEquals("posts", DlqHeaders.read(r.headers(), DlqHeaders.TOPIC), key);
      assertNotNull(DlqHeaders.read(r.headers(), DlqHeaders.OFFSET), key);
      assertNotNull(DlqHeaders.read(r.headers(), DlqHeaders.EXCEPTION), key);
      assertNotNull(r.value(), key + " keeps its value");
    }
    assertEquals(
        Map.of(
            "garbage",
            DlqReason.UNDECODABLE,
            "nobody",
            DlqReason.UNDECODABLE,
            "blank",
            DlqReason.EMPTY_TEXT,
            "other",
            DlqReason.KEY_MISMATCH,
            "poison",
            DlqReason.MODEL_FAILURE),
        reasons);
    TestRecord<byte[], byte[]> garbage =
        dead.stream()
            .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("garbage"))
            .findFirst()
            .orElseThrow();
    assertEquals(
        List.of(1, 2, 3, 4),
        Stream.of(garbage.value()[0], garbage.value()[1], garbage.value()[2], garbage.value()[3])
            .map(Byte::intValue)
            .toList(),
        "raw bytes as received");
    assertTrue(
        DlqHeaders.read(dead.get(1).headers(), DlqHeaders.MESSAGE).contains("body"),
        "missing field is named");
  }

  @Test
  void commentPostSimilarityInEitherArrivalOrder() {
    start(Map.of());
    comments.pipeInput("c1", comment("c1", "p1", "Is the sofa still available?", 1));
    flushByTime();
    assertEquals(0, features.getQueueSize(), "post not embedded yet: the comment waits");
    posts.pipeInput("p1", post("p1", "Free sofa", "grey couch, pick up today", 0));
    flushByTime();
    comments.pipeInput("c2", comment("c2", "p1", "Lost cat seen near the library", 2));
    flushByTime();

    List<TestRecord<String, SimilarityFeatures>> rows = features.readRecordsToList();
    assertEquals(
        List.of("commenter-c1|c1", "commenter-c2|c2"), rows.stream().map(TestRecord::key).toList());
    float[] postVec = embedder.reference("Free sofa. grey couch, pick up today");
    double c1 = rows.get(0).value().getFeatures().get("cos_comment_post");
    double c2 = rows.get(1).value().getFeatures().get("cos_comment_post");
    assertEquals(
        VectorMath.cosine(embedder.reference("Is the sofa still available?"), postVec), c1, 1e-5);
    assertEquals(
        VectorMath.cosine(embedder.reference("Lost cat seen near the library"), postVec), c2, 1e-5);
    assertTrue(
        c1 > c2,
        "a sofa question is closer to a sofa post than a lost-cat sighting: " + c1 + " vs " + c2);
    assertEquals("author-p1", rows.get(0).value().getAuthorId());
  }

  private static void assertCosineAtLeast(float[] expected, ContentEmbedding actual, double min) {
    double cos = VectorMath.cosine(expected, Vectors.toArray(actual.getVector()));
    assertTrue(cos >= min, "cosine " + cos + " < " + min + " for " + actual.getEntityId());
  }
}
