package dev.kembed.topology.metrics;

import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.TaskId;

/**
 * Event-time ordering of one task (group {@code kembed-event-time}, tagged with thread and task):
 * how far the watermark trails the wall clock, what is held back waiting for it, and how many
 * inputs arrived behind it (applied to user vectors, but too late for the point-in-time features of
 * exposures already released). The last should stay at 0; a rising count means an input partition
 * delivers far out of order or stalls longer than {@code watermark.idle.ms}.
 */
public final class EventTimeMetrics {
  public static final String GROUP = "kembed-event-time";
  private final Sensor behind;
  private final Sensor held;
  private final Sensor heldVectors;
  private final Sensor lag;

  public EventTimeMetrics(StreamsMetrics metrics, String threadId, TaskId task) {
    Map<String, String> tags = Map.of("thread-id", threadId, "task-id", task.toString());
    String prefix = threadId + "." + task + ".event-time.";
    behind = metrics.addSensor(prefix + "behind", Sensor.RecordingLevel.INFO);
    behind.add(
        new MetricName(
            "behind-watermark-total",
            GROUP,
            "Signals and rows that arrived behind the released watermark (vectors still exact;"
                + " features of exposures already released are not recomputed)",
            tags),
        new CumulativeSum());
    held = metrics.addSensor(prefix + "held", Sensor.RecordingLevel.INFO);
    held.add(
        new MetricName(
            "held-items", GROUP, "Signals and feature rows waiting for the watermark", tags),
        new Value());
    heldVectors = metrics.addSensor(prefix + "held-vectors", Sensor.RecordingLevel.INFO);
    heldVectors.add(
        new MetricName(
            "held-vectors",
            GROUP,
            "Distinct vectors of held signals kept in the heap (at most user.vector.held.vectors;"
                + " at that bound, reads ahead of the release read the other held signals from the"
                + " store)",
            tags),
        new Value());
    lag = metrics.addSensor(prefix + "lag", Sensor.RecordingLevel.INFO);
    lag.add(
        new MetricName("watermark-lag-ms", GROUP, "Wall clock minus the released watermark", tags),
        new Value());
  }

  public void behind() {
    behind.record();
  }

  public void held(long n) {
    held.record(n);
  }

  public void heldVectors(long n) {
    heldVectors.record(n);
  }

  public void lag(long ms) {
    lag.record(ms);
  }
}
