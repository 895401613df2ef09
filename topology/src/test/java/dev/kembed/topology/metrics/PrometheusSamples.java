package dev.kembed.topology.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a Prometheus text scrape into {@code name{labels}} → value, written independently of the
 * exporter so that tests check what a scraper would see.
 */
public final class PrometheusSamples {
  private PrometheusSamples() {}

  public static Map<String, Double> parse(String scrape) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String value = line.substring(space + 1);
      out.put(
          line.substring(0, space),
          switch (value) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(value);
          });
    }
    return out;
  }
}
