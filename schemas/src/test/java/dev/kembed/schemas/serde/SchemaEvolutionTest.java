package dev.kembed.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaEvolutionTest {

  static Stream<AvroSerde<?>> topicSerdes() {
    return Stream.of(
        KembedSerdes.postEvent(),
        KembedSerdes.commentEvent(),
        KembedSerdes.interactionEvent(),
        KembedSerdes.searchQueryEvent(),
        KembedSerdes.contentEmbedding(),
        KembedSerdes.userVector(),
        KembedSerdes.similarityFeatures(),
        KembedSerdes.indexUpdate(),
        KembedSerdes.queryExpansion());
  }

  private static byte[] encode(Schema writer, GenericRecord record) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record, out);
    return out.toByteArray();
  }

  @Test
  void readsAPostWrittenByAV1ProducerWithLanguageNull() throws Exception {
    Schema v1 = SchemaHistory.versions("PostEvent").get(0);
    assertNull(v1.getField("language"), "v1 predates the language field");
    GenericRecord old = new GenericData.Record(v1);
    old.put("post_id", "p1");
    old.put("author_id", "u7");
    old.put("subject", null);
    old.put("body", "hello");
    old.put("event_time", SampleRecords.T0.toEpochMilli());
    byte[] bytes = encode(v1, old);

    long oldFingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(SchemaNormalization.parsingFingerprint64(v1), oldFingerprint);
    assertNotEquals(
        SchemaNormalization.parsingFingerprint64(PostEvent.getClassSchema()), oldFingerprint);

    PostEvent post = KembedSerdes.postEvent().deserializer().deserialize("posts", bytes);
    assertNull(post.getLanguage());
    assertEquals("p1", post.getPostId());
    assertEquals("u7", post.getAuthorId());
    assertNull(post.getSubject());
    assertEquals("hello", post.getBody());
    assertEquals(SampleRecords.T0, post.getEventTime());
  }

  @Test
  void newerEnumSymbolFromARegisteredWriterSchemaBecomesUnknown() throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode newer = (ObjectNode) json.readTree(InteractionEvent.getClassSchema().toString());
    for (var field : newer.withArray("fields")) {
      if (field.get("name").asText().equals("interaction_type")) {
        ((ArrayNode) field.get("type").get("symbols")).add("SAVE");
      }
    }
    Schema writer = new Schema.Parser().parse(newer.toString());
    GenericRecord saved = new GenericData.Record(writer);
    saved.put("user_id", "u1");
    saved.put("target_id", "p1");
    saved.put(
        "target_type", new GenericData.EnumSymbol(writer.getField("target_type").schema(), "POST"));
    saved.put(
        "interaction_type",
        new GenericData.EnumSymbol(writer.getField("interaction_type").schema(), "SAVE"));
    saved.put("surface", new GenericData.EnumSymbol(writer.getField("surface").schema(), "FEED"));
    saved.put("event_time", 5L);
    byte[] bytes = encode(writer, saved);

    // Not archived yet: an honest "unknown fingerprint", not a silent misread.
    RecordDecodeException e =
        assertThrows(
            RecordDecodeException.class,
            () ->
                KembedSerdes.interactionEvent().deserializer().deserialize("interactions", bytes));
    assertTrue(e.reason().startsWith("unknown schema fingerprint"), e.reason());

    // Once the reader knows the writer schema, the enum default absorbs the new symbol.
    InteractionEvent event =
        new AvroSerde<>(InteractionEvent.class, List.of(writer))
            .deserializer()
            .deserialize("interactions", bytes);
    assertEquals(InteractionType.UNKNOWN, event.getInteractionType());
    assertEquals("u1", event.getUserId());
  }

  @ParameterizedTest
  @MethodSource("topicSerdes")
  void currentSchemaIsArchivedAsTheLatestHistoryVersion(AvroSerde<?> serde) {
    // Fails when an .avsc changes without a new history/<Record>/v<N+1>.avsc: old readers
    // and the docs depend on every published version being kept.
    List<Schema> versions = SchemaHistory.versions(serde.schema().getName());
    assertFalse(versions.isEmpty(), "no history for " + serde.schema().getName());
    assertEquals(
        SingleObjectReader.hex(SchemaNormalization.parsingFingerprint64(serde.schema())),
        SingleObjectReader.hex(
            SchemaNormalization.parsingFingerprint64(versions.get(versions.size() - 1))),
        serde.schema().getName()
            + ": current schema differs from the latest archived version; add "
            + SchemaHistory.resourcePath(serde.schema().getName(), versions.size() + 1));
  }

  @ParameterizedTest
  @MethodSource("topicSerdes")
  void everyArchivedVersionIsReadableByTheCurrentSchema(AvroSerde<?> serde) {
    Set<Long> fingerprints = new HashSet<>();
    for (Schema version : SchemaHistory.versions(serde.schema().getName())) {
      assertTrue(
          fingerprints.add(SchemaNormalization.parsingFingerprint64(version)),
          "two archived versions with the same canonical form");
      SchemaCompatibility.SchemaPairCompatibility compat =
          SchemaCompatibility.checkReaderWriterCompatibility(serde.schema(), version);
      assertEquals(
          SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
          compat.getType(),
          serde.schema().getName() + ": " + compat.getDescription());
      assertTrue(
          serde
              .deserializer()
              .knownFingerprints()
              .contains(SchemaNormalization.parsingFingerprint64(version)));
    }
  }
}
