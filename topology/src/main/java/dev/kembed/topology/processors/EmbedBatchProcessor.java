package dev.kembed.topology.processors;

import dev.kembed.inference.Embedder;
import dev.kembed.topology.content.BatchBuffer;
import dev.kembed.topology.content.ContentChange;
import dev.kembed.topology.errors.DeadLetter;
import dev.kembed.topology.drift.DriftMetrics;
import dev.kembed.topology.drift.DriftStats;
import dev.kembed.topology.errors.DlqMetrics;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.internal.EmbedRequest;
import dev.kembed.topology.time.TaskClockStore;
import dev.kembed.topology.metrics.EmbedMetrics;
import dev.kembed.topology.metrics.KembedMeters;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds posts and comments in micro-batches without giving up exactly-once. Requests wait in a
 * changelogged {@link BatchBuffer} until {@code embed.batch.size} are waiting or the oldest has
 * waited {@code embed.max.wait.ms} (wall clock); then one inference call embeds them all and the
 * vectors go out in arrival order. The buffer is committed with the input offsets, so a crash
 * replays nothing twice and loses nothing. A second store ({@code hashes}) remembers the content
 * hash of every embedded entity, so unchanged text is never embedded again; an edit replaces a
 * buffered text, a delete drops it. A text whose embedding or outputs fail is dead-lettered alone
 * (with its input's bytes and coordinates) and its hash is not stored; the rest of the batch goes
 * out.
 */
public final class EmbedBatchProcessor implements Processor<String, EmbedRequest, String, ContentChange> {
  private static final Logger log = LoggerFactory.getLogger(EmbedBatchProcessor.class);

  private final Embedder embedder;
  private final String bufferStore;
  private final String clockStore;
  private final String hashStore;
  private final int batchSize;
  private final long maxWaitMs;

  private ProcessorContext<String, ContentChange> context;
  private BatchBuffer buffer;
  private KeyValueStore<String, String> hashes;
  private EmbedMetrics metrics;
  private DlqMetrics dlq;
  private DriftStats drift;

  public EmbedBatchProcessor(Embedder embedder, String bufferStore, String hashStore, int batchSize, long maxWaitMs) {
    this(embedder, bufferStore, hashStore, batchSize, maxWaitMs, null);
  }

  /** With {@code clockStore}, the buffer holds the task's watermark at its earliest text. */
  public EmbedBatchProcessor(Embedder embedder, String bufferStore, String hashStore, int batchSize, long maxWaitMs, String clockStore) {
    this.embedder = embedder;
    this.clockStore = clockStore;
    this.bufferStore = bufferStore;
    this.hashStore = hashStore;
    this.batchSize = batchSize;
    this.maxWaitMs = maxWaitMs;
  }

  @Override
  public void init(ProcessorContext<String, ContentChange> context) {
    this.context = context;
    this.buffer = new BatchBuffer(context.getStateStore(bufferStore), batchSize, maxWaitMs);
    if (clockStore != null) {
      ((TaskClockStore) context.getStateStore(clockStore)).clock().hold(bufferStore, buffer::earliestEventTime);
    }
    this.hashes = context.getStateStore(hashStore);
    this.metrics = new EmbedMetrics(KembedMeters.registry(context.appConfigs()), context.taskId());
    this.dlq = DlqMetrics.from(context.appConfigs());
    this.drift = DriftMetrics.from(context.appConfigs()).stats(embedder);
    if (buffer.size() > 0) {
      log.info("task {}: {} texts buffered before a restart will be embedded at the next flush", context.taskId(), buffer.size());
    }
    metrics.queueDepth(buffer.size());
    // Check often enough that no text waits much longer than embed.max.wait.ms.
    context.schedule(Duration.ofMillis(Math.max(1, maxWaitMs / 4)), PunctuationType.WALL_CLOCK_TIME, now -> {
      if (buffer.due(now)) {
        flush();
      }
    });
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
    boolean full = buffer.put(key, r, context.currentSystemTimeMs());
    metrics.queueDepth(buffer.size());
    if (full) {
      flush();
    }
  }

  private void flush() {
    List<KeyValue<String, EmbedRequest>> batch = buffer.drain();
    List<String> texts = batch.stream().map(kv -> kv.value.getText()).toList();
    Exception[] errors = new Exception[texts.size()];
    long start = System.nanoTime();
    float[][] vectors = BatchBuffer.embed(embedder, texts, errors);
    metrics.batch(batch.size(), (System.nanoTime() - start) / 1e6);
    metrics.queueDepth(0);
    String modelId = embedder.model().id();
    for (int i = 0; i < batch.size(); i++) {
      String key = batch.get(i).key;
      EmbedRequest r = batch.get(i).value;
      try {
        if (vectors[i] != null) {
          boolean first = hashes.get(key) == null;
          context.forward(new Record<>(r.getEntityId(), ContentChange.upsert(r, modelId, vectors[i], first), r.getEventTime()));
          hashes.put(key, r.getContentHash()); // only once its outputs went out: a failed text is retried when re-sent
          drift.content(texts.get(i), vectors[i]);
        } else {
          deadLetter(r, errors[i], BatchBuffer.reasonFor(errors[i]), modelId);
        }
      } catch (RuntimeException e) {
        // One text's outputs failed to go out (say, a sink refused its time): it alone is
        // dead-lettered, the rest of the batch still goes out.
        deadLetter(r, e, DlqReason.PROCESSING_ERROR, modelId);
      }
    }
  }

  private void deadLetter(EmbedRequest r, Exception e, DlqReason reason, String modelId) {
    log.warn("{} on {} {} from {}-{}@{}: {}", reason, r.getEntityType(), r.getEntityId(), r.getSourceTopic(), r.getSourcePartition(), r.getSourceOffset(), e.toString());
    try {
      var headers = DeadLetter.headers(dlq, reason, e.getClass().getName(), e.getMessage(), r.getSourceTopic(), r.getSourcePartition(), r.getSourceOffset());
      // Wall-clock time: the record's own event time may be what made its outputs fail.
      context.forward(new Record<>(r.getEntityId(), ContentChange.failed(r, modelId, e), context.currentSystemTimeMs(), headers));
    } catch (RuntimeException dlqFailure) {
      log.error("could not dead-letter {} {} from {}-{}@{}", r.getEntityType(), r.getEntityId(), r.getSourceTopic(), r.getSourcePartition(), r.getSourceOffset(), dlqFailure);
      dlq.dropped(DlqReason.DLQ_WRITE_FAILED);
    }
  }

  @Override
  public void close() {
    if (metrics != null) {
      metrics.close(); // the task's queue-depth gauge goes with the task
    }
  }
}
