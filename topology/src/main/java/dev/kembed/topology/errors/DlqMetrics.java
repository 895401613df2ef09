package dev.kembed.topology.errors;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.utils.Time;

/**
 * Counts dead-lettered records by reason, process-wide, as the JMX metric {@code
 * kembed:type=kembed-dlq,reason=...} attribute {@code dlq-records-total}. Kafka's exception
 * handlers are created by Streams without access to its metrics registry, so this one registry is
 * shared by the handlers and by processors that dead-letter records themselves.
 */
public final class DlqMetrics {
  public static final String GROUP = "kembed-dlq";
  private static final Metrics METRICS =
      new Metrics(new MetricConfig(), List.of(new JmxReporter()), Time.SYSTEM, new KafkaMetricsContext("kembed"));
  private static final Map<DlqReason, LongAdder> COUNTS = new ConcurrentHashMap<>();
  private static final Map<DlqReason, LongAdder> DROPPED = new ConcurrentHashMap<>();

  private DlqMetrics() {}

  public static void record(DlqReason reason) {
    counter(COUNTS, "dlq-records-total", "Records sent to the dead-letter topic", reason).increment();
  }

  /**
   * Counts a record dropped on purpose rather than dead-lettered (metric {@code
   * dropped-records-total}): an interaction of an unknown type, a comment whose post never came,
   * an interaction on a deleted post. The README lists which reasons are dropped.
   */
  public static void dropped(DlqReason reason) {
    counter(DROPPED, "dropped-records-total", "Records counted and dropped", reason).increment();
  }

  // One JMX-visible counter per (metric, reason), registered on first use.
  private static LongAdder counter(Map<DlqReason, LongAdder> counters, String metric, String description, DlqReason reason) {
    return counters.computeIfAbsent(
        reason,
        r -> {
          LongAdder adder = new LongAdder();
          MetricName name = METRICS.metricName(metric, GROUP, description, Map.of("reason", r.name()));
          METRICS.addMetric(name, (config, now) -> adder.doubleValue());
          return adder;
        });
  }

  /** Records dropped for this reason since the JVM started. */
  public static long droppedCount(DlqReason reason) {
    LongAdder a = DROPPED.get(reason);
    return a == null ? 0 : a.sum();
  }

  /** Records dead-lettered for this reason since the JVM started. */
  public static long count(DlqReason reason) {
    LongAdder a = COUNTS.get(reason);
    return a == null ? 0 : a.sum();
  }

  /** The shared registry, for exporters (e.g. a Prometheus endpoint). */
  public static Metrics registry() {
    return METRICS;
  }
}
