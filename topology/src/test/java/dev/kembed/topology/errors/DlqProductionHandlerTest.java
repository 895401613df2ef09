package dev.kembed.topology.errors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.topology.metrics.KembedMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/** Issue 10, defect 4: a dead letter the broker refuses is never dead-lettered again. */
class DlqProductionHandlerTest {
  private static final byte[] INPUT = "the post as received".getBytes(StandardCharsets.UTF_8);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private double counted(String meter, DlqReason reason) {
    var c = registry.find(meter).tag("reason", reason.name()).counter();
    return c == null ? 0 : c.count();
  }

  private DlqProductionHandler handler() {
    DlqProductionHandler h = new DlqProductionHandler();
    h.configure(
        Map.of(
            "errors.dead.letter.queue.topic.name",
            "kembed-dlq",
            KembedMeters.REGISTRY_CONFIG,
            registry));
    return h;
  }

  @Test
  void aRefusedDeadLetterIsCountedAndSkippedNeverDeadLetteredAgain() {
    double before = counted("kembed.dropped.records", DlqReason.DLQ_WRITE_FAILED);
    var response =
        handler()
            .handleError(
                context(),
                new ProducerRecord<>("kembed-dlq", new byte[] {1}, new byte[2_000_000]),
                new RecordTooLargeException("too large"));
    assertEquals(Result.RESUME, response.result());
    assertEquals(List.of(), response.deadLetterQueueRecords(), "no dead letter of a dead letter");
    assertEquals(before + 1, counted("kembed.dropped.records", DlqReason.DLQ_WRITE_FAILED));
  }

  @Test
  void anOutputTooLargeToSendCostsOnlyItsInputWhichIsDeadLetteredAsReceived() {
    double before = counted("kembed.dlq.records", DlqReason.PROCESSING_ERROR);
    var response =
        handler()
            .handleError(
                context(),
                new ProducerRecord<>("content-embeddings", new byte[] {1}, new byte[2_000_000]),
                new RecordTooLargeException("too large"));
    assertEquals(Result.RESUME, response.result());
    assertEquals(1, response.deadLetterQueueRecords().size());
    ProducerRecord<byte[], byte[]> dlq = response.deadLetterQueueRecords().get(0);
    assertEquals("kembed-dlq", dlq.topic());
    assertArrayEquals(INPUT, dlq.value());
    assertEquals("p1", new String(dlq.key(), StandardCharsets.UTF_8));
    assertEquals("PROCESSING_ERROR", DlqHeaders.read(dlq.headers(), DlqHeaders.REASON));
    assertEquals("posts", DlqHeaders.read(dlq.headers(), DlqHeaders.TOPIC));
    assertEquals("41", DlqHeaders.read(dlq.headers(), DlqHeaders.OFFSET));
    assertEquals(before + 1, counted("kembed.dlq.records", DlqReason.PROCESSING_ERROR));
  }

  @Test
  void otherSendFailuresKeepKafkaStreamsDefault() {
    var response =
        handler()
            .handleError(
                context(),
                new ProducerRecord<>("content-embeddings", new byte[] {1}, new byte[] {2}),
                new TimeoutException("broker away"));
    assertTrue(
        response.result() != Result.RESUME,
        "a timeout is not the input's fault: " + response.result());
  }

  private static ErrorHandlerContext context() {
    Headers headers = new RecordHeaders();
    return new ErrorHandlerContext() {
      public String topic() {
        return "posts";
      }

      public int partition() {
        return 2;
      }

      public long offset() {
        return 41;
      }

      public Headers headers() {
        return headers;
      }

      public String processorNodeId() {
        return "content-embeddings";
      }

      public TaskId taskId() {
        return new TaskId(0, 2);
      }

      public long timestamp() {
        return 1_700_000_000_000L;
      }

      public byte[] sourceRawKey() {
        return "p1".getBytes(StandardCharsets.UTF_8);
      }

      public byte[] sourceRawValue() {
        return INPUT;
      }
    };
  }
}
