package dev.kembed.topology.processors;

import dev.kembed.inference.Embedder;
import dev.kembed.topology.content.AdaptiveBatcher;
import dev.kembed.topology.content.BatchBuffer;
import dev.kembed.topology.content.ContentChange;
import dev.kembed.topology.content.InferenceWorkers;
import dev.kembed.topology.content.KnownVectors;
import dev.kembed.topology.drift.DriftMetrics;
import dev.kembed.topology.drift.DriftStats;
import dev.kembed.topology.errors.DeadLetter;
import dev.kembed.topology.errors.DlqMetrics;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.internal.EmbedRequest;
import dev.kembed.topology.metrics.EmbedMetrics;
import dev.kembed.topology.metrics.KembedMeters;
import dev.kembed.topology.time.TaskClockStore;
import java.time.Duration;
import java.util.List;
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
 * inference on {@link InferenceWorkers} off the stream thread. Vectors go out in arrival order,
 * from the stream thread, and a request leaves the buffer only when its vector is forwarded, so a
 * crash replays nothing twice and loses nothing. A second store ({@code hashes}) remembers the
 * content hash of every embedded entity, so unchanged text is never embedded again; an edit
 * replaces a buffered text, a delete drops it (and a batch in flight for it is then not forwarded).
 * A text whose embedding or outputs fail is dead-lettered alone (with its input's bytes and
 * coordinates) and its hash is not stored; the rest of the batch goes out. With a clock store, the
 * buffer holds the task's event-time watermark at its earliest text, waiting or in flight.
 */
public final class EmbedBatchProcessor
    implements Processor<String, EmbedRequest, String, ContentChange> {
  private static final Logger log = LoggerFactory.getLogger(EmbedBatchProcessor.class);

  /**
   * How often the stream thread looks for finished batches when no record arrives, while a batch is
   * in flight or a text waits ({@link BatcherTick}).
   */
  static final Duration TICK = Duration.ofMillis(2);

  private final Embedder embedder;
  private final String bufferStore;
  private final String clockStore;
  private final String hashStore;
  private final int batchSize;
  private final InferenceWorkers workers;
  private final long minWaitMs;

  private ProcessorContext<String, ContentChange> context;
  private BatchBuffer buffer;
  private AdaptiveBatcher batcher;
  private BatcherTick tick;
  private KeyValueStore<String, String> hashes;
  private EmbedMetrics metrics;
  private DlqMetrics dlq;
  private DriftStats drift;

  /** Inference inline on the stream thread, no minimum wait. */
  public EmbedBatchProcessor(
      Embedder embedder, String bufferStore, String hashStore, int batchSize) {
    this(embedder, bufferStore, hashStore, batchSize, 0, InferenceWorkers.inline(), null);
  }

  /** Inference inline on the stream thread; {@code minWaitMs}: see {@link AdaptiveBatcher}. */
  public EmbedBatchProcessor(
      Embedder embedder, String bufferStore, String hashStore, int batchSize, long minWaitMs) {
    this(embedder, bufferStore, hashStore, batchSize, minWaitMs, InferenceWorkers.inline(), null);
  }

  /**
   * Inference inline; with {@code clockStore}, the buffer holds the task's watermark at its
   * earliest text.
   */
  public EmbedBatchProcessor(
      Embedder embedder,
      String bufferStore,
      String hashStore,
      int batchSize,
      long minWaitMs,
      String clockStore) {
    this(
        embedder,
        bufferStore,
        hashStore,
        batchSize,
        minWaitMs,
        InferenceWorkers.inline(),
        clockStore);
  }

  /** {@code minWaitMs}: see {@link AdaptiveBatcher} ({@code embed.max.wait.ms}, 0 by default). */
  public EmbedBatchProcessor(
      Embedder embedder,
      String bufferStore,
      String hashStore,
      int batchSize,
      long minWaitMs,
      InferenceWorkers workers) {
    this(embedder, bufferStore, hashStore, batchSize, minWaitMs, workers, null);
  }

  /**
   * With {@code clockStore} (nullable), the buffer holds the task's watermark at its earliest text,
   * waiting or in flight.
   */
  public EmbedBatchProcessor(
      Embedder embedder,
      String bufferStore,
      String hashStore,
      int batchSize,
      long minWaitMs,
      InferenceWorkers workers,
      String clockStore) {
    this.embedder = embedder;
    this.bufferStore = bufferStore;
    this.hashStore = hashStore;
    this.batchSize = batchSize;
    this.minWaitMs = minWaitMs;
    this.workers = workers;
    this.clockStore = clockStore;
  }

  @Override
  public void init(ProcessorContext<String, ContentChange> context) {
    this.context = context;
    this.buffer = new BatchBuffer(context.getStateStore(bufferStore));
    if (clockStore != null) {
      // Requests stay in the buffer until their outputs are forwarded, so this covers those in
      // flight too.
      ((TaskClockStore) context.getStateStore(clockStore))
          .clock()
          .hold(bufferStore, buffer::earliestEventTime);
    }
    this.hashes = context.getStateStore(hashStore);
    this.metrics = new EmbedMetrics(KembedMeters.registry(context.appConfigs()), context.taskId());
    this.dlq = DlqMetrics.from(context.appConfigs());
    this.batcher =
        new AdaptiveBatcher(
            buffer,
            embedder,
            workers,
            batchSize,
            minWaitMs,
            this::forward,
            (n, ms) -> {
              metrics.batch(n, ms);
              metrics.queueDepth(buffer.size());
            });
    this.drift = DriftMetrics.from(context.appConfigs()).stats(embedder);
    if (buffer.size() > 0) {
      log.info(
          "task {}: {} texts buffered before a restart will be embedded at the next flush",
          context.taskId(),
          buffer.size());
    }
    metrics.queueDepth(buffer.size());
    this.tick = new BatcherTick(context, batcher, TICK);
    tick.workMayHaveArrived();
  }

  @Override
  public void process(Record<String, EmbedRequest> record) {
    EmbedRequest r = record.value();
    String key = r.getEntityType() + ":" + r.getEntityId();
    if (r.getDeleted()) {
      buffer.remove(key);
      hashes.delete(key);
      metrics.queueDepth(buffer.size());
      context.forward(
          new Record<>(
              r.getEntityId(),
              ContentChange.delete(r, embedder.model().id()),
              record.timestamp(),
              record.headers()));
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
    if (buffer.size() == 0 && embedder instanceof KnownVectors known) {
      // A backfill's cache: with nothing waiting or in flight, a known vector going out now keeps
      // arrival order, and skips the buffer write, its changelog record and tombstone, and the
      // hand-off to an inference thread.
      float[] vector = known.lookup(hash);
      if (vector != null) {
        forward(List.of(new AdaptiveBatcher.Embedded(key, r, vector, null)));
        metrics.knownVector();
        return;
      }
    }
    buffer.put(key, r, context.currentSystemTimeMs());
    metrics.queueDepth(buffer.size());
    tick.offered(context.currentSystemTimeMs());
  }

  // Each text's outputs go out on their own: one that fails is dead-lettered alone, and its hash is
  // stored only once its outputs went out (a failed text is embedded again when re-sent).
  private void forward(List<AdaptiveBatcher.Embedded> done) {
    String modelId = embedder.model().id();
    for (AdaptiveBatcher.Embedded e : done) {
      EmbedRequest r = e.request();
      try {
        if (e.vector() != null) {
          boolean first = hashes.get(e.key()) == null;
          context.forward(
              new Record<>(
                  r.getEntityId(),
                  ContentChange.upsert(r, modelId, e.vector(), first),
                  r.getEventTime()));
          hashes.put(e.key(), r.getContentHash());
          drift.content(r.getText(), e.vector());
        } else {
          deadLetter(r, e.error(), BatchBuffer.reasonFor(e.error()), modelId);
        }
      } catch (RuntimeException failure) {
        // One text's outputs failed to go out (say, a sink refused its time): it alone is
        // dead-lettered, the rest of the batch still goes out.
        deadLetter(r, failure, DlqReason.PROCESSING_ERROR, modelId);
      }
    }
  }

  private void deadLetter(EmbedRequest r, Exception e, DlqReason reason, String modelId) {
    log.warn(
        "{} on {} {} from {}-{}@{}: {}",
        reason,
        r.getEntityType(),
        r.getEntityId(),
        r.getSourceTopic(),
        r.getSourcePartition(),
        r.getSourceOffset(),
        e.toString());
    try {
      var headers =
          DeadLetter.headers(
              dlq,
              reason,
              e.getClass().getName(),
              e.getMessage(),
              r.getSourceTopic(),
              r.getSourcePartition(),
              r.getSourceOffset());
      // Wall-clock time: the record's own event time may be what made its outputs fail.
      context.forward(
          new Record<>(
              r.getEntityId(),
              ContentChange.failed(r, modelId, e),
              context.currentSystemTimeMs(),
              headers));
    } catch (RuntimeException dlqFailure) {
      log.error(
          "could not dead-letter {} {} from {}-{}@{}",
          r.getEntityType(),
          r.getEntityId(),
          r.getSourceTopic(),
          r.getSourcePartition(),
          r.getSourceOffset(),
          dlqFailure);
      dlq.dropped(DlqReason.DLQ_WRITE_FAILED);
    }
  }

  @Override
  public void close() {
    if (batcher != null) {
      batcher.close();
    }
    if (tick != null) {
      tick.cancel();
    }
    if (metrics != null) {
      metrics.close(); // the task's queue-depth gauge goes with the task
    }
  }
}
