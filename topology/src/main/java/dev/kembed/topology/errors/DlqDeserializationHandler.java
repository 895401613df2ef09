package dev.kembed.topology.errors;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Undecodable input: Kafka Streams' own log-and-continue handler (which logs topic, partition and
 * offset and, with {@code errors.dead.letter.queue.topic.name} set, builds the DLQ record with the
 * raw bytes and KIP-1034 headers), plus kembed's reason header and metric.
 */
public class DlqDeserializationHandler extends LogAndContinueExceptionHandler {
  private DlqMetrics metrics = DlqMetrics.from(Map.of());

  @Override
  public void configure(Map<String, ?> configs) {
    super.configure(configs);
    metrics = DlqMetrics.from(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    Response response = super.handleError(context, record, exception);
    DlqReason reason = DlqReason.UNDECODABLE;

    response.deadLetterQueueRecords().forEach(r -> r.headers().add(DlqHeaders.REASON, reason.name().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    metrics.record(reason);
    return response;
  }
}
