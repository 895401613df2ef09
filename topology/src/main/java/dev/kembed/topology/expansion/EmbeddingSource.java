package dev.kembed.topology.expansion;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where the index feeder reads embeddings from: every partition of the {@code content-embeddings}
 * topic, positioned explicitly by the feeder (no consumer group, no committed offsets: the offsets
 * a snapshot covers are the only record of progress). {@link KafkaEmbeddingSource} is the real one;
 * tests use an in-memory log. Offsets are Kafka's: the offset of the next record to read.
 */
public interface EmbeddingSource extends AutoCloseable {

  /** The partitions of the topic; blocks until the topic's metadata is known. */
  List<Integer> partitions();

  /** First readable offset of each partition. */
  Map<Integer, Long> beginningOffsets(List<Integer> partitions);

  /** Offset after the last readable (committed) record of each partition. */
  Map<Integer, Long> endOffsets(List<Integer> partitions);

  /** Reads every partition in {@code positions}, each from the given offset. */
  void assign(Map<Integer, Long> positions);

  /** The next records, possibly none; waits at most {@code timeout}. */
  List<EmbeddingRecord> poll(Duration timeout);

  /**
   * The offset of the next record {@link #poll} would return for {@code partition}. It can be past
   * the last record returned (transaction markers take offsets too), which is what readiness and
   * snapshots must use.
   */
  long position(int partition);

  /**
   * Makes a blocked {@link #poll} return early; the only method safe to call from another thread.
   */
  void wakeup();

  @Override
  void close();
}
