package dev.kembed.topology.errors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.junit.jupiter.api.Test;

/** Dead-letter records as kembed finishes them: sized to fit, naming the input as received. */
class DlqRecordsTest {
  private static final int ONE_MIB = 1_048_576;
  private final DlqRecords records = new DlqRecords(ONE_MIB);

  @Test
  void aTenMegabyteCopyIsCutToFitTheRequestSizeAndSaysSo() {
    byte[] value = new byte[10 << 20];
    Arrays.fill(value, (byte) 'v');
    Headers h = new RecordHeaders();
    DlqHeaders.write(h, DlqReason.UNDECODABLE, "X", "m".repeat(50_000), "posts", 2, 77);
    h.add(DlqHeaders.STACKTRACE, "s".repeat(40_000).getBytes(StandardCharsets.UTF_8));
    ProducerRecord<byte[], byte[]> fitted =
        records.fit(
            new ProducerRecord<>("dlq", null, 5L, "k".getBytes(StandardCharsets.UTF_8), value, h));

    long bytes = fitted.key().length + fitted.value().length;
    for (Header x : fitted.headers()) {
      bytes += x.key().length() + x.value().length;
    }
    assertTrue(bytes < ONE_MIB, "record content " + bytes + " bytes");
    assertTrue(
        fitted.value().length > 900_000, "most of the value is kept: " + fitted.value().length);
    assertArrayEquals(
        Arrays.copyOf(value, fitted.value().length), fitted.value(), "a prefix of the input");
    assertEquals(
        "value 10485760 -> " + fitted.value().length,
        DlqHeaders.read(fitted.headers(), DlqRecords.TRUNCATED));
    assertEquals(1024, fitted.headers().lastHeader(DlqHeaders.MESSAGE).value().length);
    assertEquals(8192, fitted.headers().lastHeader(DlqHeaders.STACKTRACE).value().length);
    assertEquals("posts", DlqHeaders.read(fitted.headers(), DlqHeaders.TOPIC));
    assertEquals("77", DlqHeaders.read(fitted.headers(), DlqHeaders.OFFSET));
  }

  @Test
  void aRecordThatFitsIsLeftAlone() {
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("dlq", new byte[] {1}, new byte[1000]);
    assertSame(r, records.fit(r));
  }

  @Test
  void aFailureAfterARepartitionNamesTheInputNotTheInternalTopic() {
    Headers travelling = new RecordHeaders();
    SourceHeaders.stamp(travelling, Optional.of(meta("search-queries", 1, 42)), "user-7");
    byte[] event = {(byte) 0xC3, 0x01, 9, 9};
    ProducerRecord<byte[], byte[]> built =
        streamsBuilt("how to compost", event, "kembed-searches-by-query-repartition");

    ProducerRecord<byte[], byte[]> out =
        records.finish(
            built,
            context("kembed-searches-by-query-repartition", travelling),
            DlqReason.PROCESSING_ERROR);
    assertEquals("search-queries", DlqHeaders.read(out.headers(), DlqHeaders.TOPIC));
    assertEquals("1", DlqHeaders.read(out.headers(), DlqHeaders.PARTITION));
    assertEquals("42", DlqHeaders.read(out.headers(), DlqHeaders.OFFSET));
    assertEquals(
        "user-7", new String(out.key(), StandardCharsets.UTF_8), "the input's key, not the query");
    assertArrayEquals(event, out.value(), "this topic carries the input event itself");
    assertEquals("PROCESSING_ERROR", DlqHeaders.read(out.headers(), DlqHeaders.REASON));
    assertEquals(1, count(out.headers(), DlqHeaders.TOPIC), "one source topic header");
    assertEquals(
        "kembed-searches-by-query-repartition",
        DlqHeaders.read(out.headers(), DlqRecords.INTERNAL_TOPIC));

    ProducerRecord<byte[], byte[]> internal =
        records.finish(
            streamsBuilt("p1", new byte[] {7, 7}, "kembed-embeddings-by-entity-repartition"),
            context("kembed-embeddings-by-entity-repartition", new RecordHeaders()),
            DlqReason.PROCESSING_ERROR);
    assertNull(internal.value(), "internal bytes are never passed off as input");
    assertEquals("", DlqHeaders.read(internal.headers(), DlqHeaders.TOPIC));
  }

  @Test
  void anInputTopicRecordKeepsItsBytesAndCoordinates() {
    ProducerRecord<byte[], byte[]> built = streamsBuilt("p1", new byte[] {1, 2, 3}, "posts");
    ProducerRecord<byte[], byte[]> out =
        records.finish(built, context("posts", new RecordHeaders()), DlqReason.INVALID_TIMESTAMP);
    assertArrayEquals(new byte[] {1, 2, 3}, out.value());
    assertEquals("p1", new String(out.key(), StandardCharsets.UTF_8));
    assertEquals("posts", DlqHeaders.read(out.headers(), DlqHeaders.TOPIC));
    assertEquals("INVALID_TIMESTAMP", DlqHeaders.read(out.headers(), DlqHeaders.REASON));
  }

  @Test
  void maxRequestSizeIsReadFromTheStreamsConfig() {
    int byDefault =
        DlqRecords.from(Map.of())
            .fit(new ProducerRecord<>("d", new byte[0], new byte[2_000_000]))
            .value()
            .length;
    assertTrue(
        byDefault < ONE_MIB && byDefault > 1_000_000, "cut to Kafka's default 1 MiB: " + byDefault);
    ProducerRecord<byte[], byte[]> small =
        DlqRecords.from(Map.of("producer.max.request.size", "100000"))
            .fit(new ProducerRecord<>("d", new byte[0], new byte[200_000]));
    assertTrue(
        small.value().length < 100_000 && small.value().length > 80_000,
        "cut to the configured 100,000: " + small.value().length);
  }

  // What Kafka Streams' handler builds: the task's source record with its topic as coordinates.
  private static ProducerRecord<byte[], byte[]> streamsBuilt(
      String key, byte[] value, String sourceTopic) {
    Headers h = new RecordHeaders();
    h.add(DlqHeaders.TOPIC, sourceTopic.getBytes(StandardCharsets.UTF_8));
    h.add(DlqHeaders.PARTITION, "0".getBytes(StandardCharsets.UTF_8));
    h.add(DlqHeaders.OFFSET, "5".getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(
        "kembed-dlq", null, 1L, key.getBytes(StandardCharsets.UTF_8), value, h);
  }

  private static int count(Headers h, String name) {
    int n = 0;
    for (Header x : h.headers(name)) {
      n++;
    }
    return n;
  }

  private static RecordMetadata meta(String topic, int partition, long offset) {
    return new RecordMetadata() {
      public String topic() {
        return topic;
      }

      public int partition() {
        return partition;
      }

      public long offset() {
        return offset;
      }
    };
  }

  private static ErrorHandlerContext context(String topic, Headers headers) {
    return new ErrorHandlerContext() {
      public String topic() {
        return topic;
      }

      public int partition() {
        return 0;
      }

      public long offset() {
        return 5;
      }

      public Headers headers() {
        return headers;
      }

      public String processorNodeId() {
        return "node";
      }

      public TaskId taskId() {
        return new TaskId(1, 0);
      }

      public long timestamp() {
        return 1;
      }

      public byte[] sourceRawKey() {
        return null;
      }

      public byte[] sourceRawValue() {
        return null;
      }
    };
  }
}
