package dev.kembed.topology.expansion;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A partitioned in-memory log standing in for {@code content-embeddings}: records get offsets in
 * append order per partition, {@link #marker} takes an offset like a transaction marker, and {@link
 * #poll} returns at most {@code maxPoll} records so tests can stop the feeder mid-topic.
 */
final class InMemoryEmbeddingSource implements EmbeddingSource {
  private final Map<Integer, List<EmbeddingRecord>> log = new TreeMap<>();
  private final Map<Integer, Long> ends = new HashMap<>();
  private final Map<Integer, Long> beginnings = new HashMap<>();
  private final Map<Integer, Long> positions = new HashMap<>();
  private final int maxPoll;
  Map<Integer, Long> assignedAt;
  boolean closed;

  InMemoryEmbeddingSource(int partitions, int maxPoll) {
    for (int p = 0; p < partitions; p++) {
      log.put(p, new ArrayList<>());
      ends.put(p, 0L);
      beginnings.put(p, 0L);
    }
    this.maxPoll = maxPoll;
  }

  static ContentEmbedding embedding(String id, EntityType type, String model, float... v) {
    List<Float> vector = new ArrayList<>();
    for (float f : v) {
      vector.add(f);
    }
    return ContentEmbedding.newBuilder()
        .setEntityId(id)
        .setEntityType(type)
        .setModelId(model)
        .setVector(vector)
        .setContentHash("h")
        .setEventTime(Instant.EPOCH)
        .build();
  }

  InMemoryEmbeddingSource append(int partition, String key, ContentEmbedding value) {
    long offset = ends.get(partition);
    log.get(partition).add(new EmbeddingRecord(partition, offset, key, value));
    ends.put(partition, offset + 1);
    return this;
  }

  InMemoryEmbeddingSource marker(int partition) {
    ends.put(partition, ends.get(partition) + 1);
    return this;
  }

  void setBeginning(int partition, long offset) {
    beginnings.put(partition, offset);
  }

  @Override
  public List<Integer> partitions() {
    return new ArrayList<>(log.keySet());
  }

  @Override
  public Map<Integer, Long> beginningOffsets(List<Integer> partitions) {
    return new HashMap<>(beginnings);
  }

  @Override
  public Map<Integer, Long> endOffsets(List<Integer> partitions) {
    return new HashMap<>(ends);
  }

  @Override
  public void assign(Map<Integer, Long> start) {
    assignedAt = Map.copyOf(start);
    positions.putAll(start);
  }

  @Override
  public List<EmbeddingRecord> poll(Duration timeout) {
    List<EmbeddingRecord> out = new ArrayList<>();
    for (int p : log.keySet()) {
      long pos = positions.get(p);
      for (EmbeddingRecord r : log.get(p)) {
        if (out.size() == maxPoll) {
          return out;
        }
        if (r.offset() >= pos) {
          out.add(r);
          positions.put(p, r.offset() + 1);
        }
      }
      // Past the last record: markers after it are consumed too, as a Kafka consumer does.
      if (out.size() < maxPoll) {
        positions.put(p, Math.max(positions.get(p), ends.get(p)));
      }
    }
    return out;
  }

  @Override
  public long position(int partition) {
    return positions.get(partition);
  }

  @Override
  public void wakeup() {}

  @Override
  public void close() {
    closed = true;
  }
}
