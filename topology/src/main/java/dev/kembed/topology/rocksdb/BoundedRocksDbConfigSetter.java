package dev.kembed.topology.rocksdb;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the memory of every RocksDB store Kafka Streams opens in this JVM (Kafka's documented
 * recipe): all stores share one LRU block cache of {@link RocksDbBudget#totalBytes} that holds
 * data, index and filter blocks (index and filter at high priority, top-level ones pinned), and one
 * write buffer manager that charges the memtables to that cache and flushes them when they pass
 * {@link RocksDbBudget#writeBufferBytes}. Without it each store partition gets Streams' default 50
 * MB cache and up to three 16 MB memtables, so memory grows with the number of tasks. Streams
 * creates a setter per store, so the cache and manager are shared through a static map keyed by the
 * budget; they live as long as the JVM, and {@link #close} leaves them open.
 */
public final class BoundedRocksDbConfigSetter implements RocksDBConfigSetter {
  // Share of the cache reserved for index and filter blocks, so data blocks cannot evict them.
  private static final double HIGH_PRIORITY_RATIO = 0.1;
  private static final Map<RocksDbBudget, Shared> SHARED = new ConcurrentHashMap<>();

  /** The cache and write buffer manager of one budget. */
  record Shared(Cache cache, WriteBufferManager writeBuffers) {}

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Shared shared = shared(RocksDbBudget.from(configs));
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(shared.cache());
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(shared.writeBuffers());
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and the write buffer manager are shared by every store: never closed here.
  }

  /** The cache and manager every store under {@code budget} uses (created on first use). */
  static Shared shared(RocksDbBudget budget) {
    return SHARED.computeIfAbsent(
        budget,
        b -> {
          Cache cache = new LRUCache(b.totalBytes(), -1, false, HIGH_PRIORITY_RATIO);
          return new Shared(cache, new WriteBufferManager(b.writeBufferBytes(), cache));
        });
  }
}
