package dev.kembed.topology.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Lookups in the query-embedding cache, {@code
 * kembed_query_cache_lookups_total{result="hit"|"miss"}}: hit rate = hit / (hit + miss); and {@code
 * kembed_query_cache_evictions_total}.
 */
public final class QueryCacheMetrics {
  private final Counter hits;
  private final Counter misses;
  private final Counter evictions;

  public QueryCacheMetrics(MeterRegistry registry) {
    hits =
        Counter.builder("kembed.query.cache.lookups")
            .tag("result", "hit")
            .description("Searches whose normalised query was, or was not, already embedded")
            .register(registry);
    misses =
        Counter.builder("kembed.query.cache.lookups")
            .tag("result", "miss")
            .description("Searches whose normalised query was, or was not, already embedded")
            .register(registry);
    evictions =
        Counter.builder("kembed.query.cache.evictions")
            .description(
                "Cached queries evicted after search.query.cache.ttl.ms unused (and tombstoned in"
                    + " the outputs)")
            .register(registry);
  }

  public void evicted(int n) {
    if (n > 0) {
      evictions.increment(n);
    }
  }

  public void hit() {
    hits.increment();
  }

  public void miss() {
    misses.increment();
  }
}
