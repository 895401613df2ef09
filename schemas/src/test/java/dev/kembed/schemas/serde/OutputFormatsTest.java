package dev.kembed.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.registry.InMemorySchemaRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

class OutputFormatsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> WINDOWS = List.of("P7D", "P30D");
  // Written out by hand: the columns a sink table for windows P7D and P30D must have.
  private static final List<String> COLUMNS =
      List.of(
          "cos_viewer_post_p7d",
          "dot_viewer_post_p7d",
          "cos_viewer_author_p7d",
          "cos_intent_post_p7d",
          "cos_viewer_post_p30d",
          "dot_viewer_post_p30d",
          "cos_viewer_author_p30d",
          "cos_intent_post_p30d",
          "cos_comment_post");

  private static <T> T sample(Class<T> type) {
    return SampleRecords.all().stream()
        .filter(type::isInstance)
        .map(type::cast)
        .findFirst()
        .orElseThrow();
  }

  private static OutputSerdes serdes(
      OutputFormat format, boolean envelope, InMemorySchemaRegistry registry, boolean auto) {
    return new OutputSerdes(new OutputSettings(format, envelope, registry, auto, WINDOWS));
  }

  @Test
  void avroFormatIsTodaysBytesAndStringKeys() {
    OutputSerdes avro = new OutputSerdes(OutputSettings.avro());
    for (SpecificRecord record : SampleRecords.all()) {
      @SuppressWarnings("unchecked")
      Class<SpecificRecord> type = (Class<SpecificRecord>) record.getClass();
      byte[] today = KembedSerdes.of(type).serializer().serialize("t", record);
      assertArrayEquals(
          today, avro.value(type, "t").serializer().serialize("t", record), type.getSimpleName());
    }
    assertArrayEquals(
        "u42|ENGAGEMENT|P7D".getBytes(StandardCharsets.UTF_8),
        avro.key(UserVector.class, "user-vectors")
            .serializer()
            .serialize("user-vectors", "u42|ENGAGEMENT|P7D"));
  }

  @Test
  void confluentFeaturesAreOneNullableColumnPerFeature() throws Exception {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    OutputSerdes confluent = serdes(OutputFormat.CONFLUENT, false, registry, true);
    SimilarityFeatures row = sample(SimilarityFeatures.class);
    byte[] bytes =
        confluent
            .value(SimilarityFeatures.class, "similarity-features")
            .serializer()
            .serialize("similarity-features", row);

    assertEquals(0, bytes[0]);
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    Schema writer = registry.byId(id);
    GenericRecord decoded =
        (GenericRecord)
            new GenericDatumReader<>(writer)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    List<String> featureFields =
        writer.getFields().stream()
            .map(Schema.Field::name)
            .filter(n -> n.contains("_post") || n.contains("_author"))
            .toList();
    assertEquals(COLUMNS, featureFields);
    assertEquals(0.8125, decoded.get("cos_viewer_post_p7d"));
    assertEquals(-0.25, decoded.get("dot_viewer_post_p30d"));
    assertNull(decoded.get("cos_intent_post_p7d"));
    assertNull(decoded.get("cos_comment_post"));
    assertEquals("u9", decoded.get("viewer_id").toString());
    assertEquals(row.getEventTime().toEpochMilli(), decoded.get("event_time"));
    assertEquals(List.of("similarity-features-value"), registry.subjects());
  }

  @Test
  void confluentKeysAreStructsSplitFromTheStringKey() throws Exception {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    OutputSerdes confluent = serdes(OutputFormat.CONFLUENT, false, registry, true);
    Serde<String> keys = confluent.key(UserVector.class, "user-vectors");
    GenericRecord key =
        decode(registry, keys.serializer().serialize("user-vectors", "a|b|SEARCH_INTENT|P30D"));
    assertEquals("a|b", key.get("user_id").toString());
    assertEquals("SEARCH_INTENT", key.get("kind").toString());
    assertEquals("P30D", key.get("window").toString());
    GenericRecord pair =
        decode(
            registry,
            confluent
                .key(SimilarityFeatures.class, "similarity-features")
                .serializer()
                .serialize("similarity-features", "u9|c1"));
    assertEquals("u9", pair.get("viewer_id").toString());
    assertEquals("c1", pair.get("entity_id").toString());
    assertNull(keys.serializer().serialize("user-vectors", null));
  }

  @Test
  void withoutAutoRegisterAMissingSubjectIsNamedAtCreation() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    OutputSerdes strict = serdes(OutputFormat.CONFLUENT, false, registry, false);
    ConfluentWire.MissingSchemaException e =
        assertThrows(
            ConfluentWire.MissingSchemaException.class,
            () -> strict.value(UserVector.class, "user-vectors"));
    assertEquals("user-vectors-value", e.subject());
    registry.register("user-vectors-value", strict.valueSchema(UserVector.class));
    registry.register("user-vectors-key", strict.keySchema(UserVector.class));
    strict.value(UserVector.class, "user-vectors");
    strict.key(UserVector.class, "user-vectors");
  }

  @Test
  void plainJsonIsWhatJsonConverterWithoutSchemasReads() throws Exception {
    OutputSerdes json = serdes(OutputFormat.JSON, false, null, false);
    SimilarityFeatures row = sample(SimilarityFeatures.class);
    byte[] bytes = json.value(SimilarityFeatures.class, "sf").serializer().serialize("sf", row);
    JsonNode node = JSON.readTree(bytes);
    assertEquals(0.8125, node.get("cos_viewer_post_p7d").doubleValue());
    assertTrue(node.get("cos_intent_post_p7d").isNull());
    assertEquals("IMPRESSION", node.get("exposure_type").textValue());
    assertEquals(row.getEventTime().toEpochMilli(), node.get("event_time").longValue());

    JsonConverter converter = new JsonConverter();
    converter.configure(Map.of("schemas.enable", "false"), false);
    Map<?, ?> value = (Map<?, ?>) converter.toConnectData("sf", bytes).value();
    assertEquals(0.8125, value.get("cos_viewer_post_p7d"));
  }

  @Test
  void envelopeJsonIsWhatJsonConverterWithSchemasReads() {
    OutputSerdes json = serdes(OutputFormat.JSON, true, null, false);
    UserVector vector = sample(UserVector.class);
    JsonConverter values = new JsonConverter();
    values.configure(Map.of("schemas.enable", "true"), false);
    SchemaAndValue v =
        values.toConnectData(
            "uv", json.value(UserVector.class, "uv").serializer().serialize("uv", vector));
    Struct struct = (Struct) v.value();
    assertEquals(List.of(1.5f, 2.5f), struct.getArray("vector"));
    assertEquals(3.75, struct.getFloat64("total_weight"));
    assertEquals("SEARCH_INTENT", struct.getString("kind"));
    assertEquals(java.util.Date.from(vector.getAsOf()), struct.get("as_of"));

    JsonConverter keys = new JsonConverter();
    keys.configure(Map.of("schemas.enable", "true"), true);
    Struct key =
        (Struct)
            keys.toConnectData(
                    "uv",
                    json.key(UserVector.class, "uv")
                        .serializer()
                        .serialize("uv", "u9|SEARCH_INTENT|P30D"))
                .value();
    assertEquals("u9", key.getString("user_id"));
    assertEquals("P30D", key.getString("window"));

    SchemaAndValue features =
        values.toConnectData(
            "sf",
            json.value(SimilarityFeatures.class, "sf")
                .serializer()
                .serialize("sf", sample(SimilarityFeatures.class)));
    assertEquals(-0.25, ((Struct) features.value()).getFloat64("dot_viewer_post_p30d"));
    assertNull(((Struct) features.value()).getFloat64("cos_viewer_author_p7d"));
  }

  @Test
  void inputsAreReadInAllThreeFormats() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    PostEvent post = SampleRecords.post();
    AvroSerde<PostEvent> input = new AvroSerde<>(PostEvent.class, registry);
    byte[] confluent =
        serdes(OutputFormat.CONFLUENT, false, registry, true)
            .value(PostEvent.class, "posts")
            .serializer()
            .serialize("posts", post);
    byte[] envelope =
        serdes(OutputFormat.JSON, true, null, false)
            .value(PostEvent.class, "posts")
            .serializer()
            .serialize("posts", post);
    byte[] plain =
        serdes(OutputFormat.JSON, false, null, false)
            .value(PostEvent.class, "posts")
            .serializer()
            .serialize("posts", post);
    byte[] avro = KembedSerdes.postEvent().serializer().serialize("posts", post);
    for (byte[] bytes : List.of(confluent, envelope, plain, avro)) {
      assertEquals(post, input.deserializer().deserialize("posts", bytes));
    }
    RecordDecodeException e =
        assertThrows(
            RecordDecodeException.class,
            () -> KembedSerdes.postEvent().deserializer().deserialize("posts", confluent));
    assertTrue(e.reason().contains("no schema.registry.url"), e.reason());
    byte[] unknownId = confluent.clone();
    unknownId[4] = 99;
    assertThrows(
        RecordDecodeException.class, () -> input.deserializer().deserialize("posts", unknownId));
  }

  @Test
  void anyFormatJsonReadsEveryFormat() throws Exception {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    AnyFormatJson any = new AnyFormatJson(registry);
    UserVector vector = sample(UserVector.class);
    byte[] confluent =
        serdes(OutputFormat.CONFLUENT, false, registry, true)
            .value(UserVector.class, "uv")
            .serializer()
            .serialize("uv", vector);
    byte[] avro = KembedSerdes.userVector().serializer().serialize("uv", vector);
    byte[] envelope =
        serdes(OutputFormat.JSON, true, null, false)
            .value(UserVector.class, "uv")
            .serializer()
            .serialize("uv", vector);
    for (byte[] bytes : List.of(confluent, avro, envelope)) {
      JsonNode node = any.decode(bytes);
      assertEquals("u9", node.get("user_id").textValue());
      assertEquals(2.5f, node.get("vector").get(1).floatValue());
      assertEquals(vector.getAsOf().toEpochMilli(), node.get("as_of").longValue());
    }
    assertEquals(
        "u9|SEARCH_INTENT|P30D",
        any.decode("u9|SEARCH_INTENT|P30D".getBytes(StandardCharsets.UTF_8)).textValue());
    assertTrue(any.decode(new byte[] {(byte) 0xC3, 1, 1, 2, 3, 4, 5, 6, 7, 8}).has("undecodable"));
  }

  @Test
  void consoleDeserializerPrintsAnyFormatAsJson() throws Exception {
    KembedJsonDeserializer d = new KembedJsonDeserializer();
    d.configure(Map.of(), false);
    UserVector vector = sample(UserVector.class);
    JsonNode node =
        JSON.readTree(
            d.deserialize("uv", KembedSerdes.userVector().serializer().serialize("uv", vector)));
    assertEquals("SEARCH_INTENT", node.get("kind").textValue());
    assertEquals(3.75, node.get("total_weight").doubleValue());
    assertNull(d.deserialize("uv", null));
  }

  private static GenericRecord decode(InMemorySchemaRegistry registry, byte[] bytes)
      throws Exception {
    Schema writer = registry.byId(ByteBuffer.wrap(bytes, 1, 4).getInt());
    return (GenericRecord)
        new GenericDatumReader<>(writer)
            .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
  }
}
