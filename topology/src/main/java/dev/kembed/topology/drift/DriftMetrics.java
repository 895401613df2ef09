package dev.kembed.topology.drift;

import dev.kembed.inference.Embedder;
import dev.kembed.inference.TruncationStats;
import dev.kembed.topology.errors.DlqMetrics;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;

/**
 * Binds each model id's {@link DriftStats} to gauges in kembed's process-wide registry (group
 * {@value #GROUP}, tag {@code model_id}; exported on JMX and {@code GET /metrics}). Only this thin
 * class knows the metrics library, so moving to another registry touches nothing else. Healthy
 * values are in docs/operations.md, "Drift metrics".
 */
public final class DriftMetrics {
  public static final String GROUP = "kembed-drift";
  static final int WINDOW = 1_000;
  static final int REFERENCE = 1_000;

  private static final Map<String, DriftStats> BY_MODEL = new ConcurrentHashMap<>();

  private DriftMetrics() {}

  /** The stats of this embedder's model id, registering its gauges on first use. */
  public static DriftStats of(Embedder embedder) {
    return BY_MODEL.computeIfAbsent(embedder.model().id(), id -> register(id, embedder, DlqMetrics.registry()));
  }

  /** The stats of a model id if some embedder registered them (for the user-vector and feature sinks). */
  public static DriftStats forModel(String modelId) {
    return BY_MODEL.computeIfAbsent(modelId, id -> register(id, null, DlqMetrics.registry()));
  }

  static DriftStats register(String modelId, Embedder embedder, Metrics registry) {
    DriftStats s = new DriftStats(WINDOW, REFERENCE);
    Map<String, String> tags = Map.of("model_id", modelId);
    gauge(registry, "content-centroid-cosine", "Cosine of the rolling centroid of content vectors (last ~1000) to the centroid of the first 1000 this process embedded; NaN until 1000", tags, s::centroidCosine);
    gauge(registry, "content-centroid-norm", "Norm of the rolling content centroid: lower means more diverse content", tags, s::centroidNorm);
    gauge(registry, "content-texts-total", "Posts and comments embedded by this process", tags, () -> s.contentTexts());
    int lower = 0;
    for (int b = 0; b <= DriftStats.LENGTH_BOUNDS.length; b++) {
      int bucket = b;
      String range = b < DriftStats.LENGTH_BOUNDS.length ? lower + "-" + (DriftStats.LENGTH_BOUNDS[b] - 1) : lower + "+";
      gauge(registry, "text-length-share", "Share of content texts with this many characters (cleaned)", Map.of("model_id", modelId, "chars", range), () -> s.lengthShare(bucket));
      lower = b < DriftStats.LENGTH_BOUNDS.length ? DriftStats.LENGTH_BOUNDS[b] : lower;
    }
    for (TextScript script : TextScript.values()) {
      gauge(registry, "text-script-share", "Share of content texts whose letters are mostly of this script", Map.of("model_id", modelId, "script", script.name().toLowerCase(Locale.ROOT)), () -> s.scriptShare(script));
    }
    gauge(registry, "null-feature-share", "Share of similarity-feature values that are null (an input missing)", tags, s::nullFeatureShare);
    gauge(registry, "user-vector-norm-avg", "Mean norm of emitted user vectors (1 = all engagement on one direction)", tags, s::userNormMean);
    gauge(registry, "user-vector-norm-below-0.3-share", "Share of emitted user vectors with norm < 0.3 (very diffuse interests)", tags, () -> s.userNormShareBelow(0.3));
    gauge(registry, "user-vector-norm-below-0.6-share", "Share of emitted user vectors with norm < 0.6", tags, () -> s.userNormShareBelow(0.6));
    if (embedder instanceof TruncationStats t) {
      gauge(registry, "truncated-text-share", "Share of texts embedded by this process that reached max tokens (truncated)", tags,
          () -> t.textsTokenized() == 0 ? Double.NaN : (double) t.textsTruncated() / t.textsTokenized());
    }
    return s;
  }

  private static void gauge(Metrics registry, String name, String doc, Map<String, String> tags, DoubleSupplier value) {
    MetricName n = registry.metricName(name, GROUP, doc, tags);
    if (registry.metric(n) == null) {
      registry.addMetric(n, (config, now) -> value.getAsDouble());
    }
  }
}
