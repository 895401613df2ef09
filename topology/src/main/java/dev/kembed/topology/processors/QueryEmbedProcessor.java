package dev.kembed.topology.processors;

import dev.kembed.inference.Embedder;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.topology.content.AdaptiveBatcher;
import dev.kembed.topology.content.BatchBuffer;
import dev.kembed.topology.content.ContentChange;
import dev.kembed.topology.content.InferenceWorkers;
import dev.kembed.topology.content.Signals;
import dev.kembed.topology.errors.DeadLetter;
import dev.kembed.topology.errors.DlqMetrics;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.errors.SourceHeaders;
import dev.kembed.topology.internal.EmbedRequest;
import dev.kembed.topology.metrics.KembedMeters;
import dev.kembed.topology.metrics.QueryCacheMetrics;
import dev.kembed.topology.text.ContentHash;
import dev.kembed.topology.time.TaskClockStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.LoggerFactory;

/**
 * Embeds search queries, keyed by normalised query. Queries repeat heavily, so a store caches each
 * normalised query's vector (per model): a repeat costs a lookup, and its SEARCH_INTENT signal goes
 * out at once. A new query waits in the same exactly-once {@link BatchBuffer} and {@link
 * AdaptiveBatcher} the content stream uses (run at once when the model is idle, batched while it is
 * busy); in a batch each distinct query is embedded once however many searches wait for it, goes
 * out once to {@code content-embeddings} as a QUERY entity (and to the {@code queries} index), and
 * every waiting search becomes a signal for its user. A cached query unused for {@code
 * search.query.cache.ttl.ms} of event time is evicted, so the cache holds the queries people still
 * search for rather than every query ever seen (a query searched again later is embedded again, to
 * the same vector); eviction also tombstones the query in {@code content-embeddings} and deletes it
 * from the {@code queries} index, so neither keeps every query ever searched. With a clock store,
 * the buffer holds the task's event-time watermark at its earliest search, waiting or in flight; a
 * search whose outputs fail is dead-lettered alone.
 */
public final class QueryEmbedProcessor
    implements Processor<String, SearchQueryEvent, String, QueryEmbedOutput> {
  private final Embedder embedder;
  private final String bufferStore;
  private final String clockStore;
  private final String cacheStore;
  private final int batchSize;
  private final InferenceWorkers workers;
  private final long minWaitMs;
  private final Serializer<SearchQueryEvent> eventSerializer;
  private final long cacheTtlMs;
  private ProcessorContext<String, QueryEmbedOutput> context;
  private BatchBuffer buffer;
  private AdaptiveBatcher batcher;
  private BatcherTick tick;
  private KeyValueStore<String, byte[]> cache;
  private QueryCacheMetrics metrics;
  private DlqMetrics dlq;

  /** An entry's last-used time is rewritten at most this often, not on every repeat. */
  static final long LAST_USED_REFRESH_MS = 86_400_000L;

  /**
   * Inference on {@code workers}; with {@code clockStore} (nullable), the buffer holds the task's
   * watermark at its earliest search, waiting or in flight.
   */
  public QueryEmbedProcessor(
      Embedder embedder,
      String bufferStore,
      String cacheStore,
      int batchSize,
      long minWaitMs,
      Serializer<SearchQueryEvent> eventSerializer,
      long cacheTtlMs,
      InferenceWorkers workers,
      String clockStore) {
    this.clockStore = clockStore;
    this.workers = workers;
    this.cacheTtlMs = cacheTtlMs;
    this.embedder = embedder;
    this.bufferStore = bufferStore;
    this.cacheStore = cacheStore;
    this.batchSize = batchSize;
    this.minWaitMs = minWaitMs;
    this.eventSerializer = eventSerializer;
  }

  @Override
  public void init(ProcessorContext<String, QueryEmbedOutput> context) {
    this.context = context;
    this.buffer = new BatchBuffer(context.getStateStore(bufferStore));
    if (clockStore != null) {
      ((TaskClockStore) context.getStateStore(clockStore))
          .clock()
          .hold(bufferStore, buffer::earliestEventTime);
    }
    this.cache = context.getStateStore(cacheStore);
    this.metrics = new QueryCacheMetrics(KembedMeters.registry(context.appConfigs()));
    this.dlq = DlqMetrics.from(context.appConfigs());
    if (cacheTtlMs > 0) {
      context.schedule(
          Duration.ofMillis(Math.max(60_000, Math.min(cacheTtlMs / 10, 3_600_000))),
          PunctuationType.STREAM_TIME,
          this::evict);
    }
    this.batcher =
        new AdaptiveBatcher(
            buffer, embedder, workers, batchSize, minWaitMs, this::deliver, (n, ms) -> {});
    this.tick = new BatcherTick(context, batcher, EmbedBatchProcessor.TICK);
    tick.workMayHaveArrived();
  }

  private String cacheKey(String query) {
    return embedder.model().id() + "|" + query;
  }

  @Override
  public void process(Record<String, SearchQueryEvent> record) {
    String query = record.key();
    SearchQueryEvent q = record.value();
    String topic = SourceHeaders.topic(record.headers());
    EmbedRequest request =
        EmbedRequest.newBuilder()
            .setEntityId(query)
            .setEntityType("QUERY")
            .setAuthorId(q.getUserId())
            .setText(query)
            .setContentHash(ContentHash.of(embedder.model().id(), query))
            .setEventTime(q.getEventTime().toEpochMilli())
            .setSourceTopic(topic)
            .setSourcePartition(SourceHeaders.partition(record.headers()))
            .setSourceOffset(SourceHeaders.offset(record.headers()))
            .setSourceValue(
                ByteBuffer.wrap(eventSerializer.serialize(topic == null ? "" : topic, q)))
            .build();
    byte[] cached = cache.get(cacheKey(query));
    if (cached != null) {
      metrics.hit();
      float[] vector = vectorOf(cached);
      if (request.getEventTime() - lastUsedOf(cached) >= LAST_USED_REFRESH_MS) {
        cache.put(cacheKey(query), encode(request.getEventTime(), vector));
      }
      forwardSignal(request, vector);
      return;
    }
    metrics.miss();
    // Unique per search: the same query from two users waits twice but is embedded once.
    String key =
        String.format(
            Locale.ROOT,
            "%s%c%s-%d-%d",
            query,
            '\u0000',
            topic,
            request.getSourcePartition(),
            request.getSourceOffset());
    buffer.put(key, request, context.currentSystemTimeMs());
    tick.offered(context.currentSystemTimeMs());
  }

  @Override
  public void close() {
    if (batcher != null) {
      batcher.close();
    }
    if (tick != null) {
      tick.cancel();
    }
  }

  // The batcher embeds each distinct query of a batch once; every search gets its vector here.
  private void deliver(List<AdaptiveBatcher.Embedded> done) {
    for (AdaptiveBatcher.Embedded e : done) {
      EmbedRequest r = e.request();
      float[] v = e.vector();
      if (v == null) {
        deadLetter(r, e.error(), BatchBuffer.reasonFor(e.error()));
        continue;
      }
      try {
        if (cache.get(cacheKey(r.getText())) == null) {
          context.forward(
              new Record<>(
                  r.getEntityId(),
                  new QueryEmbedOutput.Change(
                      ContentChange.upsert(
                          EmbedRequest.newBuilder(r).setAuthorId(null).build(),
                          embedder.model().id(),
                          v,
                          true)),
                  r.getEventTime()));
          cache.put(cacheKey(r.getText()), encode(r.getEventTime(), v)); // only once it went out
        }
        forwardSignal(r, v);
      } catch (RuntimeException failure) {
        // This search's outputs failed; it alone is dead-lettered, the batch goes on.
        deadLetter(r, failure, DlqReason.PROCESSING_ERROR);
      }
    }
  }

  private void forwardSignal(EmbedRequest r, float[] v) {
    context.forward(
        new Record<>(
            r.getAuthorId(),
            new QueryEmbedOutput.Signal(Signals.search(r, embedder.model().id(), v)),
            r.getEventTime()));
  }

  private void deadLetter(EmbedRequest r, Exception e, DlqReason reason) {
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
      byte[] value = Utils.toArray(r.getSourceValue());
      // Wall-clock time: the search's own event time may be what made its outputs fail.
      context.forward(
          new Record<>(
              r.getAuthorId(),
              new QueryEmbedOutput.Dead(
                  new DeadLetter(r.getAuthorId().getBytes(StandardCharsets.UTF_8), value)),
              context.currentSystemTimeMs(),
              headers));
    } catch (RuntimeException dlqFailure) {
      LoggerFactory.getLogger(QueryEmbedProcessor.class)
          .error(
              "could not dead-letter the search from {}-{}@{}",
              r.getSourceTopic(),
              r.getSourcePartition(),
              r.getSourceOffset(),
              dlqFailure);
      dlq.dropped(DlqReason.DLQ_WRITE_FAILED);
    }
  }

  // Drops queries nobody has searched for within the TTL (event time), and makes the outputs
  // forget them too: a tombstone to content-embeddings (so compaction removes the query) and a
  // DELETE to index-updates (so the queries index drops it). Entries of an older model only
  // leave the cache: the published query belongs to the current model.
  private void evict(long streamTime) {
    java.util.List<String> old = new java.util.ArrayList<>();
    try (var it = cache.all()) {
      it.forEachRemaining(
          kv -> {
            if (lastUsedOf(kv.value) < streamTime - cacheTtlMs) {
              old.add(kv.key);
            }
          });
    }
    String current = embedder.model().id() + "|";
    for (String key : old) {
      cache.delete(key);
      if (key.startsWith(current)) {
        String query = key.substring(current.length());
        EmbedRequest gone =
            EmbedRequest.newBuilder()
                .setEntityId(query)
                .setEntityType("QUERY")
                .setDeleted(true)
                .setEventTime(streamTime)
                .build();
        context.forward(
            new Record<>(
                query,
                new QueryEmbedOutput.Change(ContentChange.delete(gone, embedder.model().id())),
                streamTime));
      }
    }
    metrics.evicted(old.size());
  }

  // Cache value: the last-used event time (8 bytes, big-endian), then the vector's floats.
  static byte[] encode(long lastUsed, float[] v) {
    ByteBuffer b = ByteBuffer.allocate(8 + 4 * v.length);
    b.putLong(lastUsed);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  static long lastUsedOf(byte[] bytes) {
    return ByteBuffer.wrap(bytes).getLong();
  }

  static float[] vectorOf(byte[] bytes) {
    float[] v = new float[(bytes.length - 8) / 4];
    ByteBuffer.wrap(bytes, 8, bytes.length - 8).asFloatBuffer().get(v);
    return v;
  }
}
