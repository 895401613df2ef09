package dev.kembed.topology.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Lookups in the query-embedding cache, {@code kembed_query_cache_lookups_total{result="hit"|"miss"}}:
 * hit rate = hit / (hit + miss).
 */
public final class QueryCacheMetrics {
  private final Counter hits;
  private final Counter misses;

  public QueryCacheMetrics(MeterRegistry registry) {
    hits = Counter.builder("kembed.query.cache.lookups").tag("result", "hit")
        .description("Searches whose normalised query was, or was not, already embedded").register(registry);
    misses = Counter.builder("kembed.query.cache.lookups").tag("result", "miss")
        .description("Searches whose normalised query was, or was not, already embedded").register(registry);
  }

  public void hit() {
    hits.increment();
  }

  public void miss() {
    misses.increment();
  }
}
