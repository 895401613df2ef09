package dev.kembed.topology.processors;

import dev.kembed.inference.Embedder;
import dev.kembed.topology.content.ContentChange;
import dev.kembed.topology.errors.DlqHeaders;
import dev.kembed.topology.errors.DlqMetrics;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.internal.EmbedRequest;
import dev.kembed.topology.metrics.EmbedMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micro-batches texts for inference without giving up exactly-once. Requests wait in a
 * changelogged store ({@code buffer}) until {@code embed.batch.size} are waiting or the oldest has
 * waited {@code embed.max.wait.ms} (wall clock); then one inference call embeds them all and the
 * vectors go out in arrival order. Because the buffer is a state store, the records it holds are
 * committed with the input offsets: a crash replays nothing twice and loses nothing. A second
 * store ({@code hashes}) remembers the content hash of every embedded entity, so unchanged text is
 * never embedded again; an edit replaces a buffered text, a delete drops it.
 */
public final class EmbedBatchProcessor implements Processor<String, EmbedRequest, String, ContentChange> {
  private static final Logger log = LoggerFactory.getLogger(EmbedBatchProcessor.class);

  private final Embedder embedder;
  private final String bufferStore;
  private final String hashStore;
  private final int batchSize;
  private final long maxWaitMs;

  private ProcessorContext<String, ContentChange> context;
  private KeyValueStore<String, EmbedRequest> buffer;
  private KeyValueStore<String, String> hashes;
  private EmbedMetrics metrics;
  private int buffered;
  private long nextSeq;
  private long oldestEnqueuedMs = Long.MAX_VALUE;

  public EmbedBatchProcessor(Embedder embedder, String bufferStore, String hashStore, int batchSize, long maxWaitMs) {
    this.embedder = embedder;
    this.bufferStore = bufferStore;
    this.hashStore = hashStore;
    this.batchSize = batchSize;
    this.maxWaitMs = maxWaitMs;
  }

  @Override
  public void init(ProcessorContext<String, ContentChange> context) {
    this.context = context;
    this.buffer = context.getStateStore(bufferStore);
    this.hashes = context.getStateStore(hashStore);
    this.metrics = new EmbedMetrics(context.metrics(), Thread.currentThread().getName(), context.taskId());
    // After a restart the buffer holds what was committed but not yet embedded: count it and
    // resume its sequence so the order of arrival survives the crash.
    try (KeyValueIterator<String, EmbedRequest> it = buffer.all()) {
      while (it.hasNext()) {
        EmbedRequest r = it.next().value;
        buffered++;
        nextSeq = Math.max(nextSeq, r.getSeq() + 1);
        oldestEnqueuedMs = Math.min(oldestEnqueuedMs, r.getEnqueuedAtMs());
      }
    }
    if (buffered > 0) {
      log.info("task {}: {} texts buffered before restart will be embedded at the next flush", context.taskId(), buffered);
    }
    metrics.queueDepth(buffered);
    // Check often enough that no text waits much longer than embed.max.wait.ms.
    long tick = Math.max(1, Math.min(maxWaitMs, Math.max(1, maxWaitMs / 4)));
    context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::flushIfDue);
  }

  @Override
  public void process(Record<String, EmbedRequest> record) {
    EmbedRequest r = record.value();
    String key = r.getEntityType() + ":" + r.getEntityId();
    if (r.getDeleted()) {
      remove(key);
      hashes.delete(key);
      context.forward(new Record<>(r.getEntityId(), ContentChange.delete(r, embedder.model().id()), record.timestamp(), record.headers()));
      return;
    }
    String hash = r.getContentHash();
    EmbedRequest pending = buffer.get(key);
    if (hash.equals(hashes.get(key))) {
      // Same text as the last embedding: nothing to do, and an edit still buffered is now stale.
      if (pending != null) {
        remove(key);
      }
      metrics.skippedUnchanged();
      return;
    }
    if (pending != null && hash.equals(pending.getContentHash())) {
      metrics.skippedUnchanged();
      return;
    }
    long now = context.currentSystemTimeMs();
    EmbedRequest queued = EmbedRequest.newBuilder(r).setSeq(nextSeq++).setEnqueuedAtMs(now).build();
    buffer.put(key, queued);
    if (pending == null) {
      buffered++;
    }
    oldestEnqueuedMs = Math.min(oldestEnqueuedMs, now);
    metrics.queueDepth(buffered);
    if (buffered >= batchSize) {
      flush();
    }
  }

  private void remove(String key) {
    if (buffer.delete(key) != null) {
      buffered--;
      metrics.queueDepth(buffered);
    }
  }

  private void flushIfDue(long now) {
    if (buffered > 0 && now - oldestEnqueuedMs >= maxWaitMs) {
      flush();
    }
  }

  private void flush() {
    List<KeyValue<String, EmbedRequest>> batch = new ArrayList<>(buffered);
    try (KeyValueIterator<String, EmbedRequest> it = buffer.all()) {
      it.forEachRemaining(batch::add);
    }
    batch.sort(Comparator.comparingLong(kv -> kv.value.getSeq()));
    List<String> texts = batch.stream().map(kv -> kv.value.getText()).toList();
    long start = System.nanoTime();
    Exception[] errors = new Exception[texts.size()];
    float[][] vectors = embedAll(texts, errors);
    metrics.batch(batch.size(), (System.nanoTime() - start) / 1e6);
    String modelId = embedder.model().id();
    for (int i = 0; i < batch.size(); i++) {
      KeyValue<String, EmbedRequest> kv = batch.get(i);
      EmbedRequest r = kv.value;
      if (vectors[i] != null) {
        hashes.put(kv.key, r.getContentHash());
        context.forward(new Record<>(r.getEntityId(), ContentChange.upsert(r, modelId, vectors[i]), r.getEventTime()));
      } else {
        Exception e = errors[i];
        log.warn("model failed on {} {} from {}-{}@{}: {}", r.getEntityType(), r.getEntityId(), r.getSourceTopic(), r.getSourcePartition(), r.getSourceOffset(), e.toString());
        var headers = DlqHeaders.write(new RecordHeaders(), DlqReason.MODEL_FAILURE, e.getClass().getName(), e.getMessage(), r.getSourceTopic(), r.getSourcePartition(), r.getSourceOffset());
        context.forward(new Record<>(r.getEntityId(), ContentChange.failed(r, modelId, e), r.getEventTime(), headers));
      }
      buffer.delete(kv.key);
    }
    buffered = 0;
    oldestEnqueuedMs = Long.MAX_VALUE;
    metrics.queueDepth(0);
  }

  // One call for the whole batch; if the model fails, retry text by text so one bad text costs
  // only itself (its error lands in errors[i], its vector stays null) and the rest still go out.
  private float[][] embedAll(List<String> texts, Exception[] errors) {
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
          DlqMetrics.record(DlqReason.MODEL_FAILURE);
        }
      }
      return out;
    }
  }

  @Override
  public void close() {
    // Nothing to release: buffered texts stay in the store and are embedded after a restart.
  }
}
