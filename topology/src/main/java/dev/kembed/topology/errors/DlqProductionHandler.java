package dev.kembed.topology.errors;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Send failures. A dead-letter record the broker refuses is logged with its coordinates, counted
 * ({@code dropped-records-total{reason=DLQ_WRITE_FAILED}}) and skipped: it is never dead-lettered
 * again, so the DLQ path cannot recurse. An output too large to send, or one that fails to
 * serialise, costs only its input record: that is dead-lettered as received (PROCESSING_ERROR) and
 * processing resumes. Every other failure (fencing, timeouts) keeps Kafka Streams' default
 * handling, since skipping it could lose good records.
 */
public class DlqProductionHandler extends DefaultProductionExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(DlqProductionHandler.class);
  private DlqRecords records = new DlqRecords(1_048_576);
  private DlqMetrics metrics = DlqMetrics.from(Map.of());
  private String dlqTopic;

  @Override
  public void configure(Map<String, ?> configs) {
    super.configure(configs);
    records = DlqRecords.from(configs);
    metrics = DlqMetrics.from(configs);
    Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    dlqTopic = topic == null ? null : topic.toString();
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (record != null && record.topic().equals(dlqTopic)) {
      log.error(
          "the broker refused a dead-letter record (input {}-{}@{}, reason {}): {}; skipped, not"
              + " dead-lettered again",
          DlqHeaders.read(record.headers(), DlqHeaders.TOPIC),
          DlqHeaders.read(record.headers(), DlqHeaders.PARTITION),
          DlqHeaders.read(record.headers(), DlqHeaders.OFFSET),
          DlqHeaders.read(record.headers(), DlqHeaders.REASON),
          exception.toString());
      metrics.dropped(DlqReason.DLQ_WRITE_FAILED);
      return Response.resume();
    }
    if (exception instanceof RecordTooLargeException) {
      return deadLetterInput(context, record, exception);
    }
    return super.handleError(context, record, exception);
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    return deadLetterInput(context, record, exception);
  }

  private Response deadLetterInput(
      ErrorHandlerContext context, ProducerRecord<?, ?> output, Exception exception) {
    String to = output == null ? "?" : output.topic();
    if (dlqTopic == null || context == null || context.topic() == null) {
      log.error(
          "an output to {} failed ({}) with no input record to dead-letter; skipped",
          to,
          exception.toString());
      metrics.dropped(DlqReason.PROCESSING_ERROR);
      return Response.resume();
    }
    log.error(
        "an output to {} failed for input {}-{}@{}: {}; the input goes to the DLQ",
        to,
        context.topic(),
        context.partition(),
        context.offset(),
        exception.toString());
    metrics.record(DlqReason.PROCESSING_ERROR);
    List<ProducerRecord<byte[], byte[]>> dlq =
        ExceptionHandlerUtils.maybeBuildDeadLetterQueueRecords(
            dlqTopic, context.sourceRawKey(), context.sourceRawValue(), context, exception);
    return Response.resume(
        dlq.stream().map(r -> records.finish(r, context, DlqReason.PROCESSING_ERROR)).toList());
  }
}
