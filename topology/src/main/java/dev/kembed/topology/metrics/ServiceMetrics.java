package dev.kembed.topology.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One kembed instance's Prometheus registry: JVM (memory, GC, threads, class loading) and process
 * (CPU, uptime, open files) metrics from Micrometer's binders, Kafka Streams' and its clients'
 * metrics through {@link KafkaStreamsMetrics}, and kembed's own meters, which processors find
 * through {@link KembedMeters}. {@code GET /metrics} serves {@link
 * PrometheusMeterRegistry#scrape()}.
 */
public final class ServiceMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private KafkaStreamsMetrics streams;

  public ServiceMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /** Exposes {@code kafkaStreams}' metrics (its own and its clients') in this registry. */
  public void bind(KafkaStreams kafkaStreams) {
    streams = new KafkaStreamsMetrics(kafkaStreams);
    streams.bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    if (streams != null) {
      streams.close();
    }
    gc.close();
    registry.close();
  }
}
