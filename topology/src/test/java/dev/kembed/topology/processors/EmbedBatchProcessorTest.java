package dev.kembed.topology.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kembed.inference.Embedder;
import dev.kembed.inference.ModelInfo;
import dev.kembed.topology.cli.CachedEmbedder;
import dev.kembed.topology.content.ContentChange;
import dev.kembed.topology.content.InferenceWorkers;
import dev.kembed.topology.errors.DlqHeaders;
import dev.kembed.topology.internal.EmbedRequest;
import dev.kembed.topology.internal.InternalSerdes;
import dev.kembed.topology.text.ContentHash;
import dev.kembed.topology.time.TaskClockStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  private static KeyValueStore<String, ?> store(
      MockProcessorContext<String, ContentChange> ctx,
      String name,
      org.apache.kafka.common.serialization.Serde<?> serde) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    KeyValueStore<String, Object> s =
        (KeyValueStore)
            Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde)
                .withLoggingDisabled()
                .build();
    s.init(ctx.getStateStoreContext(), s);
    ctx.addStateStore(s);
    return s;
  }

  private static EmbedRequest request(String id, String text, long seq) {
    return EmbedRequest.newBuilder()
        .setEntityId(id)
        .setEntityType("POST")
        .setText(text)
        .setContentHash(ContentHash.of("len@1", text))
        .setEventTime(1_000 + seq)
        .setSeq(seq)
        .setEnqueuedAtMs(0)
        .build();
  }

  @Test
  @SuppressWarnings("unchecked")
  void aRestoredBufferIsEmbeddedOnceInArrivalOrder() {
    MockProcessorContext<String, ContentChange> ctx = new MockProcessorContext<>();
    KeyValueStore<String, EmbedRequest> buffer =
        (KeyValueStore<String, EmbedRequest>) store(ctx, "buffer", InternalSerdes.embedRequest());
    store(ctx, "hashes", Serdes.String());
    // What restoration from the changelog leaves in the store, keys deliberately out of order.
    buffer.put("POST:z", request("z", "first arrived", 7));
    buffer.put("POST:a", request("a", "second", 8));
    buffer.put("POST:m", request("m", "third one", 9));
    LengthEmbedder model = new LengthEmbedder();
    EmbedBatchProcessor p = new EmbedBatchProcessor(model, "buffer", "hashes", 32);
    p.init(ctx);
    assertEquals(1, livePunctuators(ctx).size(), "a restored buffer has work: it ticks");

    tickNow(ctx, 10_000);
    List<String> out = ctx.forwarded().stream().map(f -> (String) f.record().key()).toList();
    assertEquals(List.of("z", "a", "m"), out, "arrival order (seq), not key order");
    assertEquals(
        List.of(List.of("first arrived", "second", "third one")), model.calls, "one batch");
    assertEquals(0L, buffer.approximateNumEntries());

    // A new text continues the sequence after the restored ones and nothing is emitted twice.
    ctx.resetForwards();
    ctx.setCurrentSystemTimeMs(15_000);
    p.process(new Record<>("b", request("b", "after restart", 0), 2_000));
    tickNow(ctx, 20_000);
    assertEquals(
        List.of("b"), ctx.forwarded().stream().map(f -> (String) f.record().key()).toList());
    assertEquals(2, model.calls.size());
  }

  @Test
  void aNonFiniteVectorIsDeadLetteredAndTheRestOfTheBatchGoesOut() {
    MockProcessorContext<String, ContentChange> ctx = new MockProcessorContext<>();
    store(ctx, "buffer", InternalSerdes.embedRequest());
    store(ctx, "hashes", Serdes.String());
    LengthEmbedder nanOnBad =
        new LengthEmbedder() {
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
    EmbedBatchProcessor p = new EmbedBatchProcessor(nanOnBad, "buffer", "hashes", 3);
    p.init(ctx);
    ctx.setCurrentSystemTimeMs(0);
    p.process(new Record<>("a", request("a", "good one", 0), 1));
    p.process(new Record<>("b", request("b", "bad one", 0), 2));
    p.process(new Record<>("c", request("c", "good two", 0), 3));
    var out = ctx.forwarded();
    assertEquals(
        List.of(ContentChange.Kind.UPSERT, ContentChange.Kind.FAILED, ContentChange.Kind.UPSERT),
        out.stream().map(f -> ((ContentChange) f.record().value()).kind()).toList());
    assertEquals(
        "INVALID_VECTOR", DlqHeaders.read(out.get(1).record().headers(), DlqHeaders.REASON));
  }

  @Test
  void inlineAPartialBatchRunsAtTheNextPunctuationWithoutWaiting() {
    MockProcessorContext<String, ContentChange> ctx = new MockProcessorContext<>();
    store(ctx, "buffer", InternalSerdes.embedRequest());
    store(ctx, "hashes", Serdes.String());
    LengthEmbedder model = new LengthEmbedder();
    EmbedBatchProcessor p = new EmbedBatchProcessor(model, "buffer", "hashes", 32);
    p.init(ctx);
    ctx.setCurrentSystemTimeMs(1_000);
    p.process(new Record<>("x", request("x", "hello", 0), 1_000));
    p.process(new Record<>("y", request("y", "world!", 0), 1_000));
    assertEquals(0, ctx.forwarded().size(), "inline, records of one poll share a batch");
    tickNow(ctx, 1_001);
    assertEquals(List.of(List.of("hello", "world!")), model.calls);
    assertEquals(2, ctx.forwarded().size());
  }

  @Test
  void aPositiveMaxWaitHoldsAPartialBatchBackUntilItsOldestTextHasWaited() {
    MockProcessorContext<String, ContentChange> ctx = new MockProcessorContext<>();
    store(ctx, "buffer", InternalSerdes.embedRequest());
    store(ctx, "hashes", Serdes.String());
    LengthEmbedder model = new LengthEmbedder();
    EmbedBatchProcessor p =
        new EmbedBatchProcessor(model, "buffer", "hashes", 32, 200, InferenceWorkers.inline());
    p.init(ctx);
    ctx.setCurrentSystemTimeMs(1_000);
    p.process(new Record<>("x", request("x", "hello", 0), 1_000));
    var punctuator = ctx.scheduledPunctuators().get(0).getPunctuator();
    punctuator.punctuate(1_199);
    assertEquals(0, ctx.forwarded().size());
    punctuator.punctuate(1_200);
    assertEquals(1, ctx.forwarded().size());
  }

  // ---- asynchronous inference, driven by hand ----

  /** An executor whose jobs run only when the test says so: the model is "busy" until then. */
  private static final class ManualExecutor implements java.util.concurrent.Executor {
    final java.util.ArrayDeque<Runnable> jobs = new java.util.ArrayDeque<>();

    @Override
    public void execute(Runnable r) {
      jobs.add(r);
    }

    void runNext() {
      jobs.removeFirst().run();
    }
  }

  private static float[] lengthVector(String text) {
    double n = Math.sqrt((double) text.length() * text.length() + 1);
    return new float[] {(float) (text.length() / n), (float) (1 / n)};
  }

  private static EmbedRequest deletion(String id) {
    return EmbedRequest.newBuilder(request(id, "x", 0)).setDeleted(true).build();
  }

  private record Async(
      MockProcessorContext<String, ContentChange> ctx,
      KeyValueStore<String, EmbedRequest> buffer,
      LengthEmbedder model,
      Embedder embedder,
      ManualExecutor executor,
      EmbedBatchProcessor processor) {
    /** Runs the one tick that is scheduled; there is one only while the batcher has work. */
    void tick() {
      tickNow(ctx, 0);
    }

    List<String> forwardedKeysAndKinds() {
      return ctx.forwarded().stream()
          .map(f -> f.record().key() + "/" + ((ContentChange) f.record().value()).kind())
          .toList();
    }
  }

  /** Runs the one tick that is scheduled, as Streams would at {@code nowMs}. */
  private static void tickNow(MockProcessorContext<?, ?> ctx, long nowMs) {
    List<MockProcessorContext.CapturedPunctuator> live = livePunctuators(ctx);
    assertEquals(1, live.size(), "one tick scheduled while there is work");
    live.get(0).getPunctuator().punctuate(nowMs);
  }

  private static List<MockProcessorContext.CapturedPunctuator> livePunctuators(
      MockProcessorContext<?, ?> ctx) {
    return ctx.scheduledPunctuators().stream().filter(p -> !p.cancelled()).toList();
  }

  @Test
  void theTickIsScheduledOnlyWhileATextWaitsOrABatchIsInFlight() {
    Async a = async(32);
    assertEquals(0, livePunctuators(a.ctx()).size(), "nothing to embed: no tick");
    a.processor().process(new Record<>("a", request("a", "first", 0), 1));
    assertEquals(1, livePunctuators(a.ctx()).size(), "a batch in flight: it ticks");
    a.tick();
    assertEquals(1, livePunctuators(a.ctx()).size(), "the model still runs: it ticks on");
    a.processor().process(new Record<>("b", request("b", "second", 0), 2));
    assertEquals(1, livePunctuators(a.ctx()).size(), "b waits: still one tick, not two");
    a.executor().runNext();
    a.tick(); // delivers a, starts b
    a.executor().runNext();
    a.tick(); // delivers b: nothing waits or runs
    assertEquals(List.of("a/UPSERT", "b/UPSERT"), a.forwardedKeysAndKinds());
    assertEquals(0, livePunctuators(a.ctx()).size(), "idle again: the tick is cancelled");
    // A text already embedded, and a delete, give the model no work: still no tick.
    a.processor().process(new Record<>("a", request("a", "first", 0), 3));
    a.processor().process(new Record<>("b", deletion("b"), 4));
    assertEquals(0, livePunctuators(a.ctx()).size());
    a.processor().process(new Record<>("c", request("c", "third", 0), 5));
    assertEquals(1, livePunctuators(a.ctx()).size(), "new work: ticking again");
    assertEquals(
        2, a.ctx().scheduledPunctuators().size(), "one schedule per busy spell (a and b, then c)");
  }

  private static Async async(int batchSize) {
    return async(batchSize, null);
  }

  /** With a cache (content hash to vector), the model sits behind a backfill's CachedEmbedder. */
  @SuppressWarnings("unchecked")
  private static Async async(int batchSize, Map<String, float[]> cache) {
    MockProcessorContext<String, ContentChange> ctx = new MockProcessorContext<>();
    ctx.setCurrentSystemTimeMs(0);
    KeyValueStore<String, EmbedRequest> buffer =
        (KeyValueStore<String, EmbedRequest>) store(ctx, "buffer", InternalSerdes.embedRequest());
    store(ctx, "hashes", Serdes.String());
    LengthEmbedder model = new LengthEmbedder();
    ManualExecutor executor = new ManualExecutor();
    Embedder embedder = cache == null ? model : new CachedEmbedder(model, cache);
    EmbedBatchProcessor p =
        new EmbedBatchProcessor(
            embedder, "buffer", "hashes", batchSize, 0, InferenceWorkers.on(executor));
    p.init(ctx);
    return new Async(ctx, buffer, model, embedder, executor, p);
  }

  @Test
  void anIdleModelGetsATextAtOnceAndABusyOneLetsTheNextBatchFill() {
    Async a = async(32);
    a.processor().process(new Record<>("a", request("a", "first", 0), 1));
    assertEquals(
        1,
        a.executor().jobs.size(),
        "model idle: inference starts in process(), no punctuation needed");
    a.processor().process(new Record<>("b", request("b", "second", 0), 2));
    a.processor().process(new Record<>("c", request("c", "third!", 0), 3));
    a.tick();
    assertEquals(1, a.executor().jobs.size(), "model busy: b and c wait");
    assertEquals(0, a.ctx().forwarded().size());

    a.executor().runNext();
    a.tick(); // delivers a, and starts b+c as one batch
    assertEquals(List.of("a/UPSERT"), a.forwardedKeysAndKinds());
    assertEquals(1, a.executor().jobs.size());
    a.executor().runNext();
    a.tick();
    assertEquals(List.of("a/UPSERT", "b/UPSERT", "c/UPSERT"), a.forwardedKeysAndKinds());
    assertEquals(List.of(List.of("first"), List.of("second", "third!")), a.model().calls);
    ContentChange c = (ContentChange) a.ctx().forwarded().get(2).record().value();
    float[] expected = lengthVector("third!");
    assertEquals(expected[0], c.vector()[0], 1e-6);
    assertEquals(expected[1], c.vector()[1], 1e-6);
    assertEquals(0L, a.buffer().approximateNumEntries(), "forwarded requests leave the buffer");
  }

  @Test
  void aRequestStaysInTheChangeloggedBufferUntilItsVectorIsForwarded() {
    Async a = async(32);
    a.processor().process(new Record<>("a", request("a", "in flight", 0), 1));
    assertEquals(1, a.executor().jobs.size());
    assertEquals(
        "in flight",
        a.buffer().get("POST:a").getText(),
        "a crash now restores it and embeds it again");
    // The task closes (crash, rebalance) with the batch in flight; its successor finds the request.
    a.processor().close();
    LengthEmbedder successorModel = new LengthEmbedder();
    EmbedBatchProcessor successor = new EmbedBatchProcessor(successorModel, "buffer", "hashes", 32);
    successor.init(a.ctx());
    tickNow(a.ctx(), 0); // the successor's: the closed task's tick was cancelled
    assertEquals(List.of(List.of("in flight")), successorModel.calls);
    a.executor().runNext(); // the old task's result arrives late and goes nowhere
    assertEquals(List.of("a/UPSERT"), a.forwardedKeysAndKinds());
  }

  @Test
  void aDeleteOrEditWhileTheBatchIsInFlightWinsOverItsStaleResult() {
    Async a = async(32);
    a.processor().process(new Record<>("d", request("d", "to be deleted", 0), 1));
    a.processor().process(new Record<>("e", request("e", "old text", 0), 2)); // waits: model busy
    a.executor().runNext();
    a.tick(); // d is still current, so it goes out; e starts
    assertEquals(List.of("d/UPSERT"), a.forwardedKeysAndKinds());
    a.processor()
        .process(
            new Record<>(
                "e", request("e", "new text, edited", 0), 3)); // edit while "old text" runs
    a.processor().process(new Record<>("d", deletion("d"), 4));
    a.executor().runNext();
    a.tick(); // "old text" is stale: dropped; the edit starts
    assertEquals(List.of("d/UPSERT", "d/DELETE"), a.forwardedKeysAndKinds());
    a.executor().runNext();
    a.tick();
    assertEquals(List.of("d/UPSERT", "d/DELETE", "e/UPSERT"), a.forwardedKeysAndKinds());
    ContentChange e = (ContentChange) a.ctx().forwarded().get(2).record().value();
    assertEquals(lengthVector("new text, edited")[0], e.vector()[0], 1e-6);
    assertEquals(
        List.of(List.of("to be deleted"), List.of("old text"), List.of("new text, edited")),
        a.model().calls);
  }

  @Test
  void aFullBatchBehindABusyModelMakesTheStreamThreadWaitInsteadOfBufferingTheBacklog()
      throws Exception {
    MockProcessorContext<String, ContentChange> ctx = new MockProcessorContext<>();
    ctx.setCurrentSystemTimeMs(0);
    store(ctx, "buffer", InternalSerdes.embedRequest());
    store(ctx, "hashes", Serdes.String());
    LengthEmbedder model = new LengthEmbedder();
    try (var workers = InferenceWorkers.threads(1)) {
      EmbedBatchProcessor p = new EmbedBatchProcessor(model, "buffer", "hashes", 2, 0, workers);
      p.init(ctx);
      for (int i = 0; i < 9; i++) {
        p.process(new Record<>("p" + i, request("p" + i, "text " + i, 0), i));
      }
      // Never more than one batch in flight plus one full batch waiting.
      int inBuffer =
          (int) ((KeyValueStore<?, ?>) ctx.getStateStore("buffer")).approximateNumEntries();
      assertEquals(true, inBuffer <= 4, "buffer holds " + inBuffer);
      while (ctx.forwarded().size() < 9) {
        Thread.sleep(5);
        tickNow(ctx, 0);
      }
    }
    assertEquals(
        List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"),
        ctx.forwarded().stream().map(f -> (String) f.record().key()).toList());
    assertEquals(9, model.calls.stream().mapToInt(List::size).sum(), "each text embedded once");
    assertEquals(true, model.calls.stream().allMatch(c -> c.size() <= 2));
  }

  // Issue 10, defect 1: one text whose outputs fail to go out (here a sink that refuses it, as a
  // broker refused a bad timestamp) used to lose every later text of its batch and keep its hash.
  @Test
  @SuppressWarnings("unchecked")
  void aTextWhoseOutputsFailIsDeadLetteredAloneAndItsHashIsNotStored() {
    MockProcessorContext<String, ContentChange> ctx =
        new MockProcessorContext<>() {
          @Override
          public <K extends String, V extends ContentChange> void forward(Record<K, V> record) {
            if ("p2".equals(record.key()) && record.value().kind() == ContentChange.Kind.UPSERT) {
              throw new IllegalArgumentException("sink refused p2");
            }
            super.forward(record);
          }
        };
    store(ctx, "buffer", InternalSerdes.embedRequest());
    KeyValueStore<String, String> hashes =
        (KeyValueStore<String, String>) store(ctx, "hashes", Serdes.String());
    EmbedBatchProcessor p =
        new EmbedBatchProcessor(new LengthEmbedder(), "buffer", "hashes", 8, 200);
    p.init(ctx);
    ctx.setCurrentSystemTimeMs(0);
    for (int i = 0; i < 8; i++) {
      p.process(new Record<>("p" + i, request("p" + i, "text number " + i, i), i));
    }
    var out = ctx.forwarded();
    assertEquals(
        List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7"),
        out.stream().map(f -> (String) f.record().key()).toList());
    assertEquals(ContentChange.Kind.FAILED, ((ContentChange) out.get(2).record().value()).kind());
    assertEquals(
        "PROCESSING_ERROR", DlqHeaders.read(out.get(2).record().headers(), DlqHeaders.REASON));
    assertEquals(
        7,
        out.stream()
            .filter(f -> ((ContentChange) f.record().value()).kind() == ContentChange.Kind.UPSERT)
            .count());
    assertEquals(null, hashes.get("POST:p2"), "a failed text is embedded again when re-sent");
    assertEquals(ContentHash.of("len@1", "text number 3"), hashes.get("POST:p3"));
  }

  // Issue 9 with the adaptive batcher: the task's watermark must not pass a text that is waiting
  // or in inference until its outputs have gone out.
  @Test
  void theClockHoldCoversTextsInFlightUntilTheirOutputsAreForwarded() {
    MockProcessorContext<String, ContentChange> ctx = new MockProcessorContext<>();
    ctx.setCurrentSystemTimeMs(0);
    store(ctx, "buffer", InternalSerdes.embedRequest());
    store(ctx, "hashes", Serdes.String());
    var clockStore = TaskClockStore.builder("clock", 0, 0).build();
    clockStore.init(ctx.getStateStoreContext(), clockStore);
    ctx.addStateStore(clockStore);
    ManualExecutor executor = new ManualExecutor();
    EmbedBatchProcessor p =
        new EmbedBatchProcessor(
            new LengthEmbedder(),
            "buffer",
            "hashes",
            32,
            0,
            InferenceWorkers.on(executor),
            "clock");
    p.init(ctx);
    var clock = clockStore.clock();
    Runnable tick = () -> tickNow(ctx, 0);

    p.process(
        new Record<>(
            "a",
            EmbedRequest.newBuilder(request("a", "first", 0)).setEventTime(5_000).build(),
            5_000)); // in flight at once
    p.process(
        new Record<>(
            "b",
            EmbedRequest.newBuilder(request("b", "second", 0)).setEventTime(3_000).build(),
            3_000)); // waits
    p.process(
        new Record<>(
            "c",
            EmbedRequest.newBuilder(request("c", "third", 0)).setEventTime(9_000).build(),
            9_000)); // waits
    assertEquals(
        3_000 - 1,
        clock.output(0),
        "held just before the earliest of a (in flight), b and c (waiting)");

    executor.runNext();
    tick.run(); // a goes out; b and c go to the model together
    assertEquals(
        List.of("a"), ctx.forwarded().stream().map(f -> (String) f.record().key()).toList());
    assertEquals(1, executor.jobs.size());
    assertEquals(3_000 - 1, clock.output(0), "b is in flight, its outputs not yet out");

    p.process(
        new Record<>(
            "d",
            EmbedRequest.newBuilder(request("d", "fourth", 0)).setEventTime(7_000).build(),
            7_000));
    executor.runNext();
    tick.run(); // b and c go out; d goes to the model
    assertEquals(
        List.of("a", "b", "c"),
        ctx.forwarded().stream().map(f -> (String) f.record().key()).toList());
    assertEquals(7_000 - 1, clock.output(0), "only d, in flight, still holds");

    executor.runNext();
    tick.run();
    assertEquals(4, ctx.forwarded().size());
    assertEquals(
        Long.MIN_VALUE,
        clock.output(0),
        "nothing held (and this test clock has no input channels)");
  }

  // ---- a backfill's cache: known vectors skip the buffer ----

  @Test
  void aKnownVectorGoesOutAtOnceAndAfterAMissItWaitsItsTurnInArrivalOrder() {
    // The cache holds "known one" and "known two" with vectors the length model would not give
    // (so the test sees which path produced them), and a 3-d vector for "wrong shape".
    float[] k1 = {0.6f, 0.8f};
    float[] k2 = {0.8f, 0.6f};
    Map<String, float[]> cache = new HashMap<>();
    cache.put(ContentHash.of("len@1", "known one"), k1);
    cache.put(ContentHash.of("len@1", "known two"), k2);
    cache.put(ContentHash.of("len@1", "wrong shape"), new float[] {1, 0, 0});
    Async a = async(32, cache);
    var ctx = a.ctx();
    var buffer = a.buffer();
    var model = a.model();
    var executor = a.executor();
    var p = a.processor();
    CachedEmbedder cached = (CachedEmbedder) a.embedder();

    p.process(new Record<>("a", request("a", "known one", 0), 1));
    assertEquals(1, ctx.forwarded().size(), "out at once, no batch");
    assertEquals(0, executor.jobs.size());
    assertEquals(0L, buffer.approximateNumEntries(), "never written to the changelogged buffer");
    float[] out = ((ContentChange) ctx.forwarded().get(0).record().value()).vector();
    assertEquals(k1[0], out[0]);
    assertEquals(k1[1], out[1]);

    // A miss goes to the model; a known text behind it waits for it, so arrival order holds.
    p.process(new Record<>("b", request("b", "unknown", 0), 2));
    p.process(new Record<>("c", request("c", "known two", 0), 3));
    assertEquals(1, ctx.forwarded().size());
    assertEquals(2L, buffer.approximateNumEntries(), "b in flight, c waiting behind it");
    executor.runNext();
    tickNow(ctx, 0);
    executor.runNext(); // c's batch: answered from the cache by CachedEmbedder.embed
    tickNow(ctx, 0);
    assertEquals(
        List.of("a", "b", "c"),
        ctx.forwarded().stream().map(f -> (String) f.record().key()).toList());
    assertEquals(List.of(List.of("unknown")), model.calls, "only the miss reached the model");
    float[] c = ((ContentChange) ctx.forwarded().get(2).record().value()).vector();
    assertEquals(k2[0], c[0]);

    // A cached vector of the wrong shape is a miss: the model embeds the text.
    p.process(new Record<>("d", request("d", "wrong shape", 0), 4));
    assertEquals(1, executor.jobs.size());
    executor.runNext();
    tickNow(ctx, 0);
    float[] d = ((ContentChange) ctx.forwarded().get(3).record().value()).vector();
    assertEquals(lengthVector("wrong shape")[0], d[0], 1e-6);
    assertEquals(List.of(List.of("unknown"), List.of("wrong shape")), model.calls);
    assertEquals(2, cached.hits(), "a and c");
    assertEquals(2, cached.misses(), "b and d");
  }
}
