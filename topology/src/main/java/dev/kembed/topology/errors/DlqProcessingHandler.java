package dev.kembed.topology.errors;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record a processor rejected: Kafka Streams' log-and-continue processing handler (the DLQ record
 * carries the raw source bytes and KIP-1034 headers), finished by {@link DlqRecords} (reason
 * header, the original input's coordinates when the failure came after a repartition, a size that
 * always fits), plus kembed's metric. A {@link BadInputException} names its reason; anything else
 * is a PROCESSING_ERROR, still dead-lettered rather than stopping the app, because one record must
 * never halt the pipeline. A failure with no input record behind it (in a punctuation) has nothing
 * to dead-letter: it is logged and counted in {@code dropped-records-total}.
 */
public class DlqProcessingHandler extends LogAndContinueProcessingExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(DlqProcessingHandler.class);
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
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    DlqReason reason =
        exception instanceof BadInputException b ? b.reason() : DlqReason.PROCESSING_ERROR;
    if (context.topic() == null) {
      log.error(
          "{} in task {} node {} outside any input record (a punctuation); nothing to dead-letter",
          reason,
          context.taskId(),
          context.processorNodeId(),
          exception);
      metrics.dropped(reason);
      return Response.resume();
    }
    Response response = super.handleError(context, record, exception);
    metrics.record(reason);
    return Response.resume(
        response.deadLetterQueueRecords().stream()
            .map(r -> records.finish(r, context, reason))
            .toList());
  }
}
