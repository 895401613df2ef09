package dev.kembed.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kembed.inference.Embedder;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.serde.OutputSerdes;
import dev.kembed.testkit.EmbeddedKafka;
import dev.kembed.topology.cli.KembedApp;
import dev.kembed.topology.cli.TopicCreator;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.text.TextCleaner;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A real sink into a real database: kembed writes output.format=json with Connect's schema
 * envelope; a Kafka Connect worker (child JVM) runs the Debezium JDBC sink connector from its Maven
 * Central plugin archive into a private PostgreSQL 15 cluster. user-vectors and similarity-features
 * land as typed columns (the vector as PostgreSQL real[]), read back by SQL equal to the topic's
 * values and to an independent recomputation from the model's vectors; a second click replaces
 * (upserts) the user's vector; a user-vector tombstone deletes its row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresSinkTest {
  private static final Duration WAIT = Duration.ofSeconds(150);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONNECTOR = "kembed-postgres";
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

  private PostgresCluster postgres;
  private EmbeddedKafka kafka;
  private KafkaTestSupport io;
  private KembedConfig config;
  private KembedApp app;
  private ConnectWorker connect;

  @BeforeAll
  void start() throws Exception {
    postgres = PostgresCluster.start();
    kafka = EmbeddedKafka.start();
    io = new KafkaTestSupport(kafka.bootstrapServers());
    Map<String, Object> settings =
        new HashMap<>(io.appSettings(KafkaTestSupport.uniqueId("pg"), "", 2));
    settings.put("output.format", "json");
    settings.put("output.json.schemas.enable", "true");
    config = new KembedConfig(settings);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicCreator.ensure(admin, config);
    }
    Map<String, String> connector = new LinkedHashMap<>();
    connector.put("name", CONNECTOR);
    connector.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
    connector.put("tasks.max", "1");
    connector.put("topics", "user-vectors,similarity-features");
    connector.put("connection.url", postgres.jdbcUrl());
    connector.put("connection.username", "postgres");
    connector.put("connection.password", "unused-trust-auth");
    connector.put("insert.mode", "upsert");
    connector.put("primary.key.mode", "record_key");
    connector.put("delete.enabled", "true");
    connector.put("schema.evolution", "basic");
    // Topic names hold '-' and user-vectors has a column named window (a keyword): quote them.
    connector.put("quote.identifiers", "true");
    connect = ConnectWorker.start(kafka.bootstrapServers(), connector, Duration.ofSeconds(180));
    app = new KembedApp(config, SharedEmbedder.unclosable());
    app.start();
    assertTrue(app.awaitRunning(WAIT), "app reaches RUNNING");
  }

  @AfterAll
  void stop() throws Exception {
    if (connect != null) {
      connect.close();
    }
    if (app != null) {
      app.close(Duration.ofSeconds(30));
    }
    if (io != null) {
      io.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void rowsEqualTheTopic_upsertReplaces_tombstoneDeletes() throws Exception {
    long t = KafkaTestSupport.T0.toEpochMilli();
    io.sendAvro("posts", "p-dog", dog, t);
    io.sendAvro("posts", "p-couch", couch, t + 1000);
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
    io.sendAvro(
        "interactions",
        "user-a",
        EndToEndTest.interaction("user-a", "p-couch", InteractionType.CLICK, 180_000),
        t + 180_000);

    // The topic: last value of every key; user-a's P7D engagement vector was written three times.
    Map<String, JsonNode> topic =
        lastByKey(
            io.readRaw(
                "user-vectors",
                l ->
                    lastByKey(l)
                            .getOrDefault("user-a|ENGAGEMENT|P7D", JSON.nullNode())
                            .path("event_count")
                            .asLong()
                        == 3,
                WAIT,
                Duration.ofSeconds(1)));
    JsonNode latest = topic.get("user-a|ENGAGEMENT|P7D");
    assertEquals(
        3, latest.get("event_count").asLong(), "three interactions by user-a: " + topic.keySet());

    // SQL read-back once the sink has caught up (the upsert replaced the row twice).
    Map<String, Map<String, Object>> rows =
        awaitRows(
            "SELECT * FROM \"user-vectors\"",
            r ->
                r.size() == topic.size()
                    && r.containsKey("user-a|ENGAGEMENT|P7D")
                    && ((Number) r.get("user-a|ENGAGEMENT|P7D").get("event_count")).longValue()
                        == 3);
    assertEquals(topic.keySet(), rows.keySet());
    for (var e : topic.entrySet()) {
      Map<String, Object> row = rows.get(e.getKey());
      JsonNode v = e.getValue();
      assertEquals(v.get("model_id").asText(), row.get("model_id"));
      assertEquals(
          v.get("total_weight").asDouble(), ((Number) row.get("total_weight")).doubleValue());
      assertEquals(v.get("event_count").asLong(), ((Number) row.get("event_count")).longValue());
      assertEquals(v.get("as_of").asLong(), ((java.sql.Timestamp) row.get("as_of")).getTime());
      float[] sql = (float[]) row.get("vector");
      assertEquals(v.get("vector").size(), sql.length);
      for (int i = 0; i < sql.length; i++) {
        assertEquals(
            v.get("vector").get(i).floatValue(), sql[i], "vector[" + i + "] of " + e.getKey());
      }
    }
    // Independently: 2·dog (click) + 0.1·couch (impression) + 2·couch (click), normalised.
    float[] d = embed(dog);
    float[] c = embed(couch);
    float[] expected = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      expected[i] = (float) (2 * d[i] + 2.1 * c[i]);
    }
    assertTrue(
        cosine(expected, (float[]) rows.get("user-a|ENGAGEMENT|P7D").get("vector")) >= 0.99999);
    assertEquals("_float4", columnType("user-vectors", "vector"), "vector column is real[]");

    // The feature row of the impression: typed, nullable columns.
    Map<String, Map<String, Object>> features =
        awaitRows("SELECT * FROM \"similarity-features\"", r -> r.containsKey("user-a|p-couch"));
    Map<String, Object> f = features.get("user-a|p-couch");
    assertEquals(
        cosine(d, c),
        ((Number) f.get("cos_viewer_post_p7d")).doubleValue(),
        1e-5,
        "user-a's vector before the impression is the dog post");
    assertNull(f.get("cos_intent_post_p7d"), "no search: NULL, not 0");
    assertEquals("float8", columnType("similarity-features", "cos_viewer_post_p7d"));

    // A tombstone, keyed exactly as kembed keys it, deletes the row and only that row.
    byte[] key =
        new OutputSerdes(config.outputSettings())
            .key(UserVector.class, "user-vectors")
            .serializer()
            .serialize("user-vectors", "user-a|ENGAGEMENT|P90D");
    io.sendRaw("user-vectors", key, null);
    Map<String, Map<String, Object>> after =
        awaitRows("SELECT * FROM \"user-vectors\"", r -> !r.containsKey("user-a|ENGAGEMENT|P90D"));
    assertEquals(topic.size() - 1, after.size());
    assertTrue(after.containsKey("user-a|ENGAGEMENT|P7D"));
  }

  private float[] embed(PostEvent p) {
    return model.embed(List.of(cleaner.post(p.getSubject(), p.getBody())))[0];
  }

  /**
   * Payloads of the JSON-envelope records, last per key (key parts joined by '|'), tombstones
   * removed.
   */
  private static Map<String, JsonNode> lastByKey(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    try {
      for (var r : records) {
        JsonNode k = JSON.readTree(r.key()).get("payload");
        String key =
            k.get("user_id").asText()
                + "|"
                + k.get("kind").asText()
                + "|"
                + k.get("window").asText();
        if (r.value() == null) {
          out.remove(key);
        } else {
          out.put(key, JSON.readTree(r.value()).get("payload"));
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  /** Rows of {@code sql} by their key columns joined with '|', once {@code done} holds. */
  private Map<String, Map<String, Object>> awaitRows(
      String sql, Predicate<Map<String, Map<String, Object>>> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Map<String, Map<String, Object>> rows = Map.of();
    String last = "";
    while (System.nanoTime() < deadline) {
      try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
          ResultSet rs = db.createStatement().executeQuery(sql)) {
        rows = new HashMap<>();
        while (rs.next()) {
          Map<String, Object> row = new HashMap<>();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            Object v = rs.getObject(i);
            if (v instanceof Array a) {
              Object[] items = (Object[]) a.getArray();
              float[] fs = new float[items.length];
              for (int j = 0; j < fs.length; j++) {
                fs[j] = ((Number) items[j]).floatValue();
              }
              v = fs;
            }
            row.put(rs.getMetaData().getColumnName(i), v);
          }
          String key =
              row.containsKey("user_id")
                  ? row.get("user_id") + "|" + row.get("kind") + "|" + row.get("window")
                  : row.get("viewer_id") + "|" + row.get("entity_id");
          rows.put(key, row);
        }
        if (done.test(rows)) {
          return rows;
        }
      } catch (SQLException notYet) {
        last = notYet.getMessage(); // the table appears with the first record
      }
      Thread.sleep(500);
    }
    fail(
        "the sink did not reach the expected rows ("
            + sql
            + "): "
            + rows.keySet()
            + " "
            + last
            + "\nconnector: "
            + connect.status(CONNECTOR)
            + "\n"
            + connect.logTail());
    return rows;
  }

  private String columnType(String table, String column) throws SQLException {
    try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
        var st =
            db.prepareStatement(
                "SELECT udt_name FROM information_schema.columns WHERE table_name = ? AND"
                    + " column_name = ?")) {
      st.setString(1, table);
      st.setString(2, column);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
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
}
