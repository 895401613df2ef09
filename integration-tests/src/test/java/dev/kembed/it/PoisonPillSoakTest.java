package dev.kembed.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.schemas.Surface;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.testkit.EmbeddedKafka;
import dev.kembed.topology.cli.KembedApp;
import dev.kembed.topology.cli.TopicCreator;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.errors.DlqHeaders;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.errors.DlqRecords;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The poison-pill soak (issue 10): every hostile input a real producer can send, interleaved with
 * valid traffic on all four input topics and produced as one burst into 3 partitions, against one
 * kembed instance on a real broker (exactly-once). The app must stay RUNNING on the stream thread
 * it started with, every valid record must produce its outputs exactly once, every bad one must be
 * in the DLQ exactly once (read_committed) with its reason and original coordinates, and the
 * metrics must count them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoisonPillSoakTest {
  private static final Duration WAIT = Duration.ofSeconds(150);
  private static final int PARTITIONS = 3;
  private static final int POSTS = 24;
  private static final int COMMENTS = 12;
  private static final int VIEWERS = 8;
  private static final int CLICKS_PER_VIEWER = 3;
  private static final int SEARCHERS = 6;
  private static final long MAX_VALUE_BYTES = 12L << 20;

  /** Event times of the valid traffic: from half an hour before the burst, a second apart. */
  private long base;

  private EmbeddedKafka kafka;
  private KafkaProducer<String, byte[]> producer;
  private KafkaTestSupport io;
  private KembedConfig config;
  private KembedApp app;
  private final List<KafkaStreams.State> transitions = new CopyOnWriteArrayList<>();
  private Set<String> threadsAtStart;

  /** Key of each bad record to the reason it must be dead-lettered with. */
  private final Map<String, DlqReason> bad = new LinkedHashMap<>();

  private final Map<String, String> badTopic = new HashMap<>();
  private final Map<String, byte[]> badValue = new HashMap<>();
  private final Map<DlqReason, Long> countsBefore = new EnumMap<>(DlqReason.class);
  private long deletedTargetBefore;
  private final Set<String> validContent = new HashSet<>();
  private final Set<String> validQueries = new HashSet<>();
  private final Map<String, Integer> clicks = new HashMap<>();
  private final Map<String, Integer> searchesBy = new HashMap<>();
  private int sent;
  private long burstMs;

  @BeforeAll
  void start() throws Exception {
    kafka = EmbeddedKafka.start(Map.of("message.max.bytes", Long.toString(MAX_VALUE_BYTES)));
    io = new KafkaTestSupport(kafka.bootstrapServers());
    Map<String, Object> s = io.appSettings(KafkaTestSupport.uniqueId("soak"), "", PARTITIONS);
    s.put(KembedConfig.EMBED_BATCH_SIZE, "8");
    config = new KembedConfig(s);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicCreator.ensure(admin, config);
      admin
          .createTopics(
              List.of(new org.apache.kafka.clients.admin.NewTopic("manual-posts", 1, (short) 1)))
          .all()
          .get();
    }
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) MAX_VALUE_BYTES);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());

    app = new KembedApp(config, SharedEmbedder.unclosable());
    app.streams()
        .setStateListener(
            (now, before) -> {
              transitions.add(now);
              System.err.println("soak: kembed " + before + " -> " + now);
            });
    app.start();
    assertTrue(app.awaitRunning(WAIT), "app reaches RUNNING");
    threadsAtStart = threadNames();
    for (DlqReason r : DlqReason.values()) {
      countsBefore.put(r, dlqCount(r));
    }
    deletedTargetBefore = droppedCount(DlqReason.DELETED_TARGET);

    base = System.currentTimeMillis() - 1_800_000L;
    // A post that will be deleted before a comment on it arrives (defect 7): created and
    // tombstoned first, so the comment in the burst meets the deletion.
    send(
        posts(),
        "p-del",
        avro(post("p-del", "author-del", "Garage sale on Saturday, everything must go", base)));
    io.read(
        config.topic(KembedConfig.TOPIC_CONTENT_EMBEDDINGS),
        l -> l.stream().anyMatch(r -> r.key().equals("p-del")),
        WAIT,
        Duration.ZERO);
    send(posts(), "p-del", null);
    io.read(
        config.topic(KembedConfig.TOPIC_CONTENT_EMBEDDINGS),
        l -> l.stream().anyMatch(r -> r.key().equals("p-del") && r.value() == null),
        WAIT,
        Duration.ZERO);
    burst();
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close(Duration.ofSeconds(30));
    }
    if (producer != null) {
      producer.close();
    }
    io.close();
    kafka.close();
  }

  private String posts() {
    return config.topic(KembedConfig.TOPIC_POSTS);
  }

  private String comments() {
    return config.topic(KembedConfig.TOPIC_COMMENTS);
  }

  private String interactions() {
    return config.topic(KembedConfig.TOPIC_INTERACTIONS);
  }

  private String searches() {
    return config.topic(KembedConfig.TOPIC_SEARCH_QUERIES);
  }

  // All records at once, good and bad interleaved on every input topic.
  private void burst() throws Exception {
    List<Future<?>> acks = new ArrayList<>();
    Random random = new Random(10);
    String[] topics = {
      "lost dog",
      "free couch",
      "plumber recommendation",
      "bike theft",
      "tomato seedlings",
      "yard sale"
    };
    long now = System.currentTimeMillis();
    long t0 = System.nanoTime();
    for (int i = 0; i < POSTS; i++) {
      String id = "p-" + i;
      validContent.add(id);
      acks.add(
          send(
              posts(),
              id,
              avro(
                  post(
                      id,
                      "author-" + i,
                      "Neighbourhood note "
                          + i
                          + " about "
                          + topics[i % topics.length]
                          + " near the park",
                      base + i * 1000L))));
      if (i < COMMENTS) {
        String c = "c-" + i;
        validContent.add(c);
        acks.add(
            send(
                comments(),
                c,
                avro(
                    CommentEvent.newBuilder()
                        .setCommentId(c)
                        .setPostId(id)
                        .setAuthorId("commenter-" + i)
                        .setText(
                            "Thanks for sharing, comment " + i + " on " + topics[i % topics.length])
                        .setEventTime(Instant.ofEpochMilli(base + i * 1000L + 500))
                        .build())));
      }
      if (i < VIEWERS * CLICKS_PER_VIEWER) {
        String viewer = "viewer-" + (i % VIEWERS);
        clicks.merge(viewer, 1, Integer::sum);
        acks.add(send(interactions(), viewer, avro(click(viewer, id, base + i * 1000L + 700))));
      }
      if (i < SEARCHERS * 2) {
        String user = "searcher-" + (i % SEARCHERS);
        String q = topics[i % topics.length] + " " + i;
        validQueries.add(q);
        searchesBy.merge(user, 1, Integer::sum);
        acks.add(send(searches(), user, avro(search(user, q, base + i * 1000L + 800))));
      }
      switch (i) {
        case 1 -> badPost("bad-p-negative", -1, "alpha", DlqReason.INVALID_TIMESTAMP);
        case 2 -> badPost("bad-p-min", Long.MIN_VALUE, "beta", DlqReason.INVALID_TIMESTAMP);
        case 3 ->
            badPost("bad-p-fast-clock", now + 2 * 3_600_000L, "gamma", DlqReason.INVALID_TIMESTAMP);
        case 4 ->
            badPost(
                "bad-p-year-9999",
                Instant.parse("9999-01-01T00:00:00Z").toEpochMilli(),
                "delta",
                DlqReason.INVALID_TIMESTAMP);
        case 5 -> badPost("bad-p-1mb", base, "x".repeat(1 << 20), DlqReason.TEXT_TOO_LONG);
        case 6 -> bad(posts(), "bad-p-random", randomBytes(random, 300), DlqReason.UNDECODABLE);
        case 7 ->
            bad(
                posts(),
                "bad-p-truncated",
                Arrays.copyOf(avro(post("bad-p-truncated", "a", "cut short", base)), 20),
                DlqReason.UNDECODABLE);
        case 8 -> bad(posts(), "bad-p-2gb-string", twoGigabyteString(), DlqReason.UNDECODABLE);
        case 9 -> bad(posts(), "bad-p-10mb", randomBytes(random, 10 << 20), DlqReason.UNDECODABLE);
        case 10 -> bad(comments(), "bad-c-random", randomBytes(random, 64), DlqReason.UNDECODABLE);
        case 11 ->
            bad(
                comments(),
                "bad-c-negative",
                avro(
                    CommentEvent.newBuilder()
                        .setCommentId("bad-c-negative")
                        .setPostId("p-0")
                        .setAuthorId("x")
                        .setText("negative comment")
                        .setEventTime(Instant.ofEpochMilli(-5))
                        .build()),
                DlqReason.INVALID_TIMESTAMP);
        case 12 ->
            bad(
                interactions(),
                "bad-i-future",
                avro(click("bad-i-future", "p-1", now + 365L * 86_400_000L)),
                DlqReason.INVALID_TIMESTAMP);
        case 13 ->
            bad(
                interactions(),
                "bad-i-negative",
                avro(click("bad-i-negative", "p-1", Long.MIN_VALUE)),
                DlqReason.INVALID_TIMESTAMP);
        case 14 ->
            bad(interactions(), "bad-i-random", randomBytes(random, 40), DlqReason.UNDECODABLE);
        case 15 ->
            bad(
                interactions(),
                "bad-i-truncated",
                Arrays.copyOf(avro(click("bad-i-truncated", "p-2", base)), 14),
                DlqReason.UNDECODABLE);
        case 16 ->
            bad(
                searches(),
                "bad-q-600kb",
                avro(search("bad-q-600kb", "q".repeat(600_000), base)),
                DlqReason.TEXT_TOO_LONG);
        case 17 ->
            bad(
                searches(),
                "bad-q-negative",
                avro(search("bad-q-negative", "negative query", -1)),
                DlqReason.INVALID_TIMESTAMP);
        case 18 ->
            bad(
                searches(),
                "bad-q-future",
                avro(search("bad-q-future", "future query", now + 7_200_000L)),
                DlqReason.INVALID_TIMESTAMP);
        case 19 -> bad(searches(), "bad-q-random", randomBytes(random, 100), DlqReason.UNDECODABLE);
        case 20 -> validContent.add("c-on-deleted");
        default -> {}
      }
      if (i == 20) {
        acks.add(
            send(
                comments(),
                "c-on-deleted",
                avro(
                    CommentEvent.newBuilder()
                        .setCommentId("c-on-deleted")
                        .setPostId("p-del")
                        .setAuthorId("late-commenter")
                        .setText("Is the garage sale still on?")
                        .setEventTime(Instant.ofEpochMilli(base + 20_500))
                        .build())));
      }
    }
    producer.flush();
    for (Future<?> f : acks) {
      f.get();
    }
    burstMs = (System.nanoTime() - t0) / 1_000_000;
  }

  private void badPost(String id, long eventTime, String body, DlqReason reason) {
    bad(posts(), id, avro(post(id, "author-bad", body, eventTime)), reason);
  }

  private void bad(String topic, String key, byte[] value, DlqReason reason) {
    bad.put(key, reason);
    badTopic.put(key, topic);
    badValue.put(key, value);
    send(topic, key, value);
  }

  // As `kembed produce` does, the record timestamp is the event time; an event time no broker
  // would take (negative, over an hour ahead) is sent with the send time, as a producer would.
  private Future<?> send(String topic, String key, byte[] value) {
    sent++;
    Long eventTime = eventTimeOf(topic, value);
    long now = System.currentTimeMillis();
    Long timestamp =
        eventTime == null || eventTime < 0 || eventTime > now + 60_000 ? (Long) now : eventTime;
    return producer.send(new ProducerRecord<>(topic, null, timestamp, key, value));
  }

  private Long eventTimeOf(String topic, byte[] value) {
    if (value == null) {
      return null;
    }
    Class<? extends SpecificRecord> type =
        topic.equals(posts())
            ? PostEvent.class
            : topic.equals(comments())
                ? CommentEvent.class
                : topic.equals(interactions()) ? InteractionEvent.class : SearchQueryEvent.class;
    try {
      SpecificRecord r = KembedSerdes.of(type).deserializer().deserialize(topic, value);
      return ((Instant) r.get(r.getSchema().getField("event_time").pos())).toEpochMilli();
    } catch (RuntimeException undecodable) {
      return null;
    }
  }

  private Set<String> threadNames() {
    return app.streams().metadataForLocalThreads().stream()
        .map(m -> m.threadName())
        .collect(Collectors.toSet());
  }

  private long dlqCount(DlqReason reason) {
    var c = app.meterRegistry().find("kembed.dlq.records").tag("reason", reason.name()).counter();
    return c == null ? 0 : (long) c.count();
  }

  private long droppedCount(DlqReason reason) {
    var c =
        app.meterRegistry().find("kembed.dropped.records").tag("reason", reason.name()).counter();
    return c == null ? 0 : (long) c.count();
  }

  @Test
  void theAppStaysRunningOnTheThreadItStartedWith() throws Exception {
    awaitDlq(bad.size());
    assertEquals(KafkaStreams.State.RUNNING, app.state());
    assertEquals(threadsAtStart, threadNames(), "no stream thread died and was replaced");
    assertTrue(
        transitions.stream()
            .noneMatch(
                s ->
                    s == KafkaStreams.State.ERROR
                        || s == KafkaStreams.State.PENDING_ERROR
                        || s == KafkaStreams.State.PENDING_SHUTDOWN),
        "transitions: " + transitions);
  }

  @Test
  void everyValidPostCommentAndQueryIsEmbeddedExactlyOnce() {
    Set<String> expected = new HashSet<>(validContent);
    expected.addAll(validQueries);
    Predicate<List<ConsumerRecord<String, byte[]>>> all =
        l ->
            l.stream()
                .filter(r -> r.value() != null)
                .map(ConsumerRecord::key)
                .collect(Collectors.toSet())
                .containsAll(expected);
    List<ConsumerRecord<String, byte[]>> out =
        io.read(
            config.topic(KembedConfig.TOPIC_CONTENT_EMBEDDINGS), all, WAIT, Duration.ofSeconds(3));
    Map<String, Long> perKey =
        out.stream()
            .filter(r -> r.value() != null)
            .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
    for (String k : expected) {
      assertEquals(1L, perKey.get(k), "embedding of " + k);
    }
    perKey.remove("p-del"); // embedded before the burst and deleted since
    assertEquals(
        expected,
        perKey.keySet(),
        "nothing but the valid records is embedded (c-on-deleted is a valid comment: embedded, then"
            + " counted as DELETED_TARGET by the join)");
  }

  @Test
  void everyValidCommentGetsOneCommentPostRowAndTheOneOnADeletedPostIsCounted() {
    String features = config.topic(KembedConfig.TOPIC_SIMILARITY_FEATURES);
    List<ConsumerRecord<String, byte[]>> rows =
        io.read(
            features,
            l -> l.stream().filter(r -> r.key().startsWith("commenter-")).count() >= COMMENTS,
            WAIT,
            Duration.ofSeconds(3));
    Map<String, Long> perKey =
        rows.stream()
            .filter(r -> r.key().startsWith("commenter-") || r.key().startsWith("late-commenter"))
            .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
    assertEquals(COMMENTS, perKey.size(), perKey.toString());
    assertTrue(perKey.values().stream().allMatch(n -> n == 1), perKey.toString());
    assertEquals(
        deletedTargetBefore + 1,
        droppedCount(DlqReason.DELETED_TARGET),
        "the comment on the deleted post is counted as DELETED_TARGET");
  }

  @Test
  void userVectorsWeighEveryValidClickAndSearchOnce() {
    String topic = config.topic(KembedConfig.TOPIC_USER_VECTORS);
    Map<String, Double> expected = new HashMap<>();
    clicks.forEach((user, n) -> expected.put(user + "|ENGAGEMENT|P7D", 2.0 * n)); // CLICK weighs 2
    searchesBy.forEach(
        (user, n) -> expected.put(user + "|SEARCH_INTENT|P7D", 1.0 * n)); // search.query.weight 1
    Map<String, Double> latest = new HashMap<>();
    io.read(
        topic,
        l -> {
          latest.clear();
          for (ConsumerRecord<String, byte[]> r : l) {
            if (r.value() != null) {
              latest.put(
                  r.key(),
                  KembedSerdes.userVector()
                      .deserializer()
                      .deserialize(topic, r.value())
                      .getTotalWeight());
            }
          }
          return expected.entrySet().stream()
              .allMatch(e -> e.getValue().equals(latest.get(e.getKey())));
        },
        WAIT,
        Duration.ZERO);
    expected.forEach((k, w) -> assertEquals(w, latest.get(k), 1e-9, k));
  }

  @Test
  void everyBadRecordIsDeadLetteredExactlyOnceAsReceivedWithItsReasonAndCoordinates() {
    List<ConsumerRecord<String, byte[]>> dlq = awaitDlq(bad.size());
    Map<String, Long> perCoordinate =
        dlq.stream()
            .collect(
                Collectors.groupingBy(
                    r ->
                        DlqHeaders.read(r.headers(), DlqHeaders.TOPIC)
                            + "-"
                            + DlqHeaders.read(r.headers(), DlqHeaders.PARTITION)
                            + "@"
                            + DlqHeaders.read(r.headers(), DlqHeaders.OFFSET),
                    Collectors.counting()));
    assertTrue(
        perCoordinate.values().stream().allMatch(n -> n == 1),
        "each input dead-lettered once: " + perCoordinate);
    assertEquals(
        bad.size(),
        dlq.size(),
        "exactly the bad records: " + dlq.stream().map(ConsumerRecord::key).toList());
    Map<String, ConsumerRecord<String, byte[]>> byKey =
        dlq.stream().collect(Collectors.toMap(ConsumerRecord::key, r -> r));
    bad.forEach(
        (key, reason) -> {
          ConsumerRecord<String, byte[]> r = byKey.get(key);
          assertNotNull(r, key + " is in the DLQ");
          assertEquals(reason.name(), DlqHeaders.read(r.headers(), DlqHeaders.REASON), key);
          assertEquals(
              badTopic.get(key),
              DlqHeaders.read(r.headers(), DlqHeaders.TOPIC),
              key + ": the input topic, never an internal one");
          int partition = Integer.parseInt(DlqHeaders.read(r.headers(), DlqHeaders.PARTITION));
          assertTrue(partition >= 0 && partition < PARTITIONS, key + " partition " + partition);
          assertTrue(Long.parseLong(DlqHeaders.read(r.headers(), DlqHeaders.OFFSET)) >= 0, key);
          byte[] original = badValue.get(key);
          String truncated = DlqHeaders.read(r.headers(), DlqRecords.TRUNCATED);
          if (truncated == null) {
            assertArrayEquals(original, r.value(), key + ": the value as received");
          } else {
            assertEquals("value " + original.length + " -> " + r.value().length, truncated, key);
            assertArrayEquals(
                Arrays.copyOf(original, r.value().length),
                r.value(),
                key + ": a prefix of the value as received");
          }
        });
    assertNotNull(
        DlqHeaders.read(byKey.get("bad-p-10mb").headers(), DlqRecords.TRUNCATED),
        "a 10 MB copy cannot fit one request");
    assertNotNull(
        DlqHeaders.read(byKey.get("bad-p-1mb").headers(), DlqRecords.TRUNCATED),
        "nor can a 1 MB one with its headers");
  }

  @Test
  void theMetricsCountEveryRejectionByReason() {
    awaitDlq(bad.size());
    Map<DlqReason, Long> expected =
        bad.values().stream()
            .collect(
                Collectors.groupingBy(
                    r -> r, () -> new EnumMap<>(DlqReason.class), Collectors.counting()));
    for (DlqReason r : DlqReason.values()) {
      assertEquals(
          expected.getOrDefault(r, 0L),
          dlqCount(r) - countsBefore.get(r),
          "kembed_dlq_records_total{reason=" + r + "}");
    }
    System.out.printf(
        "soak: %d records in the burst (%d bad), produced in %d ms; DLQ by reason %s%n",
        sent, bad.size(), burstMs, expected);
  }

  // Defect 10, through the CLI on the same broker: a missing topic fails fast, named; a file with
  // a bad line sends nothing and names the line.
  @Test
  void kembedProduceFailsFastOnAMissingTopicAndSendsNothingFromAFileWithABadLine()
      throws Exception {
    java.nio.file.Path file = KafkaTestSupport.tempDir("produce").resolve("posts.jsonl");
    java.nio.file.Files.writeString(
        file,
        String.join(
            "\n",
            "{\"post_id\":\"m1\",\"author_id\":\"u1\",\"body\":\"Found"
                + " keys\",\"event_time\":1740992400000}",
            "{\"post_id\":\"m2\",\"author_id\":\"u2\",\"body\":null,\"event_time\":1740992400000}",
            "{\"post_id\":\"m3\",\"author_id\":\"u3\",\"body\":\"Free plant"
                + " pots\",\"event_time\":1740992400000}"));
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream saved = System.err;
    int missing;
    int invalid;
    System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      missing =
          dev.kembed.topology.cli.KembedCli.execute(
              "produce",
              "-b",
              kafka.bootstrapServers(),
              "--topic",
              "no-such-topic",
              "--type",
              "post",
              file.toString());
      invalid =
          dev.kembed.topology.cli.KembedCli.execute(
              "produce",
              "-b",
              kafka.bootstrapServers(),
              "--topic",
              "manual-posts",
              "--type",
              "post",
              file.toString());
    } finally {
      System.setErr(saved);
    }
    String messages = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, missing, messages);
    assertTrue(messages.contains("topic 'no-such-topic' does not exist"), messages);
    assertEquals(1, invalid, messages);
    assertTrue(
        messages.contains("nothing sent: 1 of 3 records are invalid")
            && messages.contains("line 2: "),
        messages);
    assertEquals(
        0,
        io.read("manual-posts", l -> false, Duration.ofSeconds(3), Duration.ZERO).size(),
        "not even the valid line 1 was sent");
  }

  private List<ConsumerRecord<String, byte[]>> awaitDlq(int n) {
    return io.readAtLeast(config.topic(KembedConfig.TOPIC_DLQ), n, WAIT, Duration.ofSeconds(3));
  }

  private static PostEvent post(String id, String author, String body, long eventTime) {
    return PostEvent.newBuilder()
        .setPostId(id)
        .setAuthorId(author)
        .setSubject(null)
        .setBody(body)
        .setEventTime(Instant.ofEpochMilli(eventTime))
        .build();
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

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static byte[] avro(SpecificRecord r) {
    Serializer s = KembedSerdes.of(r.getClass()).serializer();
    return s.serialize("t", r);
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    b[0] = 0x13; // neither Avro's C3 01 nor a JSON '{'
    return b;
  }

  // 18 bytes: a PostEvent header, then post_id declared as a string of Integer.MAX_VALUE - 8 bytes.
  private static byte[] twoGigabyteString() {
    long fp = SchemaNormalization.parsingFingerprint64(PostEvent.getClassSchema());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xC3);
    out.write(0x01);
    for (int i = 0; i < 8; i++) {
      out.write((int) (fp >>> (8 * i)) & 0xFF);
    }
    long z = (Integer.MAX_VALUE - 8L) << 1; // zig-zag of a positive long
    while ((z & ~0x7FL) != 0) {
      out.write((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
    out.writeBytes("p1!".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
