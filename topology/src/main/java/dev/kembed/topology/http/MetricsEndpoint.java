package dev.kembed.topology.http;

import dev.kembed.topology.expansion.Indexes;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/**
 * {@code GET /metrics}: the instance's Micrometer registry in Prometheus text format: JVM and
 * process metrics, Kafka Streams' and its clients' ({@code kafka_stream_*}, {@code
 * kafka_consumer_*}, {@code kafka_producer_*}, …), kembed's own ({@code kembed_*}), and the size
 * and readiness of each in-memory index, refreshed at each scrape because indexes come and go.
 */
final class MetricsEndpoint implements Endpoint {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final Indexes indexes;
  private final MultiGauge items;
  private final MultiGauge ready;

  MetricsEndpoint(PrometheusMeterRegistry registry, Indexes indexes) {
    this.registry = registry;
    this.indexes = indexes;
    this.items =
        MultiGauge.builder("kembed.index.items")
            .description("Live items in the in-memory nearest-neighbour index")
            .register(registry);
    this.ready =
        MultiGauge.builder("kembed.index.ready")
            .description(
                "1 once the index has caught up with the topic's end offsets seen at start")
            .register(registry);
  }

  @Override
  public ApiResponse handle(ApiRequest request) {
    List<Indexes.IndexStatus> status = indexes.status();
    items.register(status.stream().map(s -> MultiGauge.Row.of(tags(s), s.size())).toList(), true);
    ready.register(
        status.stream().map(s -> MultiGauge.Row.of(tags(s), s.ready() ? 1 : 0)).toList(), true);
    return ApiResponse.text(200, CONTENT_TYPE, registry.scrape());
  }

  private static Tags tags(Indexes.IndexStatus s) {
    return Tags.of("index", s.name(), "model_id", s.modelId());
  }
}
