package dev.kembed.it;

import static dev.kembed.it.EndToEndTest.comment;
import static dev.kembed.it.EndToEndTest.post;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kembed.inference.Embedder;
import dev.kembed.inference.EmbeddingException;
import dev.kembed.inference.ModelInfo;
import dev.kembed.schemas.InteractionType;
import dev.kembed.testkit.EmbeddedKafka;
import dev.kembed.topology.KembedTopology;
import dev.kembed.topology.cli.KembedApp;
import dev.kembed.topology.cli.TopicCreator;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.errors.DlqHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every kind of bad input in DESIGN.md, each sandwiched between good records on the same partition:
 * the bad one lands in the DLQ with its bytes as received and headers naming the source topic,
 * partition, offset, exception and reason; the good ones around it all come out. The model
 * misbehaves on cue through a wrapper (an exception for one text, a NaN vector for another), since
 * the real model never does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLetterTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private EmbeddedKafka kafka;
  private KafkaTestSupport io;
  private KembedConfig config;
  private KembedApp app;
  private String posts;
  private String comments;
  private int good;

  @BeforeAll
  void start() throws Exception {
    kafka = EmbeddedKafka.start();
    io = new KafkaTestSupport(kafka.bootstrapServers());
    Map<String, Object> s = io.appSettings(KafkaTestSupport.uniqueId("dlq"), "", 1);
    s.put(KembedConfig.TEXT_MAX_CHARS, "2000");
    config = new KembedConfig(s);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicCreator.ensure(admin, config);
    }
    app = new KembedApp(config, new MisbehavingModel(SharedEmbedder.get()));
    app.start();
    assertTrue(app.awaitRunning(WAIT));
    posts = config.topic(KembedConfig.TOPIC_POSTS);
    comments = config.topic(KembedConfig.TOPIC_COMMENTS);

    goodPost();
    io.send(posts, "p-bytes", new byte[] {0x13, 0x37, 0x00, (byte) 0xff}, null); // UNDECODABLE
    goodPost();
    io.send(
        posts,
        "p-avro-unknown",
        new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 42},
        null); // UNDECODABLE (unknown fingerprint)
    goodPost();
    io.send(
        posts,
        "p-nofield",
        json("{\"post_id\":\"p-nofield\",\"body\":\"no author\",\"event_time\":1}"),
        null); // missing required field
    goodPost();
    io.sendAvro(
        posts,
        "p-blank-author",
        post("p-blank-author", " ", "subject", "body text", 0),
        null); // MISSING_FIELD
    goodPost();
    io.sendAvro(
        posts,
        "p-key",
        post("p-other", "user-1", "key and id differ", "body text", 0),
        null); // KEY_MISMATCH
    goodPost();
    io.sendAvro(
        posts, "p-empty", post("p-empty", "user-1", null, "   \n\t ", 0), null); // EMPTY_TEXT
    goodPost();
    io.sendAvro(
        posts,
        "p-huge",
        post("p-huge", "user-1", "long", "word ".repeat(1000), 0),
        null); // TEXT_TOO_LONG
    goodPost();
    io.sendAvro(
        posts,
        "p-crash",
        post("p-crash", "user-1", "CRASH-ME", "the model throws on this one", 0),
        null); // MODEL_FAILURE
    goodPost();
    io.sendAvro(
        posts,
        "p-nan",
        post("p-nan", "user-1", "NaN-ME", "the model returns NaN for this one", 0),
        null); // INVALID_VECTOR
    goodPost();
    io.send(comments, "c-garbage", json("not json"), null); // UNDECODABLE
    io.sendAvro(
        comments,
        "c-good",
        comment("c-good", "p-good-1", "user-2", "A good comment on a good post", 30),
        null);
    good++;
  }

  private void goodPost() {
    good++;
    String id = "p-good-" + good;
    io.sendAvro(
        posts,
        id,
        post(
            id,
            "user-1",
            "Good post number " + good,
            "Plain text about gardening and vegetables, number " + good,
            good),
        null);
  }

  @AfterAll
  void stop() {
    app.close(Duration.ofSeconds(30));
    io.close();
    kafka.close();
  }

  @Test
  void everyGoodRecordAroundTheBadOnesComesOut() {
    List<ConsumerRecord<String, byte[]>> out =
        io.readAtLeast(
            config.topic(KembedConfig.TOPIC_CONTENT_EMBEDDINGS), good, WAIT, Duration.ofSeconds(2));
    // p-nan is left to its own test: whether it comes out is the model-output check's business.
    List<String> keys =
        out.stream().map(ConsumerRecord::key).filter(k -> !k.equals("p-nan")).sorted().toList();
    assertEquals(good, keys.size(), "exactly the good records, once each: " + keys);
    assertEquals(good, new java.util.HashSet<>(keys).size(), "no duplicates: " + keys);
    assertTrue(
        keys.stream().allMatch(k -> k.startsWith("p-good-") || k.equals("c-good")),
        keys.toString());
  }

  @Test
  void everyBadRecordIsDeadLetteredWithItsReasonAndSource() {
    Map<String, String> expected =
        Map.of(
            "p-bytes",
            "UNDECODABLE",
            "p-avro-unknown",
            "UNDECODABLE",
            "p-blank-author",
            "MISSING_FIELD",
            "p-key",
            "KEY_MISMATCH",
            "p-empty",
            "EMPTY_TEXT",
            "p-huge",
            "TEXT_TOO_LONG",
            "p-crash",
            "MODEL_FAILURE",
            "c-garbage",
            "UNDECODABLE");
    List<ConsumerRecord<String, byte[]>> dlq =
        io.readAtLeast(config.topic(KembedConfig.TOPIC_DLQ), 10, WAIT, Duration.ofSeconds(2));
    Map<String, ConsumerRecord<String, byte[]>> byKey =
        dlq.stream().collect(Collectors.toMap(ConsumerRecord::key, r -> r, (a, b) -> a));
    expected.forEach(
        (key, reason) -> {
          ConsumerRecord<String, byte[]> r = byKey.get(key);
          assertNotNull(r, key + " is in the DLQ; DLQ holds " + byKey.keySet());
          assertEquals(reason, DlqHeaders.read(r.headers(), DlqHeaders.REASON), key);
          assertNotNull(
              DlqHeaders.read(r.headers(), DlqHeaders.EXCEPTION), key + " names the exception");
          assertNotNull(DlqHeaders.read(r.headers(), DlqHeaders.MESSAGE), key + " has a message");
          assertEquals(
              key.startsWith("c-") ? comments : posts,
              DlqHeaders.read(r.headers(), DlqHeaders.TOPIC),
              key + " names its source topic");
          assertEquals("0", DlqHeaders.read(r.headers(), DlqHeaders.PARTITION));
          assertNotNull(DlqHeaders.read(r.headers(), DlqHeaders.OFFSET));
        });
    // A missing required field fails decoding of natural JSON: it is rejected, whatever the reason
    // name.
    assertTrue(byKey.containsKey("p-nofield"), "a post without author_id is dead-lettered");
    // The DLQ keeps the bytes as received, so a fixed consumer can replay them.
    assertArrayEquals(new byte[] {0x13, 0x37, 0x00, (byte) 0xff}, byKey.get("p-bytes").value());
    assertEquals("not json", new String(byKey.get("c-garbage").value(), StandardCharsets.UTF_8));
    assertEquals(dlq.size(), byKey.size(), "each bad record dead-lettered once");
  }

  @Test
  void aNanVectorFromTheModelIsDeadLetteredNotPublished() {
    List<ConsumerRecord<String, byte[]>> dlq =
        io.read(
            config.topic(KembedConfig.TOPIC_DLQ),
            l -> l.stream().anyMatch(r -> "p-nan".equals(r.key())),
            WAIT,
            Duration.ZERO);
    ConsumerRecord<String, byte[]> r =
        dlq.stream().filter(x -> "p-nan".equals(x.key())).findFirst().orElse(null);
    assertNotNull(r, "p-nan is in the DLQ");
    assertTrue(
        Set.of("INVALID_VECTOR", "MODEL_FAILURE")
            .contains(DlqHeaders.read(r.headers(), DlqHeaders.REASON)));
  }

  @Test
  void badInteractionsAreDeadLettered() {
    assumeTrue(
        KembedTopology.build(config, SharedEmbedder.get())
            .describe()
            .toString()
            .contains("(topics: [" + config.topic(KembedConfig.TOPIC_INTERACTIONS) + "])"),
        "this topology does not read interactions yet");
    String topic = config.topic(KembedConfig.TOPIC_INTERACTIONS);
    io.sendAvro(
        topic,
        "user-wrong-key",
        EndToEndTest.interaction("user-9", "p-good-1", InteractionType.CLICK, 40_000),
        null);
    io.send(
        topic,
        "user-9",
        json(
            "{\"user_id\":\"user-9\",\"target_type\":\"POST\",\"interaction_type\":\"CLICK\",\"event_time\":1}"),
        null);
    List<ConsumerRecord<String, byte[]>> dlq =
        io.read(
            config.topic(KembedConfig.TOPIC_DLQ),
            l ->
                l.stream()
                        .filter(r -> topic.equals(DlqHeaders.read(r.headers(), DlqHeaders.TOPIC)))
                        .count()
                    >= 2,
            WAIT,
            Duration.ZERO);
    Set<String> reasons =
        dlq.stream()
            .filter(r -> topic.equals(DlqHeaders.read(r.headers(), DlqHeaders.TOPIC)))
            .map(r -> DlqHeaders.read(r.headers(), DlqHeaders.REASON))
            .collect(Collectors.toSet());
    assertEquals(Set.of("KEY_MISMATCH", "UNDECODABLE"), reasons);
  }

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The real model, except that it throws on "CRASH-ME" and returns NaNs for "NaN-ME". */
  private static final class MisbehavingModel implements Embedder {
    private final Embedder real;

    MisbehavingModel(Embedder real) {
      this.real = real;
    }

    @Override
    public ModelInfo model() {
      return real.model();
    }

    @Override
    public float[][] embed(List<String> texts) {
      if (texts.stream().anyMatch(t -> t.contains("CRASH-ME"))) {
        throw new EmbeddingException("simulated model failure", null);
      }
      float[][] out = real.embed(texts);
      for (int i = 0; i < texts.size(); i++) {
        if (texts.get(i).contains("NaN-ME")) {
          Arrays.fill(out[i], Float.NaN);
        }
      }
      return out;
    }

    @Override
    public void close() {}
  }
}
