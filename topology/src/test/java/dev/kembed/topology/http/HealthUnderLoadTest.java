package dev.kembed.topology.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kembed.inference.Embedder;
import dev.kembed.inference.ModelInfo;
import dev.kembed.state.index.ExactIndex;
import dev.kembed.state.index.VectorIndex;
import dev.kembed.topology.expansion.IndexService;
import dev.kembed.topology.expansion.Indexes;
import dev.kembed.topology.expansion.QueryExpander;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Health under stress: liveness and readiness answer separately and from cached state, never behind
 * query work; query requests beyond the workers and their queue get 503 with Retry-After; errors
 * are JSON and quote bounded prefixes of what the client sent.
 */
class HealthUnderLoadTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final AtomicReference<KafkaStreams.State> state =
      new AtomicReference<>(KafkaStreams.State.RUNNING);
  private final AtomicBoolean broker = new AtomicBoolean(true);
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger embedding = new AtomicInteger();
  private ApiServer server;

  @AfterEach
  void stop() {
    release.countDown();
    server.close();
  }

  /** A model that holds every call until the test releases it: a flood of slow /expand requests. */
  private final Embedder blocking =
      new Embedder() {
        public ModelInfo model() {
          return new ModelInfo("block@1", 4, 64, true);
        }

        public float[][] embed(List<String> texts) {
          embedding.incrementAndGet();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new float[][] {{1, 0, 0, 0}};
        }

        public void close() {}
      };

  private void start() throws Exception {
    ExactIndex queries = new ExactIndex("block@1", 4);
    queries.upsert("alpha", new float[] {1, 0, 0, 0});
    Indexes indexes =
        new Indexes() {
          public Optional<VectorIndex> index(String name) {
            return IndexService.QUERIES.equals(name) ? Optional.of(queries) : Optional.empty();
          }

          public boolean ready() {
            return true;
          }

          public List<IndexStatus> status() {
            return List.of(new IndexStatus(IndexService.QUERIES, "block@1", 1, true, null));
          }
        };
    var backends =
        new KembedApi.Backends(
            id -> null,
            indexes,
            blocking,
            new QueryExpander(10, 0.5),
            state::get,
            new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT),
            broker::get);
    server = KembedApi.start(new HttpSettings("127.0.0.1", 0, null), backends);
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return client.send(request(pathAndQuery), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
        .timeout(Duration.ofSeconds(60))
        .GET()
        .build();
  }

  @Test
  void readinessNeedsTheBrokerAndLivenessOnlyALiveStreamsClient() throws Exception {
    start();
    assertEquals(200, get("/health/ready").statusCode());
    assertEquals(200, get("/health").statusCode(), "/health is readiness");
    broker.set(false);
    HttpResponse<String> notReady = get("/health/ready");
    assertEquals(503, notReady.statusCode());
    assertEquals("STARTING", JSON.readTree(notReady.body()).get("status").asText());
    assertEquals(false, JSON.readTree(notReady.body()).get("broker_reachable").asBoolean());
    assertEquals(503, get("/health").statusCode());
    assertEquals(
        200, get("/health/live").statusCode(), "an unreachable broker is no reason to restart");
    state.set(KafkaStreams.State.ERROR);
    HttpResponse<String> dead = get("/health/live");
    assertEquals(503, dead.statusCode());
    assertEquals("DOWN", JSON.readTree(dead.body()).get("status").asText());
  }

  @Test
  void aFloodOfExpandRequestsGets503sAndHealthStillAnswers() throws Exception {
    start();
    int flood = ApiServer.WORKERS + ApiServer.QUEUED;
    List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
    for (int i = 0; i < flood; i++) {
      held.add(
          client.sendAsync(request("/expand?q=alpha" + i), HttpResponse.BodyHandlers.ofString()));
    }
    while (embedding.get() < ApiServer.WORKERS) {
      Thread.sleep(10); // until every worker is stuck in the model
    }
    // Every worker is blocked and the queue fills: health answers anyway, from the dispatch
    // threads.
    assertEquals(200, get("/health/live").statusCode());
    assertEquals(200, get("/health/ready").statusCode());
    HttpResponse<String> busy = null;
    for (int i = 0; i < 100 && (busy == null || busy.statusCode() != 503); i++) {
      busy = get("/expand?q=one+more");
    }
    assertEquals(503, busy.statusCode(), "beyond " + flood + " waiting requests");
    assertEquals("1", busy.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(JSON.readTree(busy.body()).get("error").asText().startsWith("busy"));
    release.countDown();
    for (CompletableFuture<HttpResponse<String>> f : held) {
      assertEquals(200, f.get().statusCode(), "every accepted request is answered");
    }
  }

  @Test
  void errorsAreJsonAndEchoABoundedPrefix() throws Exception {
    start();
    String longId = "x".repeat(60_000);
    HttpResponse<String> r = get("/similar?id=" + longId);
    assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, "status " + r.statusCode());
    JsonNode body = JSON.readTree(r.body());
    assertTrue(
        r.body().length() < 1_000, "body of " + r.body().length() + " chars for a 60,000-char id");
    String error = body.get("error").asText();
    assertTrue(
        error.length() <= ApiResponse.MAX_ERROR_CHARS + 20 && error.endsWith("chars)"),
        "a bounded prefix, saying how long the input was: " + error);
    HttpResponse<String> missing = get("/no/" + longId);
    assertEquals(404, missing.statusCode());
    assertTrue(missing.body().length() < 1_000);
  }
}
