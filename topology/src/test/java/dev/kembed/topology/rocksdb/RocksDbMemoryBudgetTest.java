package dev.kembed.topology.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kembed.topology.config.KembedConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000 users' vectors written into two RocksDB stores through kembed's Streams configuration (so
 * through {@link BoundedRocksDbConfigSetter}), with a 16 MiB budget: RocksDB's own memory
 * properties, read through Kafka Streams' RocksDB metrics (KIP-607: block-cache-usage,
 * cur-size-all-mem-tables, estimate-table-readers-mem), sampled every 5,000 users, stay under the
 * budget while 2 x 160 MB are written and a seventh of it read back, and both stores report the one
 * shared cache.
 */
class RocksDbMemoryBudgetTest {
  private static final int USERS = 100_000;
  private static final int VECTOR_BYTES = 384 * 4 + 64; // a float vector and its envelope
  private static final int BUDGET_MB = 16;

  @TempDir Path stateDir;

  /** Writes each user's vector into both stores: the user-vector store and an emits-like one. */
  private static final class Writer implements Processor<String, byte[], Void, Void> {
    private KeyValueStore<String, byte[]> a;
    private KeyValueStore<String, byte[]> b;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      a = context.getStateStore("vectors-a");
      b = context.getStateStore("vectors-b");
    }

    @Override
    public void process(Record<String, byte[]> r) {
      if (r.value().length == 0) {
        assertNotNull(a.get(r.key()), "read back " + r.key()); // a read: fills the block cache
        assertNotNull(b.get(r.key()));
      } else {
        a.put(r.key(), r.value());
        b.put(r.key(), r.value());
      }
    }
  }

  @Test
  void hundredThousandUsersStayInsideTheBudget() {
    Properties p =
        new KembedConfig(
                Map.of(
                    KembedConfig.ROCKSDB_MEMORY_MB,
                    String.valueOf(BUDGET_MB),
                    "processing.guarantee",
                    "at_least_once"))
            .streamsProperties();
    assertEquals(
        BoundedRocksDbConfigSetter.class.getName(),
        p.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG),
        "kembed's config wires the setter");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "rocksdb-budget");
    Topology t = new Topology();
    t.addSource("in", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), "vectors");
    t.addProcessor("write", Writer::new, "in");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore("vectors-a"), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        "write");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore("vectors-b"), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        "write");
    long budget = BUDGET_MB * 1024L * 1024L;
    long maxUsage = 0;
    long maxMemtables = 0;
    try (TopologyTestDriver driver =
        new TopologyTestDriver(t, p, Instant.parse("2026-11-01T00:00:00Z"))) {
      TestInputTopic<String, byte[]> in =
          driver.createInputTopic("vectors", new StringSerializer(), new ByteArraySerializer());
      Random random = new Random(7);
      byte[] vector = new byte[VECTOR_BYTES];
      for (int u = 0; u < USERS; u++) {
        random.nextBytes(vector); // incompressible, as float vectors are
        in.pipeInput("user-" + u, vector);
        if (u % 5_000 == 4_999) {
          Memory m = memory(driver);
          maxUsage = Math.max(maxUsage, m.cacheUsage() + m.tableReaders());
          maxMemtables = Math.max(maxMemtables, m.memtables());
        }
      }
      for (int u = 0; u < USERS; u += 7) {
        in.pipeInput("user-" + u, new byte[0]);
      }
      Memory end = memory(driver);
      maxUsage = Math.max(maxUsage, end.cacheUsage() + end.tableReaders());
      long written = 2L * USERS * (VECTOR_BYTES + 10);
      System.out.printf(
          "RocksDB with a %d MiB budget after %d MB written: cache usage max %.1f MiB (capacity"
              + " %.1f MiB), memtables max %.1f MiB, table readers %.1f MiB%n",
          BUDGET_MB,
          written / 1_000_000,
          maxUsage / 1048576.0,
          end.cacheCapacity() / 1048576.0,
          maxMemtables / 1048576.0,
          end.tableReaders() / 1048576.0);
      assertEquals(budget, end.cacheCapacity(), "both stores use the one cache of the budget");
      assertTrue(written > 15 * budget, "far more data than memory: " + written);
      assertTrue(
          maxUsage <= budget,
          "block cache (memtables charged to it) + table readers "
              + maxUsage
              + " B over the budget "
              + budget
              + " B");
      assertTrue(maxMemtables <= budget, "memtables " + maxMemtables + " B");
      assertTrue(end.cacheUsage() > budget / 4, "the cache is actually used: " + end.cacheUsage());
    }
  }

  private record Memory(long cacheUsage, long cacheCapacity, long memtables, long tableReaders) {}

  // Kafka Streams' RocksDB property metrics, one per store: the shared cache reports the same
  // usage and capacity in each store (counted once); memtables and table readers are per store.
  private static Memory memory(TopologyTestDriver driver) {
    Map<MetricName, ? extends Metric> metrics = driver.metrics();
    List<String> stores = List.of("vectors-a", "vectors-b");
    long usage = 0;
    long capacity = 0;
    long memtables = 0;
    long readers = 0;
    for (String store : stores) {
      usage = Math.max(usage, value(metrics, store, "block-cache-usage"));
      capacity = Math.max(capacity, value(metrics, store, "block-cache-capacity"));
      memtables += value(metrics, store, "cur-size-all-mem-tables");
      readers += value(metrics, store, "estimate-table-readers-mem");
    }
    return new Memory(usage, capacity, memtables, readers);
  }

  private static long value(Map<MetricName, ? extends Metric> metrics, String store, String name) {
    return metrics.entrySet().stream()
        .filter(
            e ->
                e.getKey().name().equals(name)
                    && store.equals(e.getKey().tags().get("rocksdb-state-id")))
        .map(e -> ((Number) e.getValue().metricValue()).longValue())
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no RocksDB metric "
                        + name
                        + " for "
                        + store
                        + " among "
                        + metrics.keySet().stream()
                            .filter(k -> k.group().contains("state"))
                            .map(k -> k.name() + k.tags())
                            .limit(20)
                            .toList()));
  }
}
