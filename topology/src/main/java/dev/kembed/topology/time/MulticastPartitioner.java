package dev.kembed.topology.time;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions a repartition topic: a watermark marker goes to every partition (KIP-837 multicast);
 * every other record goes where Kafka Streams' default partitioner would put it (murmur2 of the
 * UTF-8 key), so co-partitioned topics and stores stay aligned.
 */
public final class MulticastPartitioner<V> implements StreamPartitioner<String, V> {

  @Override
  public Optional<Set<Integer>> partitions(String topic, String key, V value, int numPartitions) {
    if (key == null) {
      return Optional.empty();
    }
    if (Watermarks.isMarker(key)) {
      Set<Integer> all = new HashSet<>();
      for (int i = 0; i < numPartitions; i++) {
        all.add(i);
      }
      return Optional.of(all);
    }
    return Optional.of(
        Set.of(
            BuiltInPartitioner.partitionForKey(
                key.getBytes(StandardCharsets.UTF_8), numPartitions)));
  }
}
