package dev.kembed.demo.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/**
 * What a phase wrote to the broker, per topic of one bench run: offsets taken (records plus, under
 * exactly-once, transaction markers) and bytes added to the log. Unlike CPU time these do not
 * depend on how busy the machine is, so a change that writes fewer or smaller records shows up the
 * same in every run. {@link #start} snapshots the end offsets and log sizes of every topic whose
 * name starts with the run's prefix (its application id: internal topics are {@code <id>-...}, the
 * bench's inputs and outputs {@code <id>.<name>}); {@link #stop} returns the differences, keyed by
 * the topic name without the prefix.
 */
final class TopicTraffic {
  /** Offsets and bytes one topic took during a phase. */
  record Written(long offsets, long bytes) {}

  /** What a phase of {@code events} events (posts, interactions) wrote, per topic. */
  record Phase(long events, Map<String, Written> topics) {
    static final Phase NONE = new Phase(0, Map.of());
  }

  private final Admin admin;
  private final String prefix;
  private final Map<TopicPartition, long[]> before;

  private TopicTraffic(Admin admin, String prefix) throws ExecutionException, InterruptedException {
    this.admin = admin;
    this.prefix = prefix;
    this.before = snapshot();
  }

  static TopicTraffic start(Admin admin, String prefix)
      throws ExecutionException, InterruptedException {
    return new TopicTraffic(admin, prefix);
  }

  /**
   * Per topic (prefix stripped), what was written since {@link #start} by a phase of {@code events}
   * events; topics that took none are left out.
   */
  Phase stop(long events) throws ExecutionException, InterruptedException {
    Map<TopicPartition, long[]> after = snapshot();
    Map<String, Written> out = new TreeMap<>();
    after.forEach(
        (tp, now) -> {
          long[] was = before.getOrDefault(tp, new long[2]);
          long offsets = now[0] - was[0];
          long bytes = now[1] - was[1];
          if (offsets > 0 || bytes > 0) {
            String topic = tp.topic().substring(prefix.length()).replaceFirst("^[-.]", "");
            out.merge(
                topic,
                new Written(offsets, bytes),
                (a, b) -> new Written(a.offsets() + b.offsets(), a.bytes() + b.bytes()));
          }
        });
    return new Phase(events, out);
  }

  /**
   * Waits until the run's changelogs and outputs have taken no offset for {@code quiet} (at most
   * {@code max}), so that work a phase left behind (the authors' vectors of a burst's posts) is
   * counted in it and not in the next phase. Returns the seconds until the last offset moved.
   * Repartition topics are not watched: idle watermark markers keep going to them.
   */
  double settle(Duration quiet, Duration max) throws ExecutionException, InterruptedException {
    long start = System.nanoTime();
    long last = -1;
    long quietSince = start;
    while (System.nanoTime() - start < max.toNanos()) {
      long now = System.nanoTime();
      long sum =
          endOffsets().entrySet().stream()
              .filter(e -> !e.getKey().topic().endsWith("-repartition"))
              .mapToLong(e -> e.getValue().offset())
              .sum();
      if (sum != last) {
        last = sum;
        quietSince = now;
      } else if (now - quietSince >= quiet.toNanos()) {
        break;
      }
      Thread.sleep(200);
    }
    return (quietSince - start) / 1e9;
  }

  // The end offset of every partition of the run's topics.
  private Map<TopicPartition, ListOffsetsResultInfo> endOffsets()
      throws ExecutionException, InterruptedException {
    Set<String> topics =
        admin.listTopics().names().get().stream()
            .filter(t -> t.startsWith(prefix))
            .collect(Collectors.toSet());
    if (topics.isEmpty()) {
      return Map.of();
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get().values()) {
      d.partitions()
          .forEach(
              p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
    }
    return admin.listOffsets(latest).all().get();
  }

  // End offset and log size of every partition of the run's topics.
  private Map<TopicPartition, long[]> snapshot() throws ExecutionException, InterruptedException {
    Map<TopicPartition, long[]> out = new HashMap<>();
    endOffsets().forEach((tp, info) -> out.put(tp, new long[] {info.offset(), 0}));
    if (out.isEmpty()) {
      return out;
    }
    List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
    Map<Integer, Map<String, LogDirDescription>> dirs =
        admin.describeLogDirs(brokers).allDescriptions().get();
    // One replica's size per partition: the bytes a topic added, not times the replication factor.
    Map<TopicPartition, Long> sizes = new HashMap<>();
    for (Map<String, LogDirDescription> byDir : dirs.values()) {
      for (LogDirDescription dir : byDir.values()) {
        dir.replicaInfos()
            .forEach(
                (tp, replica) -> {
                  if (out.containsKey(tp) && !replica.isFuture()) {
                    sizes.merge(tp, replica.size(), Math::max);
                  }
                });
      }
    }
    sizes.forEach((tp, size) -> out.get(tp)[1] = size);
    return out;
  }
}
