package dev.kembed.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.Surface;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.testing.KeywordEmbedder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * output.format=json with Connect's schema envelope on TopologyTestDriver: struct keys, one column
 * per feature (windows P7D and P30D only, so exactly nine feature columns), vectors as float
 * arrays; the keyword model makes every expected number a hand computation.
 */
class SinkFormatTopologyTest {
  private static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path stateDir;

  // The driver's wall clock is a month after the events: inputs ahead of it are rejected as
  // invalid.

  @Test
  void jsonEnvelopeRowsHaveStructKeysAndFeatureColumns() throws Exception {
    KembedConfig config =
        new KembedConfig(
            Map.of(
                "embed.batch.size",
                "1",
                "output.format",
                "json",
                "output.json.schemas.enable",
                "true",
                "user.vector.windows",
                "P7D,P30D",
                "topics.partitions",
                "1",
                "watermark.idle.ms",
                "0"));
    Properties p = config.streamsProperties();
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "kembed-sinks");
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            KembedTopology.build(config, new KeywordEmbedder()), p, T0.plusSeconds(30 * 86_400L))) {
      TestInputTopic<String, PostEvent> posts =
          driver.createInputTopic(
              "posts", new StringSerializer(), KembedSerdes.postEvent().serializer());
      // An input written as plain JSON is accepted too (inputs take every format).
      TestInputTopic<String, byte[]> interactions =
          driver.createInputTopic(
              "interactions",
              new StringSerializer(),
              new org.apache.kafka.common.serialization.ByteArraySerializer());
      posts.pipeInput(
          "pA",
          PostEvent.newBuilder()
              .setPostId("pA")
              .setAuthorId("alice")
              .setSubject("alpha")
              .setBody("post")
              .setEventTime(T0)
              .build(),
          T0);
      posts.pipeInput(
          "pB",
          PostEvent.newBuilder()
              .setPostId("pB")
              .setAuthorId("bob")
              .setSubject("beta")
              .setBody("post")
              .setEventTime(T0)
              .build(),
          T0);
      interactions.pipeInput(
          "u", interaction("u", "pA", InteractionType.CLICK, 1), T0.plusSeconds(3600));
      interactions.pipeInput(
          "u", interaction("u", "pA", InteractionType.IMPRESSION, 2), T0.plusSeconds(7200));

      for (int i = 0; i < 100; i++) {
        driver.advanceWallClockTime(
            java.time.Duration.ofMillis(100)); // let the watermark pass the events
      }
      var features =
          driver
              .createOutputTopic(
                  "similarity-features", new ByteArrayDeserializer(), new ByteArrayDeserializer())
              .readRecordsToList();
      assertEquals(1, features.size());
      JsonNode key = JSON.readTree(features.get(0).key());
      assertEquals("struct", key.at("/schema/type").asText());
      assertEquals("u", key.at("/payload/viewer_id").asText());
      assertEquals("pA", key.at("/payload/entity_id").asText());
      JsonNode row = JSON.readTree(features.get(0).value());
      List<String> columns = new ArrayList<>();
      row.get("schema")
          .get("fields")
          .forEach(
              f -> {
                String name = f.get("field").asText();
                if (name.startsWith("cos_") || name.startsWith("dot_")) {
                  columns.add(name);
                  assertTrue(f.get("optional").asBoolean(), name + " is nullable");
                }
              });
      assertEquals(9, columns.size(), "4 features x 2 windows + cos_comment_post: " + columns);
      // u clicked pA (alpha) once, weight 2: vector 2·alpha, mean alpha; pA is alpha, so cos 1, dot
      // 1.
      assertEquals(1.0, row.at("/payload/cos_viewer_post_p7d").asDouble(), 1e-9);
      assertEquals(1.0, row.at("/payload/dot_viewer_post_p30d").asDouble(), 1e-9);
      assertTrue(row.at("/payload/cos_intent_post_p7d").isNull(), "no search yet: null, not 0");
      assertTrue(row.at("/payload/cos_comment_post").isNull());

      Map<String, JsonNode> vectors = new HashMap<>();
      for (TestRecord<byte[], byte[]> r :
          driver
              .createOutputTopic(
                  "user-vectors", new ByteArrayDeserializer(), new ByteArrayDeserializer())
              .readRecordsToList()) {
        JsonNode k = JSON.readTree(r.key()).get("payload");
        vectors.put(
            k.get("user_id").asText()
                + "/"
                + k.get("kind").asText()
                + "/"
                + k.get("window").asText(),
            JSON.readTree(r.value()));
      }
      JsonNode p7 = vectors.get("u/ENGAGEMENT/P7D");
      assertEquals("array", p7.at("/schema/fields/4/type").asText());
      assertEquals("float", p7.at("/schema/fields/4/items/type").asText());
      // After the impression (weight 0.1) on alpha: sum 2.1·alpha over weight 2.1 = alpha.
      assertEquals(List.of(1.0, 0.0, 0.0, 0.0), toList(p7.at("/payload/vector")));
      assertEquals(2.1, p7.at("/payload/total_weight").asDouble(), 1e-9);
    }
  }

  private static List<Double> toList(JsonNode array) {
    List<Double> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asDouble()));
    return out;
  }

  private static byte[] interaction(String user, String target, InteractionType type, int hours) {
    Instant t = T0.plusSeconds(hours * 3600L);
    return ("{\"user_id\":\""
            + user
            + "\",\"target_id\":\""
            + target
            + "\",\"target_type\":\""
            + EntityType.POST
            + "\",\"interaction_type\":\""
            + type
            + "\",\"surface\":\""
            + Surface.FEED
            + "\",\"event_time\":\""
            + t
            + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
