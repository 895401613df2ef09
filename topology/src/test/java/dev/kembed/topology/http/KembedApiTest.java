package dev.kembed.topology.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kembed.state.index.ExactIndex;
import dev.kembed.state.index.VectorIndex;
import dev.kembed.state.window.WindowVector;
import dev.kembed.topology.errors.DlqMetrics;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.expansion.IndexService;
import dev.kembed.topology.expansion.Indexes;
import dev.kembed.topology.expansion.QueryExpander;
import dev.kembed.topology.metrics.PrometheusSamples;
import dev.kembed.topology.testing.KeywordEmbedder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP API on a real JDK HttpServer bound to an ephemeral port on 127.0.0.1. */
class KembedApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "s3cret";

  private final HttpClient client = HttpClient.newHttpClient();
  private final List<ApiServer> servers = new ArrayList<>();
  private final AtomicReference<KafkaStreams.State> state =
      new AtomicReference<>(KafkaStreams.State.RUNNING);
  private final FixedIndexes indexes = new FixedIndexes();
  private final Map<String, UserVectorSource.Lookup> users = new HashMap<>();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @AfterEach
  void stop() {
    servers.forEach(ApiServer::close);
    registry.close();
  }

  /** Indexes held in a map, with a readiness flag the test sets. */
  private static final class FixedIndexes implements Indexes {
    final Map<String, VectorIndex> byName = new HashMap<>();
    boolean ready = true;

    @Override
    public Optional<VectorIndex> index(String name) {
      return Optional.ofNullable(byName.get(name));
    }

    @Override
    public boolean ready() {
      return ready;
    }

    @Override
    public List<IndexStatus> status() {
      return byName.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .map(
              e ->
                  new IndexStatus(
                      e.getKey(), e.getValue().modelId(), e.getValue().size(), ready, null))
          .toList();
    }
  }

  private ApiServer start(String token) throws IOException {
    ExactIndex queries = new ExactIndex("keywords@1", 4);
    queries.upsert("alpha sale", KeywordEmbedder.ALPHA);
    queries.upsert("alpha deals", new float[] {0.8f, 0.6f, 0, 0});
    queries.upsert("beta", KeywordEmbedder.BETA);
    ExactIndex posts = new ExactIndex("keywords@1", 4);
    posts.upsert("p1", KeywordEmbedder.GAMMA);
    posts.upsert("p2", new float[] {0, 0, 0.6f, 0.8f});
    posts.upsert("p3", KeywordEmbedder.ALPHA);
    indexes.byName.put(IndexService.QUERIES, queries);
    indexes.byName.put(IndexService.POSTS, posts);
    var backends =
        new KembedApi.Backends(
            users::get,
            indexes,
            new KeywordEmbedder(),
            new QueryExpander(10, 0.5),
            state::get,
            registry);
    ApiServer server = KembedApi.start(new HttpSettings("127.0.0.1", 0, token), backends);
    servers.add(server);
    return server;
  }

  private HttpResponse<String> get(ApiServer server, String pathAndQuery, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
            .GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(ApiServer server, String pathAndQuery) throws Exception {
    return get(server, pathAndQuery, null);
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
    return JSON.readTree(r.body());
  }

  @Test
  void aServingInstanceAnswersFromItsIndexesAndSendsUserLookupsElsewhere() throws Exception {
    start(null); // fills the indexes
    var config = new dev.kembed.topology.config.KembedConfig(Map.of("http.port", "0"));
    ApiServer serving =
        KembedApi.startServing(config, new KeywordEmbedder(), indexes, registry, () -> true);
    servers.add(serving);
    HttpResponse<String> similar = get(serving, "/similar?id=p1&k=1");
    assertEquals(200, similar.statusCode(), similar.body());
    assertEquals("p2", json(similar).get("neighbours").get(0).get("id").asText());
    assertEquals(200, get(serving, "/health").statusCode());
    assertEquals(503, get(serving, "/users/u1/vectors").statusCode());
  }

  @Test
  void anInstanceWithoutIndexesSaysSoInsteadOfFailing() throws Exception {
    var backends =
        new KembedApi.Backends(
            users::get,
            Indexes.none(),
            new KeywordEmbedder(),
            new QueryExpander(10, 0.5),
            state::get,
            registry);
    ApiServer server = KembedApi.start(new HttpSettings("127.0.0.1", 0, null), backends);
    servers.add(server);
    assertEquals(400, get(server, "/similar?id=p1").statusCode());
    assertEquals(503, get(server, "/expand?q=sofa").statusCode());
    assertEquals(200, get(server, "/health").statusCode(), "no indexes is a healthy configuration");
  }

  @Test
  void tokenIsRequiredWhenConfiguredExceptForHealth() throws Exception {
    ApiServer server = start(TOKEN);
    HttpResponse<String> none = get(server, "/similar?id=p1");
    assertEquals(401, none.statusCode());
    assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertEquals(401, get(server, "/expand?q=sofa", "wrong").statusCode());
    assertEquals(401, get(server, "/similar?id=p1", TOKEN + "x").statusCode());
    assertEquals(401, get(server, "/metrics").statusCode());
    assertEquals(200, get(server, "/health").statusCode(), "probes send no token");
    assertEquals(200, get(server, "/health", TOKEN).statusCode());
  }

  @Test
  void healthSaysUpOnlyWhenStreamsRunsAndIndexesAreReady() throws Exception {
    ApiServer server = start(null);
    HttpResponse<String> up = get(server, "/health");
    assertEquals(200, up.statusCode());
    JsonNode body = json(up);
    assertEquals("UP", body.get("status").asText());
    assertEquals("RUNNING", body.get("streams").asText());
    assertEquals("posts", body.get("indexes").get(0).get("name").asText());
    assertEquals(3, body.get("indexes").get(0).get("size").asInt());

    indexes.ready = false;
    HttpResponse<String> starting = get(server, "/health");
    assertEquals(503, starting.statusCode());
    assertEquals("STARTING", json(starting).get("status").asText());

    indexes.ready = true;
    state.set(KafkaStreams.State.ERROR);
    assertEquals("DOWN", json(get(server, "/health")).get("status").asText());
  }

  @Test
  void similarAnswersFromThePostsIndexByDefault() throws Exception {
    ApiServer server = start(null);
    HttpResponse<String> r = get(server, "/similar?id=p1&k=5");
    assertEquals(200, r.statusCode());
    JsonNode body = json(r);
    assertEquals("posts", body.get("index").asText());
    assertEquals("keywords@1", body.get("model_id").asText());
    JsonNode n = body.get("neighbours");
    assertEquals(2, n.size(), "itself excluded");
    assertEquals("p2", n.get(0).get("id").asText());
    assertEquals(0.6, n.get(0).get("score").asDouble(), 1e-6);
    assertEquals("p3", n.get(1).get("id").asText());
    assertEquals(0.0, n.get(1).get("score").asDouble(), 1e-6);

    JsonNode q = json(get(server, "/similar?id=Alpha%20Sale%21&k=1&index=queries"));
    assertEquals(
        "alpha sale", q.get("id").asText(), "queries are looked up by their normalised form");
    assertEquals("alpha deals", q.get("neighbours").get(0).get("id").asText());
    assertEquals(1, q.get("neighbours").size());
  }

  @Test
  void badInputGetsAClear4xx() throws Exception {
    ApiServer server = start(null);
    assertError(get(server, "/similar"), 400, "missing query parameter 'id'");
    assertError(
        get(server, "/similar?id=p1&k=0"), 400, "query parameter 'k' must be in [1, 100], was 0");
    assertError(
        get(server, "/similar?id=p1&k=101"),
        400,
        "query parameter 'k' must be in [1, 100], was 101");
    assertError(
        get(server, "/similar?id=p1&k=ten"),
        400,
        "query parameter 'k' must be an integer, was 'ten'");
    assertError(get(server, "/similar?id=nope"), 404, "'nope' is not in the posts index");
    assertError(
        get(server, "/similar?id=p1&index=users"), 400, "no index named 'users' on this instance");
    assertError(get(server, "/expand?q="), 400, "missing query parameter 'q'");
    assertError(
        get(server, "/expand?q=%21%3F%21"), 400, "query parameter 'q' is empty once normalised");
    assertError(get(server, "/users/ghost/vectors"), 404, "unknown user 'ghost'");
    assertError(get(server, "/nowhere"), 404, "no such endpoint: /nowhere");
    HttpResponse<String> post =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertError(post, 405, "only GET is supported");
  }

  private static void assertError(HttpResponse<String> r, int status, String message)
      throws IOException {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(message, json(r).get("error").asText());
  }

  @Test
  void expandNormalisesEmbedsAndExcludesTheQueryItself() throws Exception {
    ApiServer server = start(null);
    JsonNode body = json(get(server, "/expand?q=ALPHA%20Sale%21&k=5"));
    assertEquals("alpha sale", body.get("query").asText());
    assertEquals(true, body.get("ready").asBoolean());
    JsonNode n = body.get("neighbours");
    assertEquals(1, n.size(), "alpha sale itself excluded, beta below 0.5");
    assertEquals("alpha deals", n.get(0).get("query").asText());
    assertEquals(0.8, n.get(0).get("score").asDouble(), 1e-6);
  }

  @Test
  void userVectorsListEveryKindAndWindow() throws Exception {
    ApiServer server = start(null);
    users.put(
        "u1",
        new UserVectorSource.Found(
            "keywords@1",
            Map.of(
                "SEARCH_INTENT",
                List.of(
                    new WindowVector(
                        "P7D", 604_800_000L, new double[] {0, 3, 0, 4}, 5.0, 2, 1_793_527_200_000L),
                    new WindowVector(
                        "P30D", 2_592_000_000L, new double[4], 0, 0, 1_793_527_200_000L)))));
    HttpResponse<String> r = get(server, "/users/u1/vectors");
    assertEquals(200, r.statusCode());
    JsonNode body = json(r);
    assertEquals("u1", body.get("user_id").asText());
    assertEquals("keywords@1", body.get("model_id").asText());
    JsonNode week = body.get("vectors").get(0);
    assertEquals("SEARCH_INTENT", week.get("kind").asText());
    assertEquals("P7D", week.get("window").asText());
    assertEquals(0.6, week.get("vector").get(1).asDouble(), 1e-6);
    assertEquals(0.8, week.get("vector").get(3).asDouble(), 1e-6);
    assertEquals(5.0, week.get("total_weight").asDouble());
    assertEquals(2, week.get("event_count").asLong());
    assertEquals("2026-11-01T10:00:00Z", week.get("as_of").asText());
    JsonNode month = body.get("vectors").get(1);
    assertTrue(month.get("vector").isNull(), "an empty window has no direction");
    assertEquals(0, month.get("event_count").asLong());
  }

  @Test
  void userOwnedElsewhereIsProxiedWithTheTokenAndNeverForwardedTwice() throws Exception {
    ApiServer owner = start(TOKEN);
    users.put(
        "u1",
        new UserVectorSource.Found(
            "keywords@1",
            Map.of(
                "ENGAGEMENT",
                List.of(
                    new WindowVector("P7D", 604_800_000L, new double[] {1, 0, 0, 0}, 1.0, 1, 0)))));
    // The second instance shares the token; it believes u1 lives on the first, and u2 on itself
    // while the first believes u2 lives on the second (a rebalance in flight).
    Map<String, UserVectorSource.Lookup> seenBySecond =
        Map.of(
            "u1", new UserVectorSource.Elsewhere("127.0.0.1", owner.port()),
            "u2", new UserVectorSource.Elsewhere("127.0.0.1", owner.port()));
    var backends =
        new KembedApi.Backends(
            seenBySecond::get,
            indexes,
            new KeywordEmbedder(),
            new QueryExpander(10, 0.5),
            state::get,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    ApiServer second = KembedApi.start(new HttpSettings("127.0.0.1", 0, TOKEN), backends);
    servers.add(second);
    int secondPort = second.port();
    users.put("u2", new UserVectorSource.Elsewhere("127.0.0.1", secondPort));

    HttpResponse<String> r = get(second, "/users/u1/vectors", TOKEN);
    assertEquals(200, r.statusCode());
    assertEquals(
        "127.0.0.1:" + owner.port(), r.headers().firstValue("X-Kembed-Served-By").orElseThrow());
    assertEquals("ENGAGEMENT", json(r).get("vectors").get(0).get("kind").asText());

    HttpResponse<String> loop = get(second, "/users/u2/vectors", TOKEN);
    assertEquals(503, loop.statusCode());
    assertEquals(
        "ownership of this user is moving between instances", json(loop).get("error").asText());
    assertEquals("1", loop.headers().firstValue("Retry-After").orElseThrow());
  }

  @Test
  void userIdsArePercentDecodedAsOnePathSegment() throws Exception {
    ApiServer server = start(null);
    users.put(
        "a/b+c d",
        new UserVectorSource.Found(
            "keywords@1",
            Map.of(
                "ENGAGEMENT",
                List.of(
                    new WindowVector("P7D", 604_800_000L, new double[] {1, 0, 0, 0}, 1.0, 1, 0)))));
    HttpResponse<String> r = get(server, "/users/a%2Fb+c%20d/vectors");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("a/b+c d", json(r).get("user_id").asText());
  }

  @Test
  void unavailableStoreAsksTheClientToRetry() throws Exception {
    ApiServer server = start(null);
    users.put("u9", new UserVectorSource.Unavailable("rebalancing"));
    HttpResponse<String> r = get(server, "/users/u9/vectors");
    assertEquals(503, r.statusCode());
    assertEquals("1", r.headers().firstValue("Retry-After").orElseThrow());
  }

  @Test
  void metricsServeTheRegistrysPrometheusScrapeWithIndexGauges() throws Exception {
    ApiServer server = start(null);
    new DlqMetrics(registry).record(DlqReason.EMPTY_TEXT);
    new DlqMetrics(registry).record(DlqReason.EMPTY_TEXT);
    HttpResponse<String> r = get(server, "/metrics");
    assertEquals(200, r.statusCode());
    assertEquals(
        "text/plain; version=0.0.4; charset=utf-8",
        r.headers().firstValue("Content-Type").orElseThrow());
    Map<String, Double> samples = PrometheusSamples.parse(r.body());
    assertEquals(2.0, samples.get("kembed_dlq_records_total{reason=\"EMPTY_TEXT\"}"), r.body());
    assertTrue(r.body().contains("# TYPE kembed_dlq_records_total counter"), r.body());
    assertEquals(
        3.0,
        samples.get("kembed_index_items{index=\"queries\",model_id=\"keywords@1\"}"),
        r.body());
    assertEquals(
        3.0, samples.get("kembed_index_items{index=\"posts\",model_id=\"keywords@1\"}"), r.body());
    assertEquals(
        1.0, samples.get("kembed_index_ready{index=\"posts\",model_id=\"keywords@1\"}"), r.body());
  }
}
