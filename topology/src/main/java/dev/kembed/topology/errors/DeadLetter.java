package dev.kembed.topology.errors;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record a processor dead-letters itself (a join that timed out, a late event, a model failure on
 * one text): key and value bytes as the source topic had them. The DLQ headers ride on the Kafka
 * record that carries it; build them with {@link #headers}, which also counts the record, so no
 * processor can dead-letter without the metric.
 */
public record DeadLetter(byte[] key, byte[] value) {

  /** Counts one dead letter for {@code reason} in {@code metrics} and returns its DLQ headers. */
  public static Headers headers(
      DlqMetrics metrics,
      DlqReason reason,
      String exceptionClass,
      String message,
      String topic,
      int partition,
      long offset) {
    metrics.record(reason);
    return DlqHeaders.write(
        new RecordHeaders(), reason, exceptionClass, message, topic, partition, offset);
  }
}
