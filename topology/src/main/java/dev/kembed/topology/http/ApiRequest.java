package dev.kembed.topology.http;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A GET request as the endpoints see it: the raw (still percent-encoded) path, so that an id
 * holding an encoded '/' stays one path segment, the decoded query parameters (first value of each
 * name wins) and the headers the API cares about, with helpers that turn missing or malformed
 * parameters into 400 answers.
 */
public record ApiRequest(String path, Map<String, String> params, Map<String, String> headers) {

  /** Header set on a request one instance forwards to another, so it is never forwarded twice. */
  public static final String FORWARDED_HEADER = "X-Kembed-Forwarded";

  static ApiRequest of(URI uri, Map<String, String> headers) {
    Map<String, String> params = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        params.putIfAbsent(name, value);
      }
    }
    Map<String, String> lower = new LinkedHashMap<>();
    headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    return new ApiRequest(uri.getRawPath(), params, lower);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "malformed %-escape in the query string");
    }
  }

  /** Decodes one raw path segment: %XX escapes only ('+' is a plus sign in a path, not a space). */
  static String decodeSegment(String raw) {
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "malformed %-escape in the path");
    }
  }

  /** The header's value, or null; {@code name} is case-insensitive. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** A parameter that must be present and not blank. */
  public String required(String name) {
    String v = params.get(name);
    if (v == null || v.isBlank()) {
      throw new ApiException(400, "missing query parameter '" + name + "'");
    }
    return v;
  }

  /** An integer parameter in {@code [min, max]}, or {@code fallback} when absent. */
  public int intParam(String name, int fallback, int min, int max) {
    String v = params.get(name);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    int n;
    try {
      n = Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new ApiException(
          400,
          "query parameter '"
              + name
              + "' must be an integer, was '"
              + ApiResponse.bounded(v)
              + "'");
    }
    if (n < min || n > max) {
      throw new ApiException(
          400, "query parameter '" + name + "' must be in [" + min + ", " + max + "], was " + n);
    }
    return n;
  }
}
