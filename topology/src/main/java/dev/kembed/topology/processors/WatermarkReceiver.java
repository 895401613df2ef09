package dev.kembed.topology.processors;

import dev.kembed.topology.time.TaskClockStore;
import dev.kembed.topology.time.WatermarkTracker;
import dev.kembed.topology.time.Watermarks;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First processor after a repartition source: takes the watermark markers out of the stream and
 * into the task's clock (one channel per upstream task), and passes every other record on. Until
 * each expected upstream task has sent a marker, the channel group holds the task's watermark at
 * its minimum, so nothing is released on a partial view.
 */
public final class WatermarkReceiver<V> implements Processor<String, V, String, V> {
  private final String clockStore;
  private final String group;
  private final String edge;
  private final int producers;
  private ProcessorContext<String, V> context;
  private WatermarkTracker tracker;
  private int known;

  public WatermarkReceiver(String clockStore, String group, String edge, int producers) {
    this.clockStore = clockStore;
    this.group = group;
    this.edge = edge;
    this.producers = producers;
  }

  @Override
  public void init(ProcessorContext<String, V> context) {
    this.context = context;
    this.tracker = ((TaskClockStore) context.getStateStore(clockStore)).clock().group(group);
    expect(producers);
  }

  private void expect(int n) {
    long now = context.currentSystemTimeMs();
    for (int i = known; i < n; i++) {
      tracker.expectProducer(edge + "/" + i, now);
    }
    known = Math.max(known, n);
  }

  @Override
  public void process(Record<String, V> record) {
    var marker = Watermarks.read(record.key(), record.headers());
    if (marker.isPresent()) {
      var m = marker.get();
      // An upstream sub-topology with more tasks than expected (input partitions were added).
      expect(Math.max(m.producers(), m.producer() + 1));
      tracker.report(m.channel(), m.watermark(), m.idle(), context.currentSystemTimeMs());
      return;
    }
    if (Watermarks.isMarker(record.key())) {
      return; // a marker without its header: nothing to learn, nothing to forward
    }
    context.forward(record);
  }
}
