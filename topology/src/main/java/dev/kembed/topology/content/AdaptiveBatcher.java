package dev.kembed.topology.content;

import dev.kembed.inference.Embedder;
import dev.kembed.topology.internal.EmbedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;

/**
 * Decides when a {@link BatchBuffer}'s texts go to the model, so that a text waits only while the
 * model is busy: when the model is idle the waiting texts run at once; while it is busy they
 * accumulate, and the next batch takes up to {@code batchSize} of them. With asynchronous {@link
 * InferenceWorkers} inference runs off the stream thread and its result is picked up by the next
 * {@link #offered()} or {@link #tick()} (both called on the stream thread), so results are
 * forwarded only from the stream thread and a request stays in the changelogged buffer until then:
 * a crash while a batch is in flight re-embeds it after restore, and exactly-once holds. One batch
 * per buffer is in flight at a time; when a full batch waits behind it the stream thread waits for
 * it (back-pressure, so the buffer never swallows a whole backlog). With inline workers (inference
 * on the stream thread) a full batch runs when it fills and a partial one at the next {@link
 * #tick()}, which Streams runs right after each pass over the polled records.
 *
 * <p>A positive {@code minWaitMs} (the {@code embed.max.wait.ms} of earlier versions) holds a
 * partial batch back until its oldest text has waited that long even when the model is idle,
 * trading latency for fuller batches; the default 0 never does.
 *
 * <p>A result is delivered only for requests that are still current: one replaced by an edit or
 * removed by a delete while its batch ran is dropped (the edit is embedded in a later batch).
 */
public final class AdaptiveBatcher {
  /** A current request of a finished batch, with its vector or (vector null) why it has none. */
  public record Embedded(String key, EmbedRequest request, float[] vector, Exception error) {}

  /** What a finished batch reports besides its results. */
  public interface BatchListener {
    void batchDone(int texts, double inferenceMillis);
  }

  private record Result(
      List<KeyValue<String, EmbedRequest>> batch,
      Map<String, float[]> vectors,
      Map<String, Exception> errors,
      double millis) {}

  private final BatchBuffer buffer;
  private final Embedder embedder;
  private final InferenceWorkers workers;
  private final int batchSize;
  private final long minWaitMs;
  private final Consumer<List<Embedded>> sink;
  private final BatchListener listener;
  private CompletableFuture<Result> inFlight;

  public AdaptiveBatcher(
      BatchBuffer buffer,
      Embedder embedder,
      InferenceWorkers workers,
      int batchSize,
      long minWaitMs,
      Consumer<List<Embedded>> sink,
      BatchListener listener) {
    this.minWaitMs = minWaitMs;
    this.buffer = buffer;
    this.embedder = embedder;
    this.workers = workers;
    this.batchSize = batchSize;
    this.sink = sink;
    this.listener = listener;
  }

  /** After a request was queued (on the stream thread; {@code nowMs} wall clock). */
  public void offered(long nowMs) {
    pump(false, nowMs);
  }

  /**
   * On a wall-clock punctuation (on the stream thread): delivers finished work, starts waiting
   * work.
   */
  public void tick(long nowMs) {
    pump(true, nowMs);
  }

  /**
   * True while a batch is with the model or a text waits for one: only then has {@link #tick} work
   * to do.
   */
  public boolean hasWork() {
    return inFlight != null || buffer.hasWaiting();
  }

  /** True while this buffer's batch is with the model. */
  public boolean inFlight() {
    return inFlight != null;
  }

  /**
   * Forgets a batch in flight (the task is closing; its requests stay in the buffer's changelog).
   */
  public void close() {
    inFlight = null;
  }

  private void pump(boolean tick, long nowMs) {
    deliver(false);
    if (inFlight != null && buffer.waiting() >= batchSize) {
      // A full batch waits and the model is still on the previous one: wait for it.
      deliver(true);
    }
    while (inFlight == null
        && buffer.waiting() > 0
        && (buffer.waiting() >= batchSize || idleEnough(tick, nowMs))) {
      submit(buffer.nextBatch(batchSize));
      deliver(false); // inline workers have finished already
    }
  }

  // When a partial batch may run: the model is idle (async), or the stream thread is between
  // passes over its records (inline, where the model is always "idle" when we ask).
  private boolean idleEnough(boolean tick, long nowMs) {
    boolean idle = workers.async() ? !workers.busy() : tick;
    return idle && (minWaitMs <= 0 || nowMs - buffer.oldestWaitingSinceMs() >= minWaitMs);
  }

  private void submit(List<KeyValue<String, EmbedRequest>> batch) {
    Map<String, float[]> vectors = new LinkedHashMap<>();
    batch.forEach(kv -> vectors.put(kv.value.getText(), null));
    List<String> distinct = List.copyOf(vectors.keySet());
    inFlight =
        workers.submit(
            () -> {
              Exception[] errors = new Exception[distinct.size()];
              long start = System.nanoTime();
              float[][] out = BatchBuffer.embed(embedder, distinct, errors);
              double millis = (System.nanoTime() - start) / 1e6;
              Map<String, float[]> byText = new LinkedHashMap<>();
              Map<String, Exception> failures = new LinkedHashMap<>();
              for (int i = 0; i < distinct.size(); i++) {
                byText.put(distinct.get(i), out[i]);
                if (out[i] == null) {
                  failures.put(distinct.get(i), errors[i]);
                }
              }
              return new Result(batch, byText, failures, millis);
            });
  }

  private void deliver(boolean wait) {
    if (inFlight == null || (!wait && !inFlight.isDone())) {
      return;
    }
    Result r;
    try {
      r = inFlight.join();
    } catch (CompletionException e) {
      // BatchBuffer.embed turns model failures into per-text errors; what is left is a bug: fail as
      // inline would.
      throw e.getCause() instanceof RuntimeException re ? re : e;
    } finally {
      inFlight = null;
    }
    List<Embedded> current = new ArrayList<>(r.batch().size());
    for (KeyValue<String, EmbedRequest> kv : r.batch()) {
      if (buffer.removeIfCurrent(kv.key, kv.value.getSeq())) {
        String text = kv.value.getText();
        current.add(new Embedded(kv.key, kv.value, r.vectors().get(text), r.errors().get(text)));
      }
    }
    listener.batchDone(r.vectors().size(), r.millis());
    sink.accept(current);
  }
}
