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
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK {@link HttpServer} behind the API: routes GET requests to {@link Endpoint}s by path
 * pattern, checks the bearer token when one is configured (constant-time, 401 otherwise), and
 * turns {@link ApiException}s into JSON errors. Requests run on a small pool of daemon threads so
 * a slow forwarded lookup does not hold up health checks.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  private static final int THREADS = 4;

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<Pattern, Endpoint> routes;
  private final byte[] expectedAuthorization;

  private ApiServer(HttpServer server, ExecutorService executor, Map<Pattern, Endpoint> routes, String token) {
    this.server = server;
    this.executor = executor;
    this.routes = new LinkedHashMap<>(routes);
    this.expectedAuthorization = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  /** Binds and starts serving {@code routes} (path regex to endpoint, first match wins). */
  public static ApiServer start(HttpSettings settings, Map<Pattern, Endpoint> routes) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 0);
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "kembed-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    ApiServer api = new ApiServer(server, executor, routes, settings.authToken());
    server.createContext("/", api::exchange);
    server.setExecutor(executor);
    server.start();
    log.info("HTTP API listening on {}:{}{}", settings.bindAddress(), api.port(), settings.authToken() == null ? " (no auth token)" : "");
    return api;
  }

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private void exchange(HttpExchange exchange) throws IOException {
    ApiResponse response;
    try {
      response = answer(exchange);
    } catch (ApiException e) {
      response = ApiResponse.error(e.status(), e.getMessage());
    } catch (RuntimeException e) {
      log.error("HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      response = ApiResponse.error(500, "internal error: " + e.getClass().getSimpleName());
    }
    write(exchange, response);
  }

  private ApiResponse answer(HttpExchange exchange) {
    // /health stays open: liveness probes of orchestrators send no credentials, and it reveals
    // only up/down and readiness, no user data.
    boolean open = "/health".equals(exchange.getRequestURI().getRawPath());
    if (expectedAuthorization != null && !open) {
      String given = exchange.getRequestHeaders().getFirst("Authorization");
      byte[] bytes = given == null ? new byte[0] : given.getBytes(StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(bytes, expectedAuthorization)) {
        return ApiResponse.error(401, "missing or wrong bearer token").withHeader("WWW-Authenticate", "Bearer");
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
    return ApiResponse.error(404, "no such endpoint: " + path);
  }

  private static void write(HttpExchange exchange, ApiResponse response) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(response.body());
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
