package dev.kembed.topology.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.serde.KembedSerdes;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class JsonLinesProducerTest {
  private static final String POST =
      "{\"post_id\":\"p1\",\"author_id\":\"u1\",\"subject\":\"Lost cat\",\"body\":\"Grey"
          + " tabby\",\"event_time\":\"2025-03-03T08:00:00Z\"}";

  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

  private JsonLinesProducer of(JsonLinesProducer.Format format, boolean skip) {
    return new JsonLinesProducer(producer, "posts", InputType.POST, format, null, skip);
  }

  @Test
  void avroLinesAreKeyedByIdTimestampedByEventTimeAndDecodeBack() throws Exception {
    ProducerRecord<String, byte[]> r = of(JsonLinesProducer.Format.AVRO, false).toRecord(POST);
    assertEquals("p1", r.key());
    assertEquals(1740988800000L, r.timestamp());
    assertEquals((byte) 0xC3, r.value()[0], "Avro single-object encoding");
    PostEvent back = KembedSerdes.postEvent().deserializer().deserialize("posts", r.value());
    assertEquals("Grey tabby", back.getBody());
  }

  @Test
  void jsonFormatSendsValidatedJson() {
    ProducerRecord<String, byte[]> r = of(JsonLinesProducer.Format.JSON, false).toRecord(POST);
    assertEquals('{', (char) r.value()[0]);
    assertEquals(
        "Lost cat",
        KembedSerdes.postEvent().deserializer().deserialize("posts", r.value()).getSubject());
  }

  @Test
  void anEnvelopeGivesAnExplicitKeyOrATombstone() {
    assertNull(
        of(JsonLinesProducer.Format.AVRO, false)
            .toRecord("{\"key\":\"p9\",\"value\":null}")
            .value());
    assertEquals(
        "p9",
        of(JsonLinesProducer.Format.AVRO, false).toRecord("{\"key\":\"p9\",\"value\":null}").key());
    assertEquals(
        "custom",
        of(JsonLinesProducer.Format.AVRO, false)
            .toRecord("{\"key\":\"custom\",\"value\":" + POST + "}")
            .key());
  }

  @Test
  void rawLinesAreSentUncheckedButKeyedWhenPossible() {
    ProducerRecord<String, byte[]> r =
        of(JsonLinesProducer.Format.RAW, false).toRecord("{\"post_id\":\"p2\",\"nonsense\":true}");
    assertEquals("p2", r.key());
    assertEquals(
        "{\"post_id\":\"p2\",\"nonsense\":true}", new String(r.value(), StandardCharsets.UTF_8));
  }

  // Issue 10, defect 10: lines 1-130 used to go out before line 131 failed, and the error did not
  // say so.
  @Test
  void aBadLineMeansNothingIsSentAndEveryBadLineIsNamedUnlessSkipped() throws Exception {
    StringBuilder input = new StringBuilder();
    for (int i = 1; i <= 135; i++) {
      input
          .append(
              i == 131
                  ? POST.replace("\"body\":\"Grey tabby\"", "\"body\":null")
                  : i == 133 ? "{\"post_id\":\"p3\"}" : POST.replace("p1", "p" + i))
          .append('\n');
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                of(JsonLinesProducer.Format.AVRO, false)
                    .send(new BufferedReader(new StringReader(input.toString())), null));
    assertTrue(
        e.getMessage().startsWith("nothing sent: 2 of 135 records are invalid"), e.getMessage());
    assertTrue(
        e.getMessage().contains("line 131: ") && e.getMessage().contains("line 133: "),
        e.getMessage());
    assertEquals(0, producer.history().size(), "nothing was sent");

    JsonLinesProducer.Result r =
        of(JsonLinesProducer.Format.AVRO, true)
            .send(new BufferedReader(new StringReader(input.toString())), null);
    assertEquals(133, r.sent());
    assertEquals(java.util.List.of(131L, 133L), r.skippedLines());
    assertEquals(133, producer.history().size());
    assertEquals("p130", producer.history().get(129).key());
    assertEquals(
        "p132", producer.history().get(130).key(), "line 131 left out, in order otherwise");
  }

  @Test
  void aSendFailureSaysHowManyRecordsWereAcknowledged() {
    MockProducer<String, byte[]> thirdFails =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
          private int n;

          @Override
          public synchronized java.util.concurrent.Future<
                  org.apache.kafka.clients.producer.RecordMetadata>
              send(
                  ProducerRecord<String, byte[]> r, org.apache.kafka.clients.producer.Callback cb) {
            if (++n == 3) {
              RuntimeException no = new RuntimeException("broker said no");
              cb.onCompletion(null, no);
              return java.util.concurrent.CompletableFuture.failedFuture(no);
            }
            return super.send(r, cb);
          }
        };
    JsonLinesProducer p =
        new JsonLinesProducer(
            thirdFails, "posts", InputType.POST, JsonLinesProducer.Format.AVRO, null, false);
    String input = POST + "\n" + POST.replace("p1", "p2") + "\n" + POST.replace("p1", "p3") + "\n";
    java.io.IOException e =
        assertThrows(
            java.io.IOException.class,
            () -> p.send(new BufferedReader(new StringReader(input)), null));
    assertTrue(e.getMessage().contains("after 2 of 3 records were acknowledged"), e.getMessage());
  }
}
