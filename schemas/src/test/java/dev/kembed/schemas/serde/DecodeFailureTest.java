package dev.kembed.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.Surface;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class DecodeFailureTest {

  private static final String POST_JSON =
      "{\"post_id\":\"p1\",\"author_id\":\"u7\",\"body\":\"hi\"," + "\"event_time\":1700000000000}";

  private static <T extends SpecificRecord> RecordDecodeException failure(
      AvroSerde<T> serde, String topic, byte[] data) {
    return assertThrows(
        RecordDecodeException.class, () -> serde.deserializer().deserialize(topic, data));
  }

  private static RecordDecodeException postFailure(String json) {
    return failure(KembedSerdes.postEvent(), "posts", json.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertReason(String expected, RecordDecodeException e) {
    assertTrue(e.reason().contains(expected), "reason was: " + e.reason());
  }

  private static byte[] validPostBytes() {
    return KembedSerdes.postEvent().serializer().serialize("posts", SampleRecords.post());
  }

  @Test
  void exceptionNamesTopicTypeAndReason() {
    RecordDecodeException e = postFailure("{\"post_id\":\"p1\"}");
    assertTrue(e instanceof SerializationException);
    assertEquals("posts", e.topic());
    assertEquals("PostEvent", e.recordType());
    assertEquals("missing required field 'author_id'", e.reason());
    assertEquals(
        "cannot decode PostEvent from topic 'posts': missing required field 'author_id'",
        e.getMessage());
  }

  @Test
  void unknownFingerprintListsTheKnownOnes() {
    byte[] bytes = validPostBytes();
    for (int i = 2; i < 10; i++) {
      bytes[i] = (byte) 0xAB;
    }
    RecordDecodeException e = failure(KembedSerdes.postEvent(), "posts", bytes);
    String current =
        String.format(
            "0x%016x", SchemaNormalization.parsingFingerprint64(PostEvent.getClassSchema()));
    assertReason("unknown schema fingerprint 0xabababababababab (known: ", e);
    assertReason(current, e);
  }

  @Test
  void aPostOnTheCommentsTopicIsAnUnknownFingerprint() {
    RecordDecodeException e = failure(KembedSerdes.commentEvent(), "comments", validPostBytes());
    assertEquals("CommentEvent", e.recordType());
    assertReason(
        String.format(
            "unknown schema fingerprint 0x%016x",
            SchemaNormalization.parsingFingerprint64(PostEvent.getClassSchema())),
        e);
    assertReason(
        String.format(
            "0x%016x", SchemaNormalization.parsingFingerprint64(CommentEvent.getClassSchema())),
        e);
  }

  @Test
  void truncatedBodyIsReportedAsTruncated() {
    byte[] bytes = validPostBytes();
    RecordDecodeException e =
        failure(KembedSerdes.postEvent(), "posts", Arrays.copyOf(bytes, bytes.length - 3));
    assertReason("truncated Avro payload", e);
  }

  @Test
  void truncatedHeaderIsReportedAsTruncated() {
    RecordDecodeException e =
        failure(KembedSerdes.postEvent(), "posts", Arrays.copyOf(validPostBytes(), 6));
    assertReason("truncated Avro payload: 6 bytes", e);
  }

  @Test
  void trailingBytesAfterTheRecordAreRejected() {
    byte[] bytes = validPostBytes();
    RecordDecodeException e =
        failure(KembedSerdes.postEvent(), "posts", Arrays.copyOf(bytes, bytes.length + 2));
    assertReason("2 unexpected bytes after the record", e);
  }

  @Test
  void corruptLengthInsideTheBodyIsMalformed() {
    byte[] bytes = validPostBytes();
    bytes[10] = 0x01; // zig-zag -1: a negative string length for post_id
    RecordDecodeException e = failure(KembedSerdes.postEvent(), "posts", bytes);
    assertReason("malformed Avro payload", e);
  }

  @Test
  void garbageIsNeitherFormat() {
    byte[] garbage = {0x01, 0x01, 0x02, (byte) 0xFF, 0x7F};
    RecordDecodeException e = failure(KembedSerdes.postEvent(), "posts", garbage);
    assertReason("neither Avro single-object encoding (C3 01) nor JSON object", e);
    assertReason("01 01 02 FF 7F", e);
    // A leading 0 with an id is the Schema Registry wire format: undecodable without a registry.
    assertReason(
        "Schema Registry Avro (schema id 33751167) but no schema.registry.url",
        failure(
            KembedSerdes.postEvent(), "posts", new byte[] {0x00, 0x02, 0x03, 0x00, 0x7F, 0x01}));
    assertReason(
        "neither Avro",
        failure(KembedSerdes.postEvent(), "posts", "[1,2]".getBytes(StandardCharsets.UTF_8)));
    assertReason(
        "neither Avro", failure(KembedSerdes.postEvent(), "posts", new byte[] {(byte) 0xC3}));
  }

  @Test
  void emptyPayloadIsNotATombstone() {
    assertReason("empty payload", failure(KembedSerdes.postEvent(), "posts", new byte[0]));
  }

  @Test
  void jsonMissingARequiredField() {
    assertEquals(
        "missing required field 'body'",
        postFailure("{\"post_id\":\"p1\",\"author_id\":\"u7\",\"event_time\":1}").reason());
  }

  @Test
  void jsonNullForARequiredStringIsRejectedNotDefaulted() {
    assertEquals(
        "required field 'body' is null",
        postFailure("{\"post_id\":\"p1\",\"author_id\":\"u7\",\"body\":null,\"event_time\":1}")
            .reason());
  }

  @Test
  void jsonWithWrongTypes() {
    assertEquals(
        "field 'event_time': expected epoch millis or ISO-8601 string, got boolean true",
        postFailure(POST_JSON.replace("1700000000000", "true")).reason());
    assertEquals(
        "field 'event_time': expected epoch millis or ISO-8601 string, got number 1.5",
        postFailure(POST_JSON.replace("1700000000000", "1.5")).reason());
    assertReason(
        "field 'event_time': expected epoch millis or ISO-8601 string, got string \"yesterday\"",
        postFailure(POST_JSON.replace("1700000000000", "\"yesterday\"")));
    assertEquals(
        "field 'author_id': expected string, got number 7",
        postFailure(POST_JSON.replace("\"u7\"", "7")).reason());
    RecordDecodeException vector =
        failure(
            KembedSerdes.contentEmbedding(),
            "content-embeddings",
            ("{\"entity_id\":\"p1\",\"entity_type\":\"POST\",\"model_id\":\"m\",\"vector\":[0.1,\"x\"],"
                 + "\"content_hash\":\"h\",\"event_time\":1}")
                .getBytes(StandardCharsets.UTF_8));
    assertEquals("field 'vector[1]': expected number, got string \"x\"", vector.reason());
    RecordDecodeException neighbour =
        failure(
            KembedSerdes.queryExpansion(),
            "query-expansions",
            ("{\"query\":\"q\",\"model_id\":\"m\",\"neighbours\":[{\"query\":\"a\",\"score\":\"high\"}],"
                 + "\"event_time\":1}")
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(
        "field 'neighbours[0].score': expected number, got string \"high\"", neighbour.reason());
  }

  @Test
  void malformedJsonDuplicateKeysAndTrailingContent() {
    assertReason("malformed JSON", postFailure("{\"post_id\": \"p1\""));
    assertReason("Duplicate field 'post_id'", postFailure("{\"post_id\":\"a\",\"post_id\":\"b\"}"));
    assertReason("malformed JSON", postFailure(POST_JSON + " {}"));
  }

  @Test
  void unknownEnumSymbolInJsonMapsToTheDefault() {
    byte[] json =
        ("{\"user_id\":\"u1\",\"target_id\":\"p1\",\"target_type\":\"VIDEO\","
                + "\"interaction_type\":\"SAVE\",\"surface\":\"WATCH_PAGE\",\"event_time\":1}")
            .getBytes(StandardCharsets.UTF_8);
    InteractionEvent event =
        KembedSerdes.interactionEvent().deserializer().deserialize("interactions", json);
    assertEquals(EntityType.UNKNOWN, event.getTargetType());
    assertEquals(InteractionType.UNKNOWN, event.getInteractionType());
    assertEquals(Surface.UNKNOWN, event.getSurface());
  }

  @Test
  void enumGivenAsNonStringIsRejected() {
    RecordDecodeException e =
        failure(
            KembedSerdes.interactionEvent(),
            "interactions",
            ("{\"user_id\":\"u1\",\"target_id\":\"p1\",\"target_type\":3,"
                    + "\"interaction_type\":\"CLICK\",\"event_time\":1}")
                .getBytes(StandardCharsets.UTF_8));
    assertEquals("field 'target_type': expected enum symbol string, got number 3", e.reason());
  }
}
