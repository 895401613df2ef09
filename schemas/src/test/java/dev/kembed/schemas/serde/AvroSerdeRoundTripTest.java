package dev.kembed.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.schemas.PostEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeRoundTripTest {

  static Stream<SpecificRecord> samples() {
    return SampleRecords.all().stream();
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> AvroSerde<T> serdeFor(T record) {
    return KembedSerdes.of((Class<T>) record.getClass());
  }

  @ParameterizedTest
  @MethodSource("samples")
  void roundTripsThroughAvro(SpecificRecord record) {
    AvroSerde<SpecificRecord> serde = serdeFor(record);
    byte[] bytes = serde.serializer().serialize("t", record);
    SpecificRecord back = serde.deserializer().deserialize("t", bytes);
    assertEquals(record, back);
    assertNotSame(record, back);
  }

  @ParameterizedTest
  @MethodSource("samples")
  void roundTripsThroughNaturalJson(SpecificRecord record) {
    AvroSerde<SpecificRecord> serde = serdeFor(record);
    byte[] json = NaturalJsonWriter.write(record);
    assertEquals('{', json[0]);
    assertEquals(record, serde.deserializer().deserialize("t", json));
  }

  @ParameterizedTest
  @MethodSource("samples")
  void writesSingleObjectHeaderWithTheCurrentSchemaFingerprint(SpecificRecord record) {
    byte[] bytes = serdeFor(record).serializer().serialize("t", record);
    long fingerprint = SchemaNormalization.parsingFingerprint64(record.getSchema());
    byte[] expected =
        ByteBuffer.allocate(10)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put((byte) 0xC3)
            .put((byte) 0x01)
            .putLong(fingerprint)
            .array();
    assertArrayEquals(expected, Arrays.copyOf(bytes, 10));
  }

  @Test
  void headerBytesAreLittleEndianFingerprint() {
    // Spelled out byte by byte, independent of ByteBuffer, for the post schema.
    byte[] bytes = KembedSerdes.postEvent().serializer().serialize("posts", SampleRecords.post());
    long fingerprint = SchemaNormalization.parsingFingerprint64(PostEvent.getClassSchema());
    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
    for (int i = 0; i < 8; i++) {
      assertEquals((byte) (fingerprint >>> (8 * i)), bytes[2 + i], "fingerprint byte " + i);
    }
    assertTrue(bytes.length > 10 + "Which one for a CLI tool?".length());
  }

  @Test
  void tombstonesPassThroughAsNull() {
    AvroSerde<PostEvent> serde = KembedSerdes.postEvent();
    assertNull(serde.serializer().serialize("posts", null));
    assertNull(serde.deserializer().deserialize("posts", null));
  }

  @Test
  void serializerRejectsARecordWithARequiredFieldLeftNull() {
    PostEvent broken = SampleRecords.post();
    broken.setBody(null);
    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> KembedSerdes.postEvent().serializer().serialize("posts", broken));
    assertTrue(
        e.getMessage().contains("PostEvent") && e.getMessage().contains("'posts'"), e.getMessage());
  }

  @Test
  void factoryMethodsServeTheirRecordTypes() {
    assertEquals(PostEvent.class, KembedSerdes.postEvent().type());
    assertEquals("CommentEvent", KembedSerdes.commentEvent().schema().getName());
    assertEquals("InteractionEvent", KembedSerdes.interactionEvent().schema().getName());
    assertEquals("SearchQueryEvent", KembedSerdes.searchQueryEvent().schema().getName());
    assertEquals("ContentEmbedding", KembedSerdes.contentEmbedding().schema().getName());
    assertEquals("UserVector", KembedSerdes.userVector().schema().getName());
    assertEquals("SimilarityFeatures", KembedSerdes.similarityFeatures().schema().getName());
    assertEquals("IndexUpdate", KembedSerdes.indexUpdate().schema().getName());
    assertEquals("QueryExpansion", KembedSerdes.queryExpansion().schema().getName());
  }
}
