package dev.kembed.topology.content;

import dev.kembed.inference.Embedder;
import dev.kembed.state.VectorMath;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.errors.InvalidVectorException;
import dev.kembed.topology.internal.EmbedRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once queue of texts waiting for inference, shared by the processors that embed text:
 * requests wait in a changelogged store (so a crash loses nothing and a restore resumes the queue),
 * each stamped with an arrival sequence and a wall-clock enqueue time. An in-memory mirror of the
 * store (rebuilt from it at start) keeps lookups and batch selection off RocksDB. A request stays
 * in the store until its result is forwarded: {@link #nextBatch} hands out the oldest requests not
 * yet handed out, and {@link #removeIfCurrent} drops one only if no edit has replaced it since.
 * {@link #embed} runs one inference call and, if the model fails, retries text by text so one bad
 * text costs only itself. {@link #earliestEventTime} (kept in a sorted count, so asking is cheap)
 * covers every request in the store, handed out or not: the task's watermark must not pass a text
 * that waits or is in flight until its outputs have gone out.
 */
public final class BatchBuffer {
  private static final Logger log = LoggerFactory.getLogger(BatchBuffer.class);

  private final KeyValueStore<String, EmbedRequest> store;
  private final TreeMap<Long, String> keysBySeq = new TreeMap<>();
  private final Map<String, EmbedRequest> byKey = new HashMap<>();
  // Event time -> how many requests in the store have it.
  private final TreeMap<Long, Integer> eventTimes = new TreeMap<>();
  private long nextSeq;
  // Requests with a seq at or below this have been handed out in a batch.
  private long handedOutUpTo = -1;

  /** Wraps the store and mirrors what a restore left in it (nothing of it handed out yet). */
  public BatchBuffer(KeyValueStore<String, EmbedRequest> store) {
    this.store = store;
    try (KeyValueIterator<String, EmbedRequest> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, EmbedRequest> kv = it.next();
        byKey.put(kv.key, kv.value);
        keysBySeq.put(kv.value.getSeq(), kv.key);
        countEventTime(kv.value.getEventTime(), 1);
        nextSeq = Math.max(nextSeq, kv.value.getSeq() + 1);
      }
    }
  }

  /** Requests in the store, handed out or not. */
  public int size() {
    return byKey.size();
  }

  /** Requests not yet handed out in a batch. */
  public int waiting() {
    return keysBySeq.tailMap(handedOutUpTo, false).size();
  }

  /** Whether a request is not yet handed out (cheaper than {@code waiting() > 0}). */
  public boolean hasWaiting() {
    return keysBySeq.higherKey(handedOutUpTo) != null;
  }

  /** Wall-clock enqueue time of the oldest request not yet handed out (Long.MAX_VALUE if none). */
  public long oldestWaitingSinceMs() {
    Map.Entry<Long, String> first = keysBySeq.higherEntry(handedOutUpTo);
    return first == null ? Long.MAX_VALUE : byKey.get(first.getValue()).getEnqueuedAtMs();
  }

  public EmbedRequest get(String key) {
    return byKey.get(key);
  }

  /** Queues (or replaces, with a new sequence number) a request. */
  public void put(String key, EmbedRequest r, long nowMs) {
    EmbedRequest stamped =
        EmbedRequest.newBuilder(r).setSeq(nextSeq++).setEnqueuedAtMs(nowMs).build();
    EmbedRequest old = byKey.put(key, stamped);
    if (old != null) {
      keysBySeq.remove(old.getSeq());
      countEventTime(old.getEventTime(), -1);
    }
    keysBySeq.put(stamped.getSeq(), key);
    countEventTime(stamped.getEventTime(), 1);
    store.put(key, stamped);
  }

  /** Drops a queued request; true if there was one. */
  public boolean remove(String key) {
    EmbedRequest old = byKey.remove(key);
    if (old == null) {
      return false;
    }
    keysBySeq.remove(old.getSeq());
    countEventTime(old.getEventTime(), -1);
    // A null put deletes without reading and decoding the old value, which delete() returns.
    store.put(key, null);
    return true;
  }

  /**
   * The earliest event time of a request in the store, waiting or in flight ({@link Long#MAX_VALUE}
   * when empty): the task's watermark must not pass it until the request's outputs have gone out.
   */
  public long earliestEventTime() {
    return eventTimes.isEmpty() ? Long.MAX_VALUE : eventTimes.firstKey();
  }

  private void countEventTime(long eventTime, int delta) {
    eventTimes.merge(eventTime, delta, (a, b) -> a + b == 0 ? null : a + b);
  }

  /** Drops {@code key} if it still holds the request with sequence {@code seq}; true if it did. */
  public boolean removeIfCurrent(String key, long seq) {
    EmbedRequest current = byKey.get(key);
    return current != null && current.getSeq() == seq && remove(key);
  }

  /**
   * Up to {@code max} of the oldest requests not handed out before, in arrival order; they stay
   * queued.
   */
  public List<KeyValue<String, EmbedRequest>> nextBatch(int max) {
    List<KeyValue<String, EmbedRequest>> batch = new ArrayList<>(Math.min(max, keysBySeq.size()));
    for (Map.Entry<Long, String> e : keysBySeq.tailMap(handedOutUpTo, false).entrySet()) {
      if (batch.size() == max) {
        break;
      }
      batch.add(KeyValue.pair(e.getValue(), byKey.get(e.getValue())));
      handedOutUpTo = e.getKey();
    }
    return batch;
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
        errors[i] =
            new InvalidVectorException(
                "model returned "
                    + (out[i].length != dim
                        ? out[i].length + " dimensions instead of " + dim
                        : "a vector with NaN or infinite components"));
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
      log.warn(
          "inference failed on a batch of {}; retrying one text at a time: {}",
          texts.size(),
          batchFailure.toString());
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
