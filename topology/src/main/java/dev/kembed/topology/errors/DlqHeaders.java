package dev.kembed.topology.errors;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;

/**
 * Header names on DLQ records. The source coordinates and the error use Kafka Streams' own
 * dead-letter names (KIP-1034), so tooling built for Streams' DLQ reads kembed's too; kembed adds
 * one header, the {@link DlqReason}.
 */
public final class DlqHeaders {
  public static final String REASON = "kembed.errors.reason";
  public static final String EXCEPTION = ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_NAME;
  public static final String MESSAGE = ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME;
  public static final String STACKTRACE = ExceptionHandlerUtils.HEADER_ERRORS_STACKTRACE_NAME;
  public static final String TOPIC = ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME;
  public static final String PARTITION = ExceptionHandlerUtils.HEADER_ERRORS_PARTITION_NAME;
  public static final String OFFSET = ExceptionHandlerUtils.HEADER_ERRORS_OFFSET_NAME;

  private DlqHeaders() {}

  /** Adds kembed's and Kafka Streams' DLQ headers for a record kembed dead-letters itself. */
  public static Headers write(
      Headers h,
      DlqReason reason,
      String exceptionClass,
      String message,
      String topic,
      int partition,
      long offset) {
    h.add(REASON, utf8(reason.name()));
    h.add(EXCEPTION, utf8(exceptionClass));
    h.add(MESSAGE, utf8(message == null ? "" : message));
    h.add(TOPIC, utf8(topic == null ? "" : topic));
    h.add(PARTITION, utf8(Integer.toString(partition)));
    h.add(OFFSET, utf8(Long.toString(offset)));
    return h;
  }

  /** The text value of a header, or null. */
  public static String read(Headers h, String name) {
    var last = h.lastHeader(name);
    return last == null || last.value() == null
        ? null
        : new String(last.value(), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
