package dev.kembed.topology.processors;

import dev.kembed.topology.time.MarkerCadence;
import dev.kembed.topology.time.TaskClock;
import dev.kembed.topology.time.TaskClockStore;
import dev.kembed.topology.time.Watermarks;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Last processor before a repartition sink: passes records on and, every {@code
 * watermark.interval.ms} of wall-clock time, sends the task's watermark as a marker to every
 * partition of the topic when it changed, and repeated as {@link MarkerCadence} says when it did
 * not (every ten intervals, or every interval for an idle task shortly after a task of its instance
 * turned busy or idle). The marker follows every record the task forwarded before it, so it is a
 * promise about them. By default the watermark is the task's output ({@link TaskClock#output}); a
 * forwarder can instead send a value a processor published.
 */
public final class WatermarkForwarder<V> implements Processor<String, V, String, V> {
  private final String clockStore;
  private final String edge;
  private final int producers;
  private final long intervalMs;
  private final String publishedName;
  private final MarkerCadence cadence;
  private ProcessorContext<String, V> context;
  private TaskClock clock;
  private long lastWatermark = Long.MIN_VALUE;
  private boolean lastIdle;
  private long lastSentMs = Long.MIN_VALUE;
  private Boolean lastTaskIdle;

  /**
   * @param publishedName null to send the task's output watermark, else the name of a value
   *     published on the clock
   */
  public WatermarkForwarder(
      String clockStore, String edge, int producers, long intervalMs, String publishedName) {
    this(clockStore, edge, producers, intervalMs, publishedName, new MarkerCadence(intervalMs));
  }

  /**
   * @param publishedName null to send the task's output watermark, else the name of a value
   *     published on the clock
   * @param cadence shared by every forwarder of the instance's topology
   */
  public WatermarkForwarder(
      String clockStore,
      String edge,
      int producers,
      long intervalMs,
      String publishedName,
      MarkerCadence cadence) {
    this.cadence = cadence;
    this.clockStore = clockStore;
    this.edge = edge;
    this.producers = producers;
    this.intervalMs = intervalMs;
    this.publishedName = publishedName;
  }

  @Override
  public void init(ProcessorContext<String, V> context) {
    this.context = context;
    this.clock = ((TaskClockStore) context.getStateStore(clockStore)).clock();
    context.schedule(Duration.ofMillis(intervalMs), PunctuationType.WALL_CLOCK_TIME, this::tick);
  }

  private void tick(long now) {
    long wm = publishedName == null ? clock.output(now) : clock.published(publishedName);
    boolean taskIdle = clock.idle(now);
    if (lastTaskIdle == null || lastTaskIdle != taskIdle) {
      cadence.changed(now);
      lastTaskIdle = taskIdle;
    }
    boolean idle = publishedName == null && taskIdle;
    if (wm == lastWatermark
        && idle == lastIdle
        && now - lastSentMs < cadence.repeatAfterMs(idle, now)) {
      return;
    }
    var marker = new Watermarks.Marker(edge, context.taskId().partition(), producers, wm, idle);
    long ts = Math.max(0, Math.min(wm, now));
    context.forward(new Record<String, V>(Watermarks.KEY, null, ts, Watermarks.headers(marker)));
    lastWatermark = wm;
    lastIdle = idle;
    lastSentMs = now;
  }

  @Override
  public void process(Record<String, V> record) {
    context.forward(record);
  }
}
