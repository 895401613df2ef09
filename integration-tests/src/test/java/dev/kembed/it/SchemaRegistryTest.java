package dev.kembed.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kembed.inference.Embedder;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.schemas.registry.HttpSchemaRegistry;
import dev.kembed.schemas.registry.RegistrySettings;
import dev.kembed.schemas.serde.ConfluentWire;
import dev.kembed.testkit.EmbeddedKafka;
import dev.kembed.topology.cli.KembedApp;
import dev.kembed.topology.cli.KembedCli;
import dev.kembed.topology.cli.TopicCreator;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.expansion.IndexService;
import dev.kembed.topology.text.TextCleaner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * kembed in output.format=confluent against a real schema registry (Apicurio Registry 3 through its
 * Confluent-compatible API, started here on loopback) and a real broker: it refuses to start while
 * its subjects are missing, `kembed schemas register` fills them, every output is then written, and
 * a consumer that knows nothing but the registry (plain HTTP and Avro's generic reader) decodes all
 * of them; `kembed schemas check` and the registry judge a schema change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchemaRegistryTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Embedder model = SharedEmbedder.get();
  private final TextCleaner cleaner = new TextCleaner(TextCleaner.UrlMode.KEEP);
  private final PostEvent dog =
      EndToEndTest.post(
          "p-dog",
          "user-x",
          "Lost dog near the park",
          "Brown labrador, red collar, very friendly.",
          0);
  private final PostEvent couch =
      EndToEndTest.post(
          "p-couch", "user-y", "Free couch", "Grey three-seat sofa, you collect this weekend.", 1);

  private ApicurioRegistry registry;
  private EmbeddedKafka kafka;
  private KafkaTestSupport io;
  private Map<String, Object> settings;
  private KembedApp app;
  private IndexService indexes;

  @BeforeAll
  void start() throws Exception {
    registry = ApicurioRegistry.start(Duration.ofSeconds(300));
    // Without a rule Apicurio accepts any change; the test wants the registry to judge them.
    send("PUT", registry.ccompatUrl() + "/config", "{\"compatibility\":\"BACKWARD\"}");
    kafka = EmbeddedKafka.start();
    io = new KafkaTestSupport(kafka.bootstrapServers());
    settings = new HashMap<>(io.appSettings(KafkaTestSupport.uniqueId("registry"), "", 2));
    settings.put("output.format", "confluent");
    settings.put("schema.registry.url", registry.ccompatUrl());
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicCreator.ensure(admin, new KembedConfig(settings));
    }
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close(Duration.ofSeconds(30));
    }
    if (indexes != null) {
      indexes.close();
    }
    if (io != null) {
      io.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  @Order(1)
  void refusesToStartWhileASubjectIsMissing() throws Exception {
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () -> new KembedApp(new KembedConfig(settings), SharedEmbedder.unclosable()));
    ConfluentWire.MissingSchemaException missing =
        cause(e, ConfluentWire.MissingSchemaException.class);
    assertNotNull(missing, "the failure names the subject: " + e);
    assertTrue(missing.subject().startsWith("content-embeddings-"), missing.subject());
    assertEquals(
        "[]",
        send("GET", registry.ccompatUrl() + "/subjects", null).trim(),
        "nothing registered by a failed start");
  }

  @Test
  @Order(2)
  void registeredOutputsDecodeWithNothingButTheRegistry() throws Exception {
    assertEquals(0, cli("schemas", "register").code());
    assertEquals(0, cli("schemas", "check").code());
    KembedConfig config = new KembedConfig(settings);
    indexes = IndexService.open(config, model.model());
    indexes.start();
    app = new KembedApp(config, SharedEmbedder.unclosable(), indexes);
    app.start();
    assertTrue(app.awaitRunning(WAIT), "app reaches RUNNING");

    long t = KafkaTestSupport.T0.toEpochMilli();
    io.sendAvro("posts", "p-dog", dog, t);
    io.sendJson("posts", "p-couch", couch, t + 1000);
    io.sendAvro(
        "interactions",
        "user-a",
        EndToEndTest.interaction("user-a", "p-dog", InteractionType.CLICK, 60_000),
        t + 60_000);
    io.sendAvro(
        "interactions",
        "user-a",
        EndToEndTest.interaction("user-a", "p-couch", InteractionType.IMPRESSION, 120_000),
        t + 120_000);
    io.sendAvro("search-queries", "user-a", search("lost labrador", 130_000), t + 130_000);
    io.sendAvro("search-queries", "user-b", search("lost labrador dog", 140_000), t + 140_000);

    Map<String, float[]> texts =
        Map.of(
            "p-dog", model.embed(List.of(cleaner.post(dog.getSubject(), dog.getBody())))[0],
            "p-couch", model.embed(List.of(cleaner.post(couch.getSubject(), couch.getBody())))[0]);
    for (GenericRecord[] kv : decoded("content-embeddings", l -> l.size() >= 4)) {
      assertEquals(
          kv[0].get("entity_id").toString(),
          kv[1].get("entity_id").toString(),
          "key struct = entity id");
      float[] expected = texts.get(kv[0].get("entity_id").toString());
      if (expected != null) {
        assertTrue(cosine(expected, floats(kv[1].get("vector"))) >= 0.99999, "vector of " + kv[0]);
      }
    }
    for (GenericRecord[] kv : decoded("index-updates", l -> l.size() >= 4)) {
      assertEquals(kv[1].get("index").toString(), kv[0].get("index").toString());
      assertEquals(kv[1].get("entity_id").toString(), kv[0].get("entity_id").toString());
    }
    for (GenericRecord[] kv : decoded("user-vectors", l -> l.size() >= 3)) {
      assertEquals(kv[1].get("user_id").toString(), kv[0].get("user_id").toString());
      assertEquals(kv[1].get("kind").toString(), kv[0].get("kind").toString());
      assertEquals(kv[1].get("window").toString(), kv[0].get("window").toString());
    }
    List<GenericRecord[]> rows = decoded("similarity-features", l -> l.size() >= 1);
    GenericRecord row = rows.get(0)[1];
    assertEquals("user-a", rows.get(0)[0].get("viewer_id").toString());
    assertEquals("p-couch", rows.get(0)[0].get("entity_id").toString());
    // Before the impression user-a's P7D engagement vector is the dog post alone (one click).
    assertEquals(
        cosine(texts.get("p-dog"), texts.get("p-couch")),
        (Double) row.get("cos_viewer_post_p7d"),
        1e-5);
    assertNull(row.get("cos_intent_post_p7d"), "no search before the impression");
    for (GenericRecord[] kv : decoded("query-expansions", l -> l.size() >= 2)) {
      assertEquals(kv[1].get("query").toString(), kv[0].get("query").toString());
    }
  }

  @Test
  @Order(3)
  void consumePrintsReadableRows() throws Exception {
    Cli out = cli("consume", "-t", "similarity-features", "--from-beginning", "--max", "3");
    assertEquals(0, out.code());
    JsonNode line = JSON.readTree(out.stdout().lines().findFirst().orElseThrow());
    assertEquals("user-a", line.at("/key/viewer_id").asText());
    assertEquals("IMPRESSION", line.at("/value/exposure_type").asText());
    assertTrue(line.at("/value/cos_viewer_post_p7d").isNumber(), line.toString());
  }

  @Test
  @Order(4)
  void theRegistryJudgesASchemaChange() {
    HttpSchemaRegistry client = new HttpSchemaRegistry(RegistrySettings.of(registry.ccompatUrl()));
    Schema registered =
        client.byId(client.lookup("user-vectors-key", keySchema(false)).orElseThrow());
    assertEquals(keySchema(false), registered);
    assertTrue(
        client.isCompatible("user-vectors-key", keySchema(true)),
        "adding an optional field is backward compatible");
    Schema breaking =
        SchemaBuilder.record("UserVectorKey")
            .namespace("dev.kembed.sink")
            .fields()
            .requiredString("user_id")
            .requiredString("kind")
            .requiredString("window")
            .requiredString("tenant")
            .endRecord();
    assertFalse(
        client.isCompatible("user-vectors-key", breaking),
        "a new required field cannot read old keys");
  }

  private static Schema keySchema(boolean withOptional) {
    var f =
        SchemaBuilder.record("UserVectorKey")
            .namespace("dev.kembed.sink")
            .fields()
            .requiredString("user_id")
            .requiredString("kind")
            .requiredString("window");
    return (withOptional ? f.optionalString("tenant") : f).endRecord();
  }

  /** Key and value of each record of {@code topic}, decoded the registry's way only. */
  private List<GenericRecord[]> decoded(
      String topic, java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done)
      throws Exception {
    var records = io.readRaw(topic, done, WAIT, Duration.ofMillis(500));
    assertFalse(records.isEmpty(), topic + " has records");
    List<GenericRecord[]> out = new ArrayList<>();
    for (var r : records) {
      out.add(
          new GenericRecord[] {
            registryDecode(r.key()), r.value() == null ? null : registryDecode(r.value())
          });
    }
    return out;
  }

  private GenericRecord registryDecode(byte[] bytes) throws Exception {
    assertEquals(0, bytes[0], "magic byte");
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    String schema =
        JSON.readTree(send("GET", registry.ccompatUrl() + "/schemas/ids/" + id, null))
            .get("schema")
            .asText();
    Schema writer = new Schema.Parser().parse(schema);
    return (GenericRecord)
        new GenericDatumReader<>(writer)
            .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
  }

  private String send(String method, String url, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(2, r.statusCode() / 100, method + " " + url + ": " + r.body());
    return r.body();
  }

  private record Cli(int code, String stdout) {}

  private Cli cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--set",
            "schema.registry.url=" + registry.ccompatUrl()));
    PrintStream saved = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      int code = KembedCli.execute(all.toArray(String[]::new));
      return new Cli(code, buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(saved);
    }
  }

  private static SearchQueryEvent search(String q, long offsetMs) {
    return SearchQueryEvent.newBuilder()
        .setUserId(offsetMs < 135_000 ? "user-a" : "user-b")
        .setQuery(q)
        .setSessionId("s1")
        .setEventTime(KafkaTestSupport.T0.plusMillis(offsetMs))
        .build();
  }

  private static float[] floats(Object list) {
    List<?> l = (List<?>) list;
    float[] out = new float[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (Float) l.get(i);
    }
    return out;
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * (double) b[i];
      na += a[i] * (double) a[i];
      nb += b[i] * (double) b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
