package dev.kembed.topology.content;

import dev.kembed.inference.Embedder;
import dev.kembed.state.VectorMath;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.errors.InvalidVectorException;
import dev.kembed.topology.internal.EmbedRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mechanics of an exactly-once micro-batch, shared by the processors that embed text: requests
 * wait in a changelogged store (so a crash loses nothing and a restore resumes the queue), each
 * stamped with an arrival sequence and a wall-clock enqueue time; the batch is due when {@code
 * batchSize} wait or the oldest has waited {@code maxWaitMs}; {@link #drain()} hands them out in
 * arrival order and removes them. {@link #embed} runs one inference call and, if the model fails,
 * retries text by text so one bad text costs only itself.
 */
public final class BatchBuffer {
  private static final Logger log = LoggerFactory.getLogger(BatchBuffer.class);

  private final KeyValueStore<String, EmbedRequest> store;
  private final int batchSize;
  private final long maxWaitMs;
  private int size;
  private long nextSeq;
  private long oldestEnqueuedMs = Long.MAX_VALUE;
  private long earliestEventTime = Long.MAX_VALUE;
  private boolean earliestStale;

  /** Wraps the store and recounts what a restore left in it. */
  public BatchBuffer(KeyValueStore<String, EmbedRequest> store, int batchSize, long maxWaitMs) {
    this.store = store;
    this.batchSize = batchSize;
    this.maxWaitMs = maxWaitMs;
    try (KeyValueIterator<String, EmbedRequest> it = store.all()) {
      while (it.hasNext()) {
        EmbedRequest r = it.next().value;
        size++;
        nextSeq = Math.max(nextSeq, r.getSeq() + 1);
        oldestEnqueuedMs = Math.min(oldestEnqueuedMs, r.getEnqueuedAtMs());
        earliestEventTime = Math.min(earliestEventTime, r.getEventTime());
      }
    }
  }

  public int size() {
    return size;
  }

  public EmbedRequest get(String key) {
    return store.get(key);
  }

  /** Queues (or replaces) a request; true when the batch is now full. */
  public boolean put(String key, EmbedRequest r, long nowMs) {
    boolean replaced = store.get(key) != null;
    store.put(key, EmbedRequest.newBuilder(r).setSeq(nextSeq++).setEnqueuedAtMs(nowMs).build());
    if (!replaced) {
      size++;
    } else {
      earliestStale = true;
    }
    earliestEventTime = Math.min(earliestEventTime, r.getEventTime());
    oldestEnqueuedMs = Math.min(oldestEnqueuedMs, nowMs);
    return size >= batchSize;
  }

  /** Drops a queued request; true if there was one. */
  public boolean remove(String key) {
    if (store.delete(key) != null) {
      size--;
      earliestStale = true;
      return true;
    }
    return false;
  }

  /** True when the oldest queued request has waited {@code maxWaitMs}. */
  public boolean due(long nowMs) {
    return size > 0 && nowMs - oldestEnqueuedMs >= maxWaitMs;
  }

  /** Every queued request in arrival order, removed from the store. */
  public List<KeyValue<String, EmbedRequest>> drain() {
    List<KeyValue<String, EmbedRequest>> batch = new ArrayList<>(size);
    try (KeyValueIterator<String, EmbedRequest> it = store.all()) {
      it.forEachRemaining(batch::add);
    }
    batch.sort(Comparator.comparingLong(kv -> kv.value.getSeq()));
    batch.forEach(kv -> store.delete(kv.key));
    size = 0;
    oldestEnqueuedMs = Long.MAX_VALUE;
    earliestEventTime = Long.MAX_VALUE;
    earliestStale = false;
    return batch;
  }

  /**
   * The earliest event time of a queued request ({@link Long#MAX_VALUE} when empty): the task's
   * watermark must not pass it until the request's outputs have gone out.
   */
  public long earliestEventTime() {
    if (size == 0) {
      return Long.MAX_VALUE;
    }
    if (earliestStale) {
      long min = Long.MAX_VALUE;
      try (KeyValueIterator<String, EmbedRequest> it = store.all()) {
        while (it.hasNext()) {
          min = Math.min(min, it.next().value.getEventTime());
        }
      }
      earliestEventTime = min;
      earliestStale = false;
    }
    return earliestEventTime;
  }

  /**
   * Embeds the texts in one call; if that fails, one by one. A text the model still fails on, or
   * gets a NaN, infinite or wrongly sized vector for, gets a null vector and its exception in
   * {@code errors[i]} ({@link InvalidVectorException} for a bad vector).
   */
  public static float[][] embed(Embedder embedder, List<String> texts, Exception[] errors) {
    float[][] out = embedAll(embedder, texts, errors);
    int dim = embedder.model().dimension();
    for (int i = 0; i < out.length; i++) {
      if (out[i] != null && (out[i].length != dim || !VectorMath.isFinite(out[i]))) {
        errors[i] = new InvalidVectorException("model returned " + (out[i].length != dim ? out[i].length + " dimensions instead of " + dim : "a vector with NaN or infinite components"));
        out[i] = null;
      }
    }
    return out;
  }

  /** The DLQ reason for an error {@link #embed} reported. */
  public static DlqReason reasonFor(Exception e) {
    return e instanceof InvalidVectorException ? DlqReason.INVALID_VECTOR : DlqReason.MODEL_FAILURE;
  }

  private static float[][] embedAll(Embedder embedder, List<String> texts, Exception[] errors) {
    try {
      return embedder.embed(texts);
    } catch (RuntimeException batchFailure) {
      log.warn("inference failed on a batch of {}; retrying one text at a time: {}", texts.size(), batchFailure.toString());
      float[][] out = new float[texts.size()][];
      for (int i = 0; i < texts.size(); i++) {
        try {
          out[i] = embedder.embed(List.of(texts.get(i)))[0];
        } catch (RuntimeException e) {
          errors[i] = e;
        }
      }
      return out;
    }
  }
}
