package dev.kembed.schemas.serde;

import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.IndexOp;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.QueryExpansion;
import dev.kembed.schemas.QueryNeighbour;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.Surface;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.VectorKind;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One realistic instance of every topic record, with and without its optional fields set. */
final class SampleRecords {

  static final Instant T0 = Instant.parse("2026-03-01T12:34:56.789Z");

  private SampleRecords() {}

  static PostEvent post() {
    return PostEvent.newBuilder()
        .setPostId("p1")
        .setAuthorId("u7")
        .setSubject("Rust vs Go")
        .setBody("Which one for a CLI tool? ünïcødé ✓")
        .setLanguage("en")
        .setEventTime(T0)
        .build();
  }

  static List<SpecificRecord> all() {
    Map<String, Double> features = new LinkedHashMap<>();
    features.put("cos_viewer_post_p7d", 0.8125);
    features.put("dot_viewer_post_p30d", -0.25);
    features.put("cos_intent_post_p7d", null);
    return List.of(
        post(),
        PostEvent.newBuilder()
            .setPostId("p2")
            .setAuthorId("u8")
            .setBody("")
            .setEventTime(T0)
            .build(),
        CommentEvent.newBuilder()
            .setCommentId("c1")
            .setPostId("p1")
            .setAuthorId("u9")
            .setText("Go, for the static binary.")
            .setEventTime(T0)
            .build(),
        InteractionEvent.newBuilder()
            .setUserId("u9")
            .setTargetId("p1")
            .setTargetType(EntityType.POST)
            .setInteractionType(InteractionType.NOTIFICATION_OPEN)
            .setSurface(Surface.EMAIL)
            .setEventTime(T0)
            .build(),
        SearchQueryEvent.newBuilder()
            .setUserId("u9")
            .setQuery("static binary go")
            .setSessionId("s-123")
            .setEventTime(T0)
            .build(),
        SearchQueryEvent.newBuilder().setUserId("u9").setQuery("rust").setEventTime(T0).build(),
        ContentEmbedding.newBuilder()
            .setEntityId("c1")
            .setEntityType(EntityType.COMMENT)
            .setAuthorId("u9")
            .setParentId("p1")
            .setModelId("all-MiniLM-L6-v2")
            .setVector(List.of(0.1f, -0.2f, 0.3f, Float.MIN_VALUE))
            .setContentHash("ab".repeat(32))
            .setEventTime(T0)
            .build(),
        ContentEmbedding.newBuilder()
            .setEntityId("q1")
            .setEntityType(EntityType.QUERY)
            .setModelId("m")
            .setVector(List.of())
            .setContentHash("00")
            .setEventTime(T0)
            .build(),
        UserVector.newBuilder()
            .setUserId("u9")
            .setKind(VectorKind.SEARCH_INTENT)
            .setWindow("P30D")
            .setModelId("m")
            .setVector(List.of(1.5f, 2.5f))
            .setTotalWeight(3.75)
            .setEventCount(Long.MAX_VALUE)
            .setAsOf(T0)
            .build(),
        SimilarityFeatures.newBuilder()
            .setViewerId("u9")
            .setEntityId("p1")
            .setEntityType(EntityType.POST)
            .setAuthorId("u7")
            .setExposureType(InteractionType.IMPRESSION)
            .setSurface(Surface.FEED)
            .setModelId("m")
            .setEventTime(T0)
            .setFeatures(features)
            .build(),
        IndexUpdate.newBuilder()
            .setIndex("content")
            .setEntityId("p1")
            .setOp(IndexOp.UPSERT)
            .setModelId("m")
            .setVector(List.of(0.5f, 0.5f))
            .setEventTime(T0)
            .build(),
        IndexUpdate.newBuilder()
            .setIndex("content")
            .setEntityId("p2")
            .setOp(IndexOp.DELETE)
            .setModelId("m")
            .setEventTime(T0)
            .build(),
        QueryExpansion.newBuilder()
            .setQuery("static binary go")
            .setUserId("u9")
            .setModelId("m")
            .setNeighbours(
                List.of(
                    new QueryNeighbour("go single binary", 0.93),
                    new QueryNeighbour("golang static build", 0.88)))
            .setEventTime(Instant.ofEpochMilli(-1))
            .build());
  }
}
