package dev.kembed.topology.metrics;

import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.TaskId;

/**
 * Hits, misses and evictions of the query-embedding cache (group {@code kembed-query}, tagged with thread and
 * task), in Kafka Streams' metrics registry: hit rate = hits / (hits + misses).
 */
public final class QueryCacheMetrics {
  public static final String GROUP = "kembed-query";
  private final Sensor hits;
  private final Sensor misses;
  private final Sensor evictions;

  public QueryCacheMetrics(StreamsMetrics metrics, String threadId, TaskId task) {
    Map<String, String> tags = Map.of("thread-id", threadId, "task-id", task.toString());
    hits = metrics.addSensor(threadId + "." + task + ".query-cache-hits", Sensor.RecordingLevel.INFO);
    hits.add(new MetricName("query-cache-hits-total", GROUP, "Searches whose normalised query was already embedded", tags), new CumulativeSum());
    misses = metrics.addSensor(threadId + "." + task + ".query-cache-misses", Sensor.RecordingLevel.INFO);
    misses.add(new MetricName("query-cache-misses-total", GROUP, "Searches whose normalised query had to be embedded", tags), new CumulativeSum());
    evictions = metrics.addSensor(threadId + "." + task + ".query-cache-evictions", Sensor.RecordingLevel.INFO);
    evictions.add(new MetricName("query-cache-evictions-total", GROUP, "Cached queries evicted after search.query.cache.ttl.ms unused (and tombstoned in the outputs)", tags), new CumulativeSum());
  }

  public void evicted(int n) {
    if (n > 0) {
      evictions.record(n);
    }
  }

  public void hit() {
    hits.record();
  }

  public void miss() {
    misses.record();
  }
}
