package dev.kembed.topology.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Writes Kafka metrics in the Prometheus text exposition format (version 0.0.4). A metric
 * {@code (group, name, tags)} becomes the family {@code <prefix><group>_<name>} (characters
 * outside {@code [a-zA-Z0-9_]} turned into underscores) with the tags as labels; names ending in
 * {@code -total} are counters, the rest gauges. Non-numeric metrics (e.g. version strings) are
 * left out. Families are sorted so the output is stable.
 */
final class PrometheusText {
  private final Map<String, Family> families = new TreeMap<>();

  private record Sample(String labels, double value) {}

  private static final class Family {
    final String help;
    final String type;
    final List<Sample> samples = new ArrayList<>();

    Family(String help, String type) {
      this.help = help;
      this.type = type;
    }
  }

  /** Adds every numeric metric of {@code metrics}, family names prefixed with {@code prefix}. */
  PrometheusText add(String prefix, Map<MetricName, ? extends Metric> metrics) {
    metrics.forEach((name, metric) -> {
      Object value;
      try {
        value = metric.metricValue();
      } catch (RuntimeException e) {
        return; // a gauge whose source went away while we read it
      }
      if (value instanceof Number n) {
        String family = sanitize(prefix + name.group() + "_" + name.name());
        String type = name.name().endsWith("-total") ? "counter" : "gauge";
        families.computeIfAbsent(family, f -> new Family(name.description(), type))
            .samples.add(new Sample(labels(name.tags()), n.doubleValue()));
      }
    });
    return this;
  }

  /** Adds one sample of a gauge family of kembed's own. */
  PrometheusText gauge(String family, String help, Map<String, String> tags, double value) {
    families.computeIfAbsent(sanitize(family), f -> new Family(help, "gauge")).samples.add(new Sample(labels(tags), value));
    return this;
  }

  String render() {
    StringBuilder out = new StringBuilder();
    families.forEach((name, f) -> {
      if (f.help != null && !f.help.isEmpty()) {
        out.append("# HELP ").append(name).append(' ').append(f.help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
      }
      out.append("# TYPE ").append(name).append(' ').append(f.type).append('\n');
      for (Sample s : f.samples) {
        out.append(name).append(s.labels()).append(' ').append(number(s.value())).append('\n');
      }
    });
    return out.toString();
  }

  private static String labels(Map<String, String> tags) {
    if (tags.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("{");
    new TreeMap<>(tags).forEach((k, v) -> {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append(sanitize(k)).append("=\"").append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
    });
    return b.append('}').toString();
  }

  static String sanitize(String name) {
    String s = name.replaceAll("[^a-zA-Z0-9_]", "_");
    return Character.isDigit(s.charAt(0)) ? "_" + s : s;
  }

  private static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%d", (long) v) : Double.toString(v);
  }
}
