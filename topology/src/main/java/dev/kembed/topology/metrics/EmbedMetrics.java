package dev.kembed.topology.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.processor.TaskId;

/**
 * The embedding stage's meters: texts embedded ({@code kembed_embeddings_total}), texts skipped
 * because the same text was already embedded by the same model ({@code
 * kembed_embed_skipped_unchanged_total}), texts a backfill's cache already had a vector for and
 * that went out without a batch ({@code kembed_embed_known_total}), inference time per batch as a
 * Prometheus histogram ({@code kembed_embed_batch_duration_seconds_bucket}: p50/p99 with {@code
 * histogram_quantile}, aggregatable over instances, unlike client-side quantiles), texts per batch
 * ({@code kembed_embed_batch_size}, a summary with p50/p99) and, per task, the texts waiting in the
 * buffer ({@code kembed_embed_queue_depth{task}}). Counters and distributions are shared by all
 * tasks of an instance (Micrometer returns the same meter for the same name and tags).
 */
public final class EmbedMetrics implements AutoCloseable {
  private final MeterRegistry registry;
  private final Counter embedded;
  private final Counter skipped;
  private final Counter known;
  private final DistributionSummary batchSize;
  private final Timer latency;
  private final AtomicInteger depth = new AtomicInteger();
  private final Gauge queueDepth;

  public EmbedMetrics(MeterRegistry registry, TaskId task) {
    this.registry = registry;
    embedded =
        Counter.builder("kembed.embeddings").description("Texts embedded").register(registry);
    skipped =
        Counter.builder("kembed.embed.skipped.unchanged")
            .description(
                "Texts not embedded because the same text was already embedded with the same model")
            .register(registry);
    known =
        Counter.builder("kembed.embed.known")
            .description(
                "Texts whose vector was already known (a backfill's embedding cache), sent out"
                    + " without a batch")
            .register(registry);
    batchSize =
        DistributionSummary.builder("kembed.embed.batch.size")
            .description("Texts per inference batch")
            .publishPercentiles(0.5, 0.99)
            .percentilePrecision(2)
            .register(registry);
    latency =
        Timer.builder("kembed.embed.batch.duration")
            .description("Inference time of one batch")
            .publishPercentileHistogram()
            .register(registry);
    queueDepth =
        Gauge.builder("kembed.embed.queue.depth", depth, AtomicInteger::get)
            .description("Texts buffered, waiting for their batch")
            .tag("task", task.toString())
            .register(registry);
  }

  public void batch(int size, double millis) {
    batchSize.record(size);
    latency.record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
    embedded.increment(size);
  }

  public void skippedUnchanged() {
    skipped.increment();
  }

  public void knownVector() {
    known.increment();
  }

  public void queueDepth(int depth) {
    this.depth.set(depth);
  }

  /** Removes the task's gauge (the task moved away or closed). */
  @Override
  public void close() {
    registry.remove(queueDepth);
  }
}
