package dev.kembed.topology.processors;

import dev.kembed.topology.internal.InternalSerdes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kembed.inference.Embedder;
import dev.kembed.inference.ModelInfo;
import dev.kembed.topology.content.ContentChange;
import dev.kembed.topology.internal.EmbedRequest;
import dev.kembed.topology.text.ContentHash;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** Restart behaviour of the micro-batcher: a restored buffer is embedded once, in arrival order. */
class EmbedBatchProcessorTest {

  /** A deterministic 2-d "model": the vector is (length, 1) normalised; counts calls. */
  private static class LengthEmbedder implements Embedder {
    final List<List<String>> calls = new ArrayList<>();

    @Override
    public ModelInfo model() {
      return new ModelInfo("len@1", 2, 16, true);
    }

    @Override
    public float[][] embed(List<String> texts) {
      calls.add(List.copyOf(texts));
      float[][] out = new float[texts.size()][];
      for (int i = 0; i < out.length; i++) {
        double n = Math.hypot(texts.get(i).length(), 1);
        out[i] = new float[] {(float) (texts.get(i).length() / n), (float) (1 / n)};
      }
      return out;
    }

    @Override
    public void close() {}
  }

  private static KeyValueStore<String, ?> store(MockProcessorContext<String, ContentChange> ctx, String name, org.apache.kafka.common.serialization.Serde<?> serde) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    KeyValueStore<String, Object> s = (KeyValueStore) Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde).withLoggingDisabled().build();
    s.init(ctx.getStateStoreContext(), s);
    ctx.addStateStore(s);
    return s;
  }

  private static EmbedRequest request(String id, String text, long seq) {
    return EmbedRequest.newBuilder().setEntityId(id).setEntityType("POST").setText(text).setContentHash(ContentHash.of("len@1", text)).setEventTime(1_000 + seq).setSeq(seq).setEnqueuedAtMs(0).build();
  }

  @Test
  @SuppressWarnings("unchecked")
  void aRestoredBufferIsEmbeddedOnceInArrivalOrder() {
    MockProcessorContext<String, ContentChange> ctx = new MockProcessorContext<>();
    KeyValueStore<String, EmbedRequest> buffer = (KeyValueStore<String, EmbedRequest>) store(ctx, "buffer", dev.kembed.topology.internal.InternalSerdes.embedRequest());
    store(ctx, "hashes", Serdes.String());
    // What restoration from the changelog leaves in the store, keys deliberately out of order.
    buffer.put("POST:z", request("z", "first arrived", 7));
    buffer.put("POST:a", request("a", "second", 8));
    buffer.put("POST:m", request("m", "third one", 9));
    LengthEmbedder model = new LengthEmbedder();
    EmbedBatchProcessor p = new EmbedBatchProcessor(model, "buffer", "hashes", 32, 200);
    p.init(ctx);

    ctx.scheduledPunctuators().get(0).getPunctuator().punctuate(10_000);
    List<String> out = ctx.forwarded().stream().map(f -> (String) f.record().key()).toList();
    assertEquals(List.of("z", "a", "m"), out, "arrival order (seq), not key order");
    assertEquals(List.of(List.of("first arrived", "second", "third one")), model.calls, "one batch");
    assertEquals(0L, buffer.approximateNumEntries());

    // A new text continues the sequence after the restored ones and nothing is emitted twice.
    ctx.resetForwards();
    ctx.setCurrentSystemTimeMs(15_000);
    p.process(new Record<>("b", request("b", "after restart", 0), 2_000));
    ctx.scheduledPunctuators().get(0).getPunctuator().punctuate(20_000);
    assertEquals(List.of("b"), ctx.forwarded().stream().map(f -> (String) f.record().key()).toList());
    assertEquals(2, model.calls.size());
  }

  @Test
  void aNonFiniteVectorIsDeadLetteredAndTheRestOfTheBatchGoesOut() {
    MockProcessorContext<String, ContentChange> ctx = new MockProcessorContext<>();
    store(ctx, "buffer", dev.kembed.topology.internal.InternalSerdes.embedRequest());
    store(ctx, "hashes", Serdes.String());
    LengthEmbedder nanOnBad = new LengthEmbedder() {
      @Override
      public float[][] embed(List<String> texts) {
        float[][] out = super.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
          if (texts.get(i).contains("bad")) {
            out[i][0] = Float.NaN;
          }
        }
        return out;
      }
    };
    EmbedBatchProcessor p = new EmbedBatchProcessor(nanOnBad, "buffer", "hashes", 3, 200);
    p.init(ctx);
    ctx.setCurrentSystemTimeMs(0);
    p.process(new Record<>("a", request("a", "good one", 0), 1));
    p.process(new Record<>("b", request("b", "bad one", 0), 2));
    p.process(new Record<>("c", request("c", "good two", 0), 3));
    var out = ctx.forwarded();
    assertEquals(List.of(ContentChange.Kind.UPSERT, ContentChange.Kind.FAILED, ContentChange.Kind.UPSERT), out.stream().map(f -> ((ContentChange) f.record().value()).kind()).toList());
    assertEquals("INVALID_VECTOR", dev.kembed.topology.errors.DlqHeaders.read(out.get(1).record().headers(), dev.kembed.topology.errors.DlqHeaders.REASON));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aTextWaitsUntilMaxWaitHasPassed() {
    MockProcessorContext<String, ContentChange> ctx = new MockProcessorContext<>();
    store(ctx, "buffer", dev.kembed.topology.internal.InternalSerdes.embedRequest());
    store(ctx, "hashes", Serdes.String());
    LengthEmbedder model = new LengthEmbedder();
    EmbedBatchProcessor p = new EmbedBatchProcessor(model, "buffer", "hashes", 32, 200);
    p.init(ctx);
    ctx.setCurrentSystemTimeMs(1_000);
    p.process(new Record<>("x", request("x", "hello", 0), 1_000));
    var punctuator = ctx.scheduledPunctuators().get(0).getPunctuator();
    punctuator.punctuate(1_199);
    assertEquals(0, ctx.forwarded().size());
    punctuator.punctuate(1_200);
    assertEquals(1, ctx.forwarded().size());
  }

  // Issue 10, defect 1: one text whose outputs fail to go out (here a sink that refuses it, as a
  // broker refused a bad timestamp) used to lose every later text of its batch and keep its hash.
  @Test
  @SuppressWarnings("unchecked")
  void aTextWhoseOutputsFailIsDeadLetteredAloneAndItsHashIsNotStored() {
    MockProcessorContext<String, ContentChange> ctx = new MockProcessorContext<>() {
      @Override
      public <K extends String, V extends ContentChange> void forward(Record<K, V> record) {
        if ("p2".equals(record.key()) && record.value().kind() == ContentChange.Kind.UPSERT) {
          throw new IllegalArgumentException("sink refused p2");
        }
        super.forward(record);
      }
    };
    store(ctx, "buffer", dev.kembed.topology.internal.InternalSerdes.embedRequest());
    KeyValueStore<String, String> hashes = (KeyValueStore<String, String>) store(ctx, "hashes", Serdes.String());
    EmbedBatchProcessor p = new EmbedBatchProcessor(new LengthEmbedder(), "buffer", "hashes", 8, 200);
    p.init(ctx);
    ctx.setCurrentSystemTimeMs(0);
    for (int i = 0; i < 8; i++) {
      p.process(new Record<>("p" + i, request("p" + i, "text number " + i, i), i));
    }
    var out = ctx.forwarded();
    assertEquals(List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7"), out.stream().map(f -> (String) f.record().key()).toList());
    assertEquals(ContentChange.Kind.FAILED, ((ContentChange) out.get(2).record().value()).kind());
    assertEquals("PROCESSING_ERROR", dev.kembed.topology.errors.DlqHeaders.read(out.get(2).record().headers(), dev.kembed.topology.errors.DlqHeaders.REASON));
    assertEquals(7, out.stream().filter(f -> ((ContentChange) f.record().value()).kind() == ContentChange.Kind.UPSERT).count());
    assertEquals(null, hashes.get("POST:p2"), "a failed text is embedded again when re-sent");
    assertEquals(ContentHash.of("len@1", "text number 3"), hashes.get("POST:p3"));
  }
}
