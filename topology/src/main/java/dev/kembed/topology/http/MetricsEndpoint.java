package dev.kembed.topology.http;

import dev.kembed.topology.expansion.Indexes;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * {@code GET /metrics}: Kafka Streams' metrics (prefixed {@code kafka_}), kembed's own registry
 * (dead-letter and drop counts, prefixed by their group, e.g. {@code kembed_dlq_}) and the size
 * and readiness of each in-memory index, in Prometheus text format.
 */
final class MetricsEndpoint implements Endpoint {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Supplier<Map<MetricName, ? extends Metric>> streamsMetrics;
  private final Supplier<Map<MetricName, ? extends Metric>> kembedMetrics;
  private final Indexes indexes;

  MetricsEndpoint(Supplier<Map<MetricName, ? extends Metric>> streamsMetrics, Supplier<Map<MetricName, ? extends Metric>> kembedMetrics, Indexes indexes) {
    this.streamsMetrics = streamsMetrics;
    this.kembedMetrics = kembedMetrics;
    this.indexes = indexes;
  }

  @Override
  public ApiResponse handle(ApiRequest request) {
    PrometheusText text = new PrometheusText().add("kafka_", streamsMetrics.get()).add("", kembedMetrics.get());
    for (Indexes.IndexStatus s : indexes.status()) {
      Map<String, String> tags = Map.of("index", s.name(), "model_id", s.modelId());
      text.gauge("kembed_index_items", "Live items in the in-memory nearest-neighbour index", tags, s.size());
      text.gauge("kembed_index_ready", "1 once the index has caught up with the topic's end offsets seen at start", tags, s.ready() ? 1 : 0);
    }
    return ApiResponse.text(200, CONTENT_TYPE, text.render());
  }
}
