package dev.kembed.topology.errors;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A record a processor rejected: Kafka Streams' log-and-continue processing handler (the DLQ
 * record carries the raw source bytes and KIP-1034 headers), plus kembed's reason header and
 * metric. A {@link BadInputException} names its reason; anything else is a PROCESSING_ERROR, still
 * dead-lettered rather than stopping the app, because one record must never halt the pipeline.
 */
public class DlqProcessingHandler extends LogAndContinueProcessingExceptionHandler {
  private DlqMetrics metrics = DlqMetrics.from(Map.of());

  @Override
  public void configure(Map<String, ?> configs) {
    super.configure(configs);
    metrics = DlqMetrics.from(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    Response response = super.handleError(context, record, exception);
    DlqReason reason = exception instanceof BadInputException b ? b.reason() : DlqReason.PROCESSING_ERROR;
    response.deadLetterQueueRecords().forEach(r -> r.headers().add(DlqHeaders.REASON, reason.name().getBytes(StandardCharsets.UTF_8)));
    metrics.record(reason);
    return response;
  }
}
