package dev.kembed.topology.processors;

import dev.kembed.topology.content.AdaptiveBatcher;
import java.time.Duration;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * The short wall-clock punctuation through which the stream thread picks up an {@link
 * AdaptiveBatcher}'s finished batches and starts its waiting ones, scheduled only while the batcher
 * has work. Why not always: after every punctuation Streams halves the number of records its loop
 * takes from each task before it looks again, and every turn of that loop passes over all the
 * thread's tasks (in Kafka Streams 4.3 and 4.4 {@code TaskExecutionMetadata.canProcessTask} formats
 * a log string for each task on each pass, whatever the log level). A tick every 2 ms in each
 * embedding task kept that number at one or two records, so a stream of interactions paid for those
 * passes on nearly every record while no text was being embedded (docs/performance.md). With work
 * in the batcher the tick runs as before, so a text's latency is unchanged.
 */
final class BatcherTick {
  private final ProcessorContext<?, ?> context;
  private final AdaptiveBatcher batcher;
  private final Duration interval;
  private Cancellable scheduled;

  BatcherTick(ProcessorContext<?, ?> context, AdaptiveBatcher batcher, Duration interval) {
    this.context = context;
    this.batcher = batcher;
    this.interval = interval;
  }

  /** Offers the batcher the texts just buffered, and ticks from now on if that gave it work. */
  void offered(long nowMs) {
    batcher.offered(nowMs);
    workMayHaveArrived();
  }

  /** After the batcher may have gained work (a buffer restored at init): tick if it has. */
  void workMayHaveArrived() {
    if (scheduled == null && batcher.hasWork()) {
      scheduled = context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::tick);
    }
  }

  private void tick(long nowMs) {
    batcher.tick(nowMs);
    if (!batcher.hasWork()) {
      cancel();
    }
  }

  void cancel() {
    if (scheduled != null) {
      scheduled.cancel();
      scheduled = null;
    }
  }
}
