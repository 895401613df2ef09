package dev.kembed.topology.errors;

import dev.kembed.topology.metrics.KembedMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;

/**
 * Counts rejected records by reason in the instance's registry: {@code
 * kembed_dlq_records_total{reason}} for records sent to the dead-letter topic, {@code
 * kembed_dropped_records_total{reason}} for records counted and dropped on purpose (the README
 * lists which reasons are dropped). Exception handlers and processors each hold one, made from the
 * Streams configuration ({@link #from}), so the counts belong to one Kafka Streams instance.
 */
public final class DlqMetrics {
  private final MeterRegistry registry;

  public DlqMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The metrics of the instance whose Streams configuration this is. */
  public static DlqMetrics from(Map<String, ?> configs) {
    return new DlqMetrics(KembedMeters.registry(configs));
  }

  public void record(DlqReason reason) {
    Counter.builder("kembed.dlq.records")
        .description("Records sent to the dead-letter topic")
        .tag("reason", reason.name())
        .register(registry)
        .increment();
  }

  /**
   * Counts a record dropped on purpose rather than dead-lettered: an interaction of an unknown
   * type, an interaction or comment on a deleted post.
   */
  public void dropped(DlqReason reason) {
    Counter.builder("kembed.dropped.records")
        .description("Records counted and dropped")
        .tag("reason", reason.name())
        .register(registry)
        .increment();
  }
}
