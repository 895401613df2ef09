package dev.kembed.topology.errors;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Undecodable input: Kafka Streams' own log-and-continue handler (which logs topic, partition and
 * offset and, with {@code errors.dead.letter.queue.topic.name} set, builds the DLQ record with the
 * raw bytes and KIP-1034 headers), finished by {@link DlqRecords} (reason header, bounded size: a
 * 10 MB value that fits no produce request is truncated, with a header saying so), plus kembed's
 * metric.
 */
public class DlqDeserializationHandler extends LogAndContinueExceptionHandler {
  private DlqRecords records = new DlqRecords(1_048_576);
  private DlqMetrics metrics = DlqMetrics.from(Map.of());

  @Override
  public void configure(Map<String, ?> configs) {
    super.configure(configs);
    records = DlqRecords.from(configs);
    metrics = DlqMetrics.from(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    Response response = super.handleError(context, record, exception);
    DlqReason reason = DlqReason.UNDECODABLE;
    metrics.record(reason);
    return Response.resume(
        response.deadLetterQueueRecords().stream()
            .map(r -> records.finish(r, context, reason))
            .toList());
  }
}
