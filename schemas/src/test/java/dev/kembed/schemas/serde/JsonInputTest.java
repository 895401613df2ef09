package dev.kembed.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.schemas.IndexOp;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.Surface;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonInputTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void acceptsIsoTimestampsWithZoneOrOffsetAndEpochMillis() {
    AvroDeserializer<PostEvent> posts = KembedSerdes.postEvent().deserializer();
    String template = "{\"post_id\":\"p1\",\"author_id\":\"u7\",\"body\":\"b\",\"event_time\":%s}";
    Instant expected = Instant.parse("2026-03-01T10:00:00.250Z");
    assertEquals(
        expected,
        posts
            .deserialize("posts", utf8(String.format(template, "\"2026-03-01T10:00:00.250Z\"")))
            .getEventTime());
    assertEquals(
        expected,
        posts
            .deserialize(
                "posts", utf8(String.format(template, "\"2026-03-01T12:00:00.250+02:00\"")))
            .getEventTime());
    assertEquals(
        expected,
        posts
            .deserialize("posts", utf8(String.format(template, expected.toEpochMilli())))
            .getEventTime());
  }

  @Test
  void omittedOrNullOptionalFieldsTakeTheirDefaults() {
    PostEvent post =
        KembedSerdes.postEvent()
            .deserializer()
            .deserialize(
                "posts",
                utf8(
                    " \n"
                        + "\t{\"post_id\":\"p1\",\"author_id\":\"u7\",\"subject\":null,\"body\":\"b\",\"event_time\":0}"));
    assertNull(post.getSubject());
    assertNull(post.getLanguage());

    InteractionEvent noSurface =
        KembedSerdes.interactionEvent()
            .deserializer()
            .deserialize(
                "interactions",
                utf8(
                    "{\"user_id\":\"u1\",\"target_id\":\"p1\",\"target_type\":\"POST\","
                        + "\"interaction_type\":\"CLICK\",\"event_time\":0}"));
    assertEquals(Surface.UNKNOWN, noSurface.getSurface());
  }

  @Test
  void unknownFieldsAreIgnoredForForwardCompatibility() {
    PostEvent post =
        KembedSerdes.postEvent()
            .deserializer()
            .deserialize(
                "posts",
                utf8(
                    "{\"post_id\":\"p1\",\"author_id\":\"u7\",\"body\":\"b\",\"event_time\":0,"
                        + "\"mood\":{\"x\":[1,2]}}"));
    assertEquals("p1", post.getPostId());
  }

  @Test
  void featureMapKeepsNullFeaturesAsNull() {
    SimilarityFeatures row =
        KembedSerdes.similarityFeatures()
            .deserializer()
            .deserialize(
                "similarity-features",
                utf8(
                    "{\"viewer_id\":\"u1\",\"entity_id\":\"p1\",\"entity_type\":\"POST\",\"exposure_type\":"
                        + "\"IMPRESSION\",\"surface\":\"FEED\",\"model_id\":\"m\",\"event_time\":0,"
                        + "\"features\":{\"cos_viewer_post_p7d\":0.5,\"cos_intent_post_p7d\":null}}"));
    assertEquals(0.5, row.getFeatures().get("cos_viewer_post_p7d"));
    assertTrue(row.getFeatures().containsKey("cos_intent_post_p7d"));
    assertNull(row.getFeatures().get("cos_intent_post_p7d"));
    assertNull(row.getAuthorId());
  }

  @Test
  void deleteIndexUpdateNeedsNoVector() {
    IndexUpdate delete =
        KembedSerdes.indexUpdate()
            .deserializer()
            .deserialize(
                "index-updates",
                utf8(
                    "{\"index\":\"content\",\"entity_id\":\"p1\",\"op\":\"DELETE\",\"model_id\":\"m\","
                        + "\"event_time\":0}"));
    assertEquals(IndexOp.DELETE, delete.getOp());
    assertNull(delete.getVector());
  }
}
