package dev.kembed.topology.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** Ordered JSON objects from alternating keys and values, so response shapes read at a glance. */
final class Json {
  private Json() {}

  static Map<String, Object> object(Object... keysAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return out;
  }
}
