package dev.kembed.topology.processors;

import dev.kembed.topology.errors.DlqMetrics;
import dev.kembed.topology.time.TaskClock;
import dev.kembed.topology.time.TaskClockStore;
import dev.kembed.topology.time.WatermarkTracker;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Where event time enters kembed, right after an input is validated. Each input partition is a
 * watermark channel of the task's {@link TaskClock}: its watermark is the latest event time read
 * from it, kept in a changelogged store so a restart judges lateness as before. An event more than
 * {@code user.vector.allowed.lateness.ms} behind its own partition's latest event time is late
 * <em>on arrival</em> and handed to {@link Late}; nothing that happens inside kembed later
 * (re-keying, interleaving of upstream tasks) can make a record late again.
 */
public final class EventTimeGate<V> implements FixedKeyProcessor<String, V, V> {

  /**
   * What a late record becomes: a value to forward, null to drop it, or an exception for the DLQ.
   */
  @FunctionalInterface
  public interface Late<V> {
    V onLate(V value, long eventTimeMs, String reason, DlqMetrics dlq);
  }

  public static final String GROUP = "input";

  private final String clockStore;
  private final String maxStore;
  private final Map<String, Integer> partitionsByTopic;
  private final ToLongFunction<V> eventTime;
  private final long allowedLatenessMs;
  private final Late<V> late;
  private FixedKeyProcessorContext<String, V> context;
  private WatermarkTracker channels;
  private KeyValueStore<String, Long> latest;
  private DlqMetrics dlq;

  /**
   * @param partitionsByTopic the input topics this gate guards and their partition counts (the task
   *     of partition p registers the channels of the topics that have one)
   */
  public EventTimeGate(
      String clockStore,
      String maxStore,
      Map<String, Integer> partitionsByTopic,
      ToLongFunction<V> eventTime,
      long allowedLatenessMs,
      Late<V> late) {
    this.clockStore = clockStore;
    this.maxStore = maxStore;
    this.partitionsByTopic = partitionsByTopic;
    this.eventTime = eventTime;
    this.allowedLatenessMs = allowedLatenessMs;
    this.late = late;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, V> context) {
    this.context = context;
    TaskClock clock = ((TaskClockStore) context.getStateStore(clockStore)).clock();
    this.channels = clock.group(GROUP);
    this.latest = context.getStateStore(maxStore);
    this.dlq = DlqMetrics.from(context.appConfigs());
    long now = context.currentSystemTimeMs();
    int p = context.taskId().partition();
    partitionsByTopic.forEach(
        (topic, n) -> {
          if (p < n) {
            String channel = topic + "-" + p;
            channels.expectInput(channel, now);
            Long max = latest.get(channel);
            if (max != null) {
              channels.observe(channel, max, now);
            }
          }
        });
  }

  @Override
  public void process(FixedKeyRecord<String, V> record) {
    RecordMetadata m = context.recordMetadata().orElse(null);
    String channel = m == null ? "unknown" : m.topic() + "-" + m.partition();
    long t = eventTime.applyAsLong(record.value());
    long max = channels.channelWatermark(channel);
    long now = context.currentSystemTimeMs();
    V value = record.value();
    if (max != Long.MIN_VALUE && t < max - allowedLatenessMs) {
      value =
          late.onLate(
              value,
              t,
              "event "
                  + (max - t)
                  + " ms behind the latest event time of "
                  + channel
                  + ", allowed "
                  + allowedLatenessMs,
              dlq);
    } else if (t > max) {
      latest.put(channel, t);
    }
    channels.observe(channel, t, now);
    if (value != null) {
      context.forward(record.withValue(value));
    }
  }
}
