package dev.kembed.topology.processors;

import dev.kembed.topology.drift.DriftMetrics;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Passes every record on unchanged after showing its value to the instance's {@link DriftMetrics}
 * (a peek that knows its Kafka Streams instance: the metrics come from the processor context's
 * configuration, not from a static registry). Null values (tombstones) are passed on unseen.
 */
public final class DriftObserver<V> implements FixedKeyProcessor<String, V, V> {
  private final BiConsumer<DriftMetrics, V> observe;
  private FixedKeyProcessorContext<String, V> context;
  private DriftMetrics drift;

  public DriftObserver(BiConsumer<DriftMetrics, V> observe) {
    this.observe = observe;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, V> context) {
    this.context = context;
    this.drift = DriftMetrics.from(context.appConfigs());
  }

  @Override
  public void process(FixedKeyRecord<String, V> record) {
    if (record.value() != null) {
      observe.accept(drift, record.value());
    }
    context.forward(record);
  }
}
