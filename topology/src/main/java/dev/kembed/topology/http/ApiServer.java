package dev.kembed.topology.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK {@link HttpServer} behind the API: routes GET requests to {@link Endpoint}s by path
 * pattern, checks the bearer token when one is configured (constant-time, 401 otherwise), and turns
 * {@link ApiException}s into JSON errors. Two pools keep health answers fast under load: the
 * server's own small pool answers {@code /health*} and {@code /metrics} directly (cached state, no
 * model, no network), and hands every other request to {@link #WORKERS} query workers with at most
 * {@link #QUEUED} waiting; a request that finds them full gets 503 with {@code Retry-After} at once
 * instead of queueing without bound.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  /** Threads that accept exchanges and answer health and metrics. */
  static final int DISPATCHERS = 2;

  /** Concurrent query requests (/expand runs the model on these threads). */
  static final int WORKERS = 4;

  /** Query requests that may wait for a worker before new ones get 503. */
  static final int QUEUED = 16;

  /** Seconds a client told 503 should wait before retrying. */
  static final String RETRY_AFTER_S = "1";

  private final HttpServer server;
  private final ExecutorService executor;
  private final ThreadPoolExecutor workers;
  private final Map<Pattern, Endpoint> routes;
  private final byte[] expectedAuthorization;
  private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();

  private ApiServer(
      HttpServer server,
      ExecutorService executor,
      ThreadPoolExecutor workers,
      Map<Pattern, Endpoint> routes,
      String token) {
    this.server = server;
    this.executor = executor;
    this.workers = workers;
    this.routes = new LinkedHashMap<>(routes);
    this.expectedAuthorization =
        token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  /** Binds and starts serving {@code routes} (path regex to endpoint, first match wins). */
  public static ApiServer start(HttpSettings settings, Map<Pattern, Endpoint> routes)
      throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 0);
    ExecutorService executor = Executors.newFixedThreadPool(DISPATCHERS, daemon("kembed-http-"));
    ThreadPoolExecutor workers =
        new ThreadPoolExecutor(
            WORKERS,
            WORKERS,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUED),
            daemon("kembed-query-"),
            new ThreadPoolExecutor.AbortPolicy());
    ApiServer api = new ApiServer(server, executor, workers, routes, settings.authToken());
    server.createContext("/", api::exchange);
    server.setExecutor(executor);
    server.start();
    log.info(
        "HTTP API listening on {}:{}{}",
        settings.bindAddress(),
        api.port(),
        settings.authToken() == null ? " (no auth token)" : "");
    return api;
  }

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Closed with the server (e.g. the broker probe behind /health/ready). */
  public void closeWith(AutoCloseable resource) {
    resources.add(resource);
  }

  /** True for the paths answered on the dispatch threads: cheap, and never behind query work. */
  static boolean light(String rawPath) {
    return rawPath.equals("/health")
        || rawPath.startsWith("/health/")
        || rawPath.equals("/metrics");
  }

  private void exchange(HttpExchange exchange) throws IOException {
    if (light(exchange.getRequestURI().getRawPath())) {
      serve(exchange);
      return;
    }
    try {
      workers.execute(
          () -> {
            try {
              serve(exchange);
            } catch (IOException e) {
              log.debug("HTTP response not written: {}", e.toString());
            }
          });
    } catch (RejectedExecutionException full) {
      write(
          exchange,
          ApiResponse.error(
                  503,
                  "busy: " + WORKERS + " requests running and " + QUEUED + " waiting; retry later")
              .withHeader("Retry-After", RETRY_AFTER_S));
    }
  }

  private void serve(HttpExchange exchange) throws IOException {
    ApiResponse response;
    try {
      response = answer(exchange);
    } catch (ApiException e) {
      response = ApiResponse.error(e.status(), e.getMessage());
    } catch (RuntimeException e) {
      log.error(
          "HTTP {} {} failed",
          exchange.getRequestMethod(),
          ApiResponse.bounded(exchange.getRequestURI().getRawPath()),
          e);
      response = ApiResponse.error(500, "internal error: " + e.getClass().getSimpleName());
    }
    write(exchange, response);
  }

  private ApiResponse answer(HttpExchange exchange) {
    // /health stays open: liveness probes of orchestrators send no credentials, and it reveals
    // only up/down and readiness, no user data.
    String rawPath = exchange.getRequestURI().getRawPath();
    boolean open = rawPath.equals("/health") || rawPath.startsWith("/health/");
    if (expectedAuthorization != null && !open) {
      String given = exchange.getRequestHeaders().getFirst("Authorization");
      byte[] bytes = given == null ? new byte[0] : given.getBytes(StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(bytes, expectedAuthorization)) {
        return ApiResponse.error(401, "missing or wrong bearer token")
            .withHeader("WWW-Authenticate", "Bearer");
      }
    }
    if (!"GET".equals(exchange.getRequestMethod())) {
      return ApiResponse.error(405, "only GET is supported").withHeader("Allow", "GET");
    }
    String path = exchange.getRequestURI().getRawPath();
    for (Map.Entry<Pattern, Endpoint> route : routes.entrySet()) {
      if (route.getKey().matcher(path).matches()) {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.isEmpty() ? "" : v.get(0)));
        return route.getValue().handle(ApiRequest.of(exchange.getRequestURI(), headers));
      }
    }
    return ApiResponse.error(404, "no such endpoint: " + path); // error() bounds what it echoes
  }

  private static void write(HttpExchange exchange, ApiResponse response) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.sendResponseHeaders(
        response.status(), response.body().length == 0 ? -1 : response.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(response.body());
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    workers.shutdownNow();
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", r, e.toString());
      }
    }
  }
}
