package dev.kembed.topology.drift;

import dev.kembed.inference.Embedder;
import dev.kembed.inference.TruncationStats;
import dev.kembed.topology.metrics.KembedMeters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * Binds each model id's {@link DriftStats} to Micrometer gauges in one Kafka Streams instance's
 * registry ({@link KembedMeters}): {@code kembed.drift.*} with tag {@code model_id}, exported as
 * {@code kembed_drift_*} on {@code GET /metrics}. The embed-batch processor and the sink hooks of
 * one instance find the same stats through {@link #from}; two instances in one JVM keep their own.
 * Only this thin class knows the metrics library. Healthy values are in docs/operations.md, "Drift
 * metrics".
 */
public final class DriftMetrics {
  /** Prefix of every drift meter name. */
  public static final String PREFIX = "kembed.drift.";

  static final int WINDOW = 1_000;
  static final int REFERENCE = 1_000;

  // Keyed by registry identity and weakly, so a closed instance's stats go with its registry.
  private static final Map<MeterRegistry, DriftMetrics> BY_REGISTRY =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final MeterRegistry registry;
  private final Map<String, DriftStats> byModel = new ConcurrentHashMap<>();

  private DriftMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The drift metrics of the instance whose Streams configuration this is. */
  public static DriftMetrics from(Map<String, ?> configs) {
    return of(KembedMeters.registry(configs));
  }

  /** The drift metrics bound to this registry. */
  public static DriftMetrics of(MeterRegistry registry) {
    return BY_REGISTRY.computeIfAbsent(registry, DriftMetrics::new);
  }

  /**
   * The stats of this embedder's model id, registering its gauges (with truncation share) on first
   * use.
   */
  public DriftStats stats(Embedder embedder) {
    return byModel.computeIfAbsent(embedder.model().id(), id -> register(id, embedder));
  }

  /**
   * The stats of a model id (for the user-vector and feature sinks), registering its gauges on
   * first use.
   */
  public DriftStats forModel(String modelId) {
    return byModel.computeIfAbsent(modelId, id -> register(id, null));
  }

  private DriftStats register(String modelId, Embedder embedder) {
    DriftStats s = new DriftStats(WINDOW, REFERENCE);
    Tags tags = Tags.of("model_id", modelId);
    gauge(
        "content.centroid.cosine",
        "Cosine of the rolling centroid of content vectors (last ~1000) to the centroid of the"
            + " first 1000 this process embedded; NaN until 1000",
        tags,
        s::centroidCosine);
    gauge(
        "content.centroid.norm",
        "Norm of the rolling content centroid: lower means more diverse content",
        tags,
        s::centroidNorm);
    gauge(
        "content.texts",
        "Posts and comments embedded by this process",
        tags,
        () -> s.contentTexts());
    int lower = 0;
    for (int b = 0; b <= DriftStats.LENGTH_BOUNDS.length; b++) {
      int bucket = b;
      String range =
          b < DriftStats.LENGTH_BOUNDS.length
              ? lower + "-" + (DriftStats.LENGTH_BOUNDS[b] - 1)
              : lower + "+";
      gauge(
          "text.length.share",
          "Share of content texts with this many characters (cleaned)",
          tags.and("chars", range),
          () -> s.lengthShare(bucket));
      lower = b < DriftStats.LENGTH_BOUNDS.length ? DriftStats.LENGTH_BOUNDS[b] : lower;
    }
    for (TextScript script : TextScript.values()) {
      gauge(
          "text.script.share",
          "Share of content texts whose letters are mostly of this script",
          tags.and("script", script.name().toLowerCase(Locale.ROOT)),
          () -> s.scriptShare(script));
    }
    gauge(
        "null.feature.share",
        "Share of similarity-feature values that are null (an input missing)",
        tags,
        s::nullFeatureShare);
    gauge(
        "user.vector.norm.mean",
        "Mean norm of emitted user vectors (1 = all engagement on one direction)",
        tags,
        s::userNormMean);
    gauge(
        "user.vector.norm.below.share",
        "Share of emitted user vectors with norm below the bound (low = diffuse interests)",
        tags.and("below", "0.3"),
        () -> s.userNormShareBelow(0.3));
    gauge(
        "user.vector.norm.below.share",
        "Share of emitted user vectors with norm below the bound (low = diffuse interests)",
        tags.and("below", "0.6"),
        () -> s.userNormShareBelow(0.6));
    if (embedder instanceof TruncationStats t) {
      gauge(
          "truncated.text.share",
          "Share of texts embedded by this process that reached max tokens (truncated)",
          tags,
          () ->
              t.textsTokenized() == 0
                  ? Double.NaN
                  : (double) t.textsTruncated() / t.textsTokenized());
    }
    return s;
  }

  private void gauge(String name, String doc, Tags tags, DoubleSupplier value) {
    // Micrometer holds a gauge's state object weakly; the lambda has no other reference.
    Gauge.builder(PREFIX + name, value, DoubleSupplier::getAsDouble)
        .description(doc)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }
}
