package dev.kembed.topology.rocksdb;

import java.util.Map;

/**
 * The off-heap memory budget of every RocksDB store in this JVM: {@code totalBytes} for one shared
 * block cache, of which {@code writeBufferBytes} may be memtables (charged to the cache by a write
 * buffer manager, so the two never add up past the total). Read from the Streams configuration,
 * where {@code KembedConfig#streamsProperties} puts {@code rocksdb.memory.mb} and {@code
 * rocksdb.memory.write.buffer.ratio} (KembedConfig defines both keys with these names and defaults;
 * they are declared here so that this package depends on nothing of kembed's).
 */
public record RocksDbBudget(long totalBytes, long writeBufferBytes) {
  public static final String MEMORY_MB_CONFIG = "rocksdb.memory.mb";
  public static final String WRITE_BUFFER_RATIO_CONFIG = "rocksdb.memory.write.buffer.ratio";
  public static final int DEFAULT_MEMORY_MB = 256;
  public static final double DEFAULT_WRITE_BUFFER_RATIO = 0.5;

  public RocksDbBudget {
    if (totalBytes <= 0 || writeBufferBytes <= 0 || writeBufferBytes > totalBytes) {
      throw new IllegalArgumentException(
          "RocksDB budget " + totalBytes + " B with write buffers " + writeBufferBytes + " B");
    }
  }

  public static RocksDbBudget of(int megabytes, double writeBufferRatio) {
    long total = megabytes * 1024L * 1024L;
    return new RocksDbBudget(total, (long) (total * writeBufferRatio));
  }

  /** The budget in a Streams configuration, with kembed's defaults for what is missing. */
  public static RocksDbBudget from(Map<String, ?> configs) {
    Object mb = configs.get(MEMORY_MB_CONFIG);
    Object ratio = configs.get(WRITE_BUFFER_RATIO_CONFIG);
    return of(
        mb == null ? DEFAULT_MEMORY_MB : Integer.parseInt(mb.toString()),
        ratio == null ? DEFAULT_WRITE_BUFFER_RATIO : Double.parseDouble(ratio.toString()));
  }
}
