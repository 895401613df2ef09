package dev.kembed.topology.http;

import dev.kembed.state.window.WindowVector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /users/{id}/vectors}: every kind and window of a user's vectors for the running model,
 * as the {@code user-vectors} topic would carry them (unit mean direction, total weight, event
 * count, as-of). When another instance owns the user, the request is proxied to it (with the same
 * Authorization header and a marker header so it is never forwarded twice) and its answer returned
 * unchanged; a client therefore may ask any instance.
 */
final class UserVectorsEndpoint implements Endpoint {
  static final Pattern PATH = Pattern.compile("/users/([^/]+)/vectors");
  private static final Duration PROXY_TIMEOUT = Duration.ofSeconds(10);

  private final UserVectorSource source;
  private final HttpClient client;

  UserVectorsEndpoint(UserVectorSource source, HttpClient client) {
    this.source = source;
    this.client = client;
  }

  @Override
  public ApiResponse handle(ApiRequest request) {
    Matcher m = PATH.matcher(request.path());
    if (!m.matches()) {
      throw new ApiException(404, "no such endpoint: " + request.path());
    }
    String user = ApiRequest.decodeSegment(m.group(1));
    UserVectorSource.Lookup found = source.find(user);
    if (found instanceof UserVectorSource.Found f) {
      return ApiResponse.json(200, body(user, f));
    }
    if (found instanceof UserVectorSource.Elsewhere e) {
      return forward(request, e);
    }
    if (found instanceof UserVectorSource.Unavailable u) {
      return ApiResponse.error(503, u.reason()).withHeader("Retry-After", "1");
    }
    throw new ApiException(404, "unknown user '" + user + "'");
  }

  private ApiResponse forward(ApiRequest request, UserVectorSource.Elsewhere owner) {
    if (request.header(ApiRequest.FORWARDED_HEADER) != null) {
      // The instance that sent this thought we owned the user: ownership is moving. Let the
      // client retry rather than bounce the request between instances.
      return ApiResponse.error(503, "ownership of this user is moving between instances")
          .withHeader("Retry-After", "1");
    }
    URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + request.path());
    HttpRequest.Builder out =
        HttpRequest.newBuilder(uri)
            .timeout(PROXY_TIMEOUT)
            .header(ApiRequest.FORWARDED_HEADER, "1")
            .GET();
    String auth = request.header("Authorization");
    if (auth != null) {
      out.header("Authorization", auth);
    }
    try {
      HttpResponse<byte[]> r = client.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
      String type = r.headers().firstValue("Content-Type").orElse(ApiResponse.JSON);
      ApiResponse answer =
          new ApiResponse(
              r.statusCode(),
              type,
              r.body(),
              Map.of("X-Kembed-Served-By", owner.host() + ":" + owner.port()));
      // The owner's own 503 carries a retry hint the client needs too.
      return r.headers()
          .firstValue("Retry-After")
          .map(v -> answer.withHeader("Retry-After", v))
          .orElse(answer);
    } catch (java.io.IOException e) {
      return ApiResponse.error(
          502, "owner " + owner.host() + ":" + owner.port() + " did not answer: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ApiResponse.error(
          503, "interrupted while asking " + owner.host() + ":" + owner.port());
    }
  }

  private static Map<String, Object> body(String user, UserVectorSource.Found f) {
    List<Map<String, Object>> vectors = new ArrayList<>();
    f.windowsByKind()
        .forEach(
            (kind, windows) -> {
              for (WindowVector w : windows) {
                float[] unit = w.normalized();
                vectors.add(
                    Json.object(
                        "kind",
                        kind,
                        "window",
                        w.window(),
                        "vector",
                        unit,
                        "total_weight",
                        w.totalWeight(),
                        "event_count",
                        w.count(),
                        "as_of",
                        w.asOf() == Long.MIN_VALUE
                            ? null
                            : Instant.ofEpochMilli(w.asOf()).toString()));
              }
            });
    return Json.object("user_id", user, "model_id", f.modelId(), "vectors", vectors);
  }
}
