package dev.kembed.topology.drift;

import java.util.EnumMap;
import java.util.Map;

/**
 * Drift statistics of one model id's traffic, pure and thread-safe: a rolling centroid of content
 * vectors (exponential moving average over about {@code window} vectors) and its cosine to a
 * reference centroid (the mean of the first {@code referenceSize} vectors this process saw); the
 * share of truncated texts; text length and script mix; the share of null similarity features; the
 * distribution of user-vector norms. {@link DriftMetrics} binds the getters to metrics.
 */
public final class DriftStats {
  /** Upper bounds (exclusive, characters) of the text-length buckets; the last bucket is open. */
  public static final int[] LENGTH_BOUNDS = {32, 128, 512, 2048};

  private final int window;
  private final int referenceSize;
  private double[] centroid;
  private double[] referenceSum;
  private double[] reference;
  private long contentTexts;
  private final long[] lengthCounts = new long[LENGTH_BOUNDS.length + 1];
  private final Map<TextScript, Long> scripts = new EnumMap<>(TextScript.class);
  private long features;
  private long nullFeatures;
  private final long[] normBuckets = new long[10]; // [0,0.1), [0.1,0.2) ... [0.9,1.0]
  private long userVectors;
  private double normSum;

  public DriftStats(int window, int referenceSize) {
    if (window < 1 || referenceSize < 1) {
      throw new IllegalArgumentException("window and referenceSize must be >= 1");
    }
    this.window = window;
    this.referenceSize = referenceSize;
  }

  /** One embedded post or comment: its cleaned text and unit vector. */
  public synchronized void content(String text, float[] vector) {
    contentTexts++;
    if (centroid == null) {
      centroid = new double[vector.length];
      referenceSum = new double[vector.length];
      for (int i = 0; i < vector.length; i++) {
        centroid[i] = vector[i];
      }
    } else if (vector.length == centroid.length) {
      // Until `window` vectors are in, a plain mean; then each new vector weighs 1/window.
      double alpha = 1.0 / Math.min(contentTexts, window);
      for (int i = 0; i < vector.length; i++) {
        centroid[i] += alpha * (vector[i] - centroid[i]);
      }
    }
    if (reference == null && vector.length == referenceSum.length) {
      for (int i = 0; i < vector.length; i++) {
        referenceSum[i] += vector[i];
      }
      if (contentTexts == referenceSize) {
        reference = referenceSum.clone();
      }
    }
    int len = text.length();
    int b = 0;
    while (b < LENGTH_BOUNDS.length && len >= LENGTH_BOUNDS[b]) {
      b++;
    }
    lengthCounts[b]++;
    scripts.merge(TextScript.dominant(text), 1L, Long::sum);
  }

  /** One similarity-features row's values (null = input missing). */
  public synchronized void features(Map<String, Double> values) {
    for (Double v : values.values()) {
      features++;
      if (v == null) {
        nullFeatures++;
      }
    }
  }

  /** One emitted user vector (a weighted mean of unit vectors: norm in [0, 1]). */
  public synchronized void userVector(float[] v) {
    double n = 0;
    for (float x : v) {
      n += (double) x * x;
    }
    n = Math.sqrt(n);
    userVectors++;
    normSum += n;
    normBuckets[Math.min(normBuckets.length - 1, Math.max(0, (int) (n * 10)))]++;
  }

  /**
   * Cosine of the rolling centroid to the reference centroid; NaN until the reference is complete.
   */
  public synchronized double centroidCosine() {
    if (reference == null) {
      return Double.NaN;
    }
    double d = 0, a = 0, b = 0;
    for (int i = 0; i < reference.length; i++) {
      d += centroid[i] * reference[i];
      a += centroid[i] * centroid[i];
      b += reference[i] * reference[i];
    }
    return d / Math.sqrt(a * b);
  }

  /** Norm of the rolling centroid (1 if every text had the same vector; lower = more diverse). */
  public synchronized double centroidNorm() {
    if (centroid == null) {
      return Double.NaN;
    }
    double a = 0;
    for (double x : centroid) {
      a += x * x;
    }
    return Math.sqrt(a);
  }

  public synchronized long contentTexts() {
    return contentTexts;
  }

  /** Share of content texts in length bucket {@code bucket} (see {@link #LENGTH_BOUNDS}). */
  public synchronized double lengthShare(int bucket) {
    return contentTexts == 0 ? Double.NaN : (double) lengthCounts[bucket] / contentTexts;
  }

  public synchronized double scriptShare(TextScript script) {
    return contentTexts == 0
        ? Double.NaN
        : (double) scripts.getOrDefault(script, 0L) / contentTexts;
  }

  public synchronized double nullFeatureShare() {
    return features == 0 ? Double.NaN : (double) nullFeatures / features;
  }

  public synchronized double userNormMean() {
    return userVectors == 0 ? Double.NaN : normSum / userVectors;
  }

  /** Share of user vectors whose norm is below {@code bound} (a multiple of 0.1). */
  public synchronized double userNormShareBelow(double bound) {
    if (userVectors == 0) {
      return Double.NaN;
    }
    int buckets = (int) Math.round(bound * 10);
    long c = 0;
    for (int i = 0; i < Math.min(buckets, normBuckets.length); i++) {
      c += normBuckets[i];
    }
    return (double) c / userVectors;
  }
}
