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
  private static final String POST = "{\"post_id\":\"p1\",\"author_id\":\"u1\",\"subject\":\"Lost cat\",\"body\":\"Grey tabby\",\"event_time\":\"2025-03-03T08:00:00Z\"}";

  private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

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
    assertEquals("Lost cat", KembedSerdes.postEvent().deserializer().deserialize("posts", r.value()).getSubject());
  }

  @Test
  void anEnvelopeGivesAnExplicitKeyOrATombstone() {
    assertNull(of(JsonLinesProducer.Format.AVRO, false).toRecord("{\"key\":\"p9\",\"value\":null}").value());
    assertEquals("p9", of(JsonLinesProducer.Format.AVRO, false).toRecord("{\"key\":\"p9\",\"value\":null}").key());
    assertEquals("custom", of(JsonLinesProducer.Format.AVRO, false).toRecord("{\"key\":\"custom\",\"value\":" + POST + "}").key());
  }

  @Test
  void rawLinesAreSentUncheckedButKeyedWhenPossible() {
    ProducerRecord<String, byte[]> r = of(JsonLinesProducer.Format.RAW, false).toRecord("{\"post_id\":\"p2\",\"nonsense\":true}");
    assertEquals("p2", r.key());
    assertEquals("{\"post_id\":\"p2\",\"nonsense\":true}", new String(r.value(), StandardCharsets.UTF_8));
  }

  @Test
  void aBadLineStopsTheRunNamingItsNumberUnlessSkipped() throws Exception {
    String input = POST + "\n\n{\"post_id\":\"p3\"}\n" + POST.replace("p1", "p4") + "\n";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of(JsonLinesProducer.Format.AVRO, false).send(new BufferedReader(new StringReader(input)), null));
    assertTrue(e.getMessage().startsWith("line 3:"), e.getMessage());

    producer.clear();
    JsonLinesProducer.Result r = of(JsonLinesProducer.Format.AVRO, true).send(new BufferedReader(new StringReader(input)), null);
    assertEquals(2, r.sent());
    assertEquals(1, r.skipped());
    assertEquals(java.util.List.of("p1", "p4"), producer.history().stream().map(ProducerRecord::key).toList());
  }
}
