package dev.kembed.topology.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A finished answer: status, content type and body bytes, plus any extra headers. */
public record ApiResponse(
    int status, String contentType, byte[] body, Map<String, String> headers) {
  static final String JSON = "application/json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** {@code body} (maps, lists, strings, numbers, booleans) as JSON. */
  public static ApiResponse json(int status, Object body) {
    try {
      return new ApiResponse(status, JSON, MAPPER.writeValueAsBytes(body), Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response not serialisable as JSON", e);
    }
  }

  /** Longest error message sent: requests can carry ids of any length, and none is echoed whole. */
  static final int MAX_ERROR_CHARS = 300;

  public static ApiResponse error(int status, String message) {
    return json(status, Map.of("error", bounded(message)));
  }

  /** {@code s} cut to {@link #MAX_ERROR_CHARS}, saying how long it was. */
  static String bounded(String s) {
    return s == null || s.length() <= MAX_ERROR_CHARS
        ? s
        : s.substring(0, MAX_ERROR_CHARS) + "… (" + s.length() + " chars)";
  }

  public static ApiResponse text(int status, String contentType, String body) {
    return new ApiResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  public ApiResponse withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new ApiResponse(status, contentType, body, Map.copyOf(h));
  }

  /** The JSON reader/writer the API uses, shared because it is thread-safe and costly to make. */
  static ObjectMapper mapper() {
    return MAPPER;
  }
}
