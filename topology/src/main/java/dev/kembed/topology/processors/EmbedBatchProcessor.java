package dev.kembed.topology.processors;

import dev.kembed.inference.Embedder;
import dev.kembed.topology.content.AdaptiveBatcher;
import dev.kembed.topology.content.BatchBuffer;
import dev.kembed.topology.content.InferenceWorkers;
import dev.kembed.topology.content.ContentChange;
import dev.kembed.topology.errors.DeadLetter;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.internal.EmbedRequest;
import dev.kembed.topology.metrics.EmbedMetrics;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds posts and comments in adaptive micro-batches without giving up exactly-once. Requests wait
 * in a changelogged {@link BatchBuffer}; an {@link AdaptiveBatcher} sends them to the model at once
 * when it is idle and lets them accumulate (up to {@code embed.batch.size}) while it is busy, with
 * inference on {@link InferenceWorkers} off the stream thread. Vectors go out in arrival order, from
 * the stream thread, and a request leaves the buffer only when its vector is forwarded, so a crash
 * replays nothing twice and loses nothing. A second store ({@code hashes}) remembers the content
 * hash of every embedded entity, so unchanged text is never embedded again; an edit replaces a
 * buffered text, a delete drops it (and a batch in flight for it is then not forwarded).
 */
public final class EmbedBatchProcessor implements Processor<String, EmbedRequest, String, ContentChange> {
  private static final Logger log = LoggerFactory.getLogger(EmbedBatchProcessor.class);
  /** How often the stream thread looks for finished batches when no record arrives. */
  static final Duration TICK = Duration.ofMillis(2);

  private final Embedder embedder;
  private final String bufferStore;
  private final String hashStore;
  private final int batchSize;
  private final InferenceWorkers workers;
  private final long minWaitMs;

  private ProcessorContext<String, ContentChange> context;
  private BatchBuffer buffer;
  private AdaptiveBatcher batcher;
  private KeyValueStore<String, String> hashes;
  private EmbedMetrics metrics;

  /** Inference inline on the stream thread. */
  public EmbedBatchProcessor(Embedder embedder, String bufferStore, String hashStore, int batchSize) {
    this(embedder, bufferStore, hashStore, batchSize, 0, InferenceWorkers.inline());
  }

  /** {@code minWaitMs}: see {@link AdaptiveBatcher} ({@code embed.max.wait.ms}, 0 by default). */
  public EmbedBatchProcessor(Embedder embedder, String bufferStore, String hashStore, int batchSize, long minWaitMs, InferenceWorkers workers) {
    this.minWaitMs = minWaitMs;
    this.embedder = embedder;
    this.bufferStore = bufferStore;
    this.hashStore = hashStore;
    this.batchSize = batchSize;
    this.workers = workers;
  }

  @Override
  public void init(ProcessorContext<String, ContentChange> context) {
    this.context = context;
    this.buffer = new BatchBuffer(context.getStateStore(bufferStore));
    this.hashes = context.getStateStore(hashStore);
    this.metrics = new EmbedMetrics(context.metrics(), Thread.currentThread().getName(), context.taskId());
    this.batcher = new AdaptiveBatcher(buffer, embedder, workers, batchSize, minWaitMs, this::forward, (n, ms) -> {
      metrics.batch(n, ms);
      metrics.queueDepth(buffer.size());
    });
    if (buffer.size() > 0) {
      log.info("task {}: {} texts buffered before a restart will be embedded at the next flush", context.taskId(), buffer.size());
    }
    metrics.queueDepth(buffer.size());
    context.schedule(TICK, PunctuationType.WALL_CLOCK_TIME, batcher::tick);
  }

  @Override
  public void process(Record<String, EmbedRequest> record) {
    EmbedRequest r = record.value();
    String key = r.getEntityType() + ":" + r.getEntityId();
    if (r.getDeleted()) {
      buffer.remove(key);
      hashes.delete(key);
      metrics.queueDepth(buffer.size());
      context.forward(new Record<>(r.getEntityId(), ContentChange.delete(r, embedder.model().id()), record.timestamp(), record.headers()));
      return;
    }
    String hash = r.getContentHash();
    if (hash.equals(hashes.get(key))) {
      // Same text as the last embedding: nothing to do, and an edit still buffered is now stale.
      buffer.remove(key);
      metrics.queueDepth(buffer.size());
      metrics.skippedUnchanged();
      return;
    }
    EmbedRequest pending = buffer.get(key);
    if (pending != null && hash.equals(pending.getContentHash())) {
      metrics.skippedUnchanged();
      return;
    }
    buffer.put(key, r, context.currentSystemTimeMs());
    metrics.queueDepth(buffer.size());
    batcher.offered(context.currentSystemTimeMs());
  }

  @Override
  public void close() {
    if (batcher != null) {
      batcher.close();
    }
  }

  private void forward(List<AdaptiveBatcher.Embedded> done) {
    String modelId = embedder.model().id();
    for (AdaptiveBatcher.Embedded e : done) {
      EmbedRequest r = e.request();
      if (e.vector() != null) {
        boolean first = hashes.get(e.key()) == null;
        hashes.put(e.key(), r.getContentHash());
        context.forward(new Record<>(r.getEntityId(), ContentChange.upsert(r, modelId, e.vector(), first), r.getEventTime()));
      } else {
        Exception error = e.error();
        DlqReason reason = BatchBuffer.reasonFor(error);
        log.warn("{} on {} {} from {}-{}@{}: {}", reason, r.getEntityType(), r.getEntityId(), r.getSourceTopic(), r.getSourcePartition(), r.getSourceOffset(), error.toString());
        var headers = DeadLetter.headers(reason, error.getClass().getName(), error.getMessage(), r.getSourceTopic(), r.getSourcePartition(), r.getSourceOffset());
        context.forward(new Record<>(r.getEntityId(), ContentChange.failed(r, modelId, error), r.getEventTime(), headers));
      }
    }
  }
}
