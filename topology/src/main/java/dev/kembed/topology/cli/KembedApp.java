package dev.kembed.topology.cli;

import dev.kembed.inference.Embedder;
import dev.kembed.topology.InputPartitions;
import dev.kembed.topology.KembedTopology;
import dev.kembed.topology.config.AdminProps;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.content.InferenceWorkers;
import dev.kembed.topology.expansion.IndexService;
import dev.kembed.topology.metrics.KembedMeters;
import dev.kembed.topology.metrics.ServiceMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running kembed instance: the topology on a {@link KafkaStreams} client (with the in-memory
 * indexes that feed query expansion, when given), with its state changes and fatal errors logged.
 * {@code run}, {@code demo} and {@code backfill} all start the app through this class so they
 * behave the same. A stream thread that dies of an unexpected exception shuts this client down
 * (rather than being replaced and failing the same way in a loop); the state becomes ERROR, which
 * the health endpoint reports and {@link #awaitStop} returns. Each instance has its own metrics
 * registry ({@link #meterRegistry}): JVM, process, Kafka Streams and kembed's meters, which
 * processors and exception handlers reach through the Streams configuration ({@link KembedMeters}).
 */
public final class KembedApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KembedApp.class);

  private final int subtopologies;
  private final KafkaStreams streams;
  private final KembedConfig config;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final java.util.Set<String> sourceTopics;
  private final InferenceWorkers workers;
  private final ServiceMetrics metrics = new ServiceMetrics();
  // System.nanoTime() when the instance first reached RUNNING; 0 until then.
  private volatile long firstRunningNanos;

  public KembedApp(KembedConfig config, Embedder embedder) {
    this(config, embedder, null);
  }

  /** An instance whose search queries are expanded from {@code indexes} (null: no expansions). */
  public KembedApp(KembedConfig config, Embedder embedder, IndexService indexes) {
    this.config = config;
    this.workers = InferenceWorkers.threads(config.getInt(KembedConfig.EMBED_INFERENCE_THREADS));
    Topology topology =
        KembedTopology.build(config, embedder, indexes, inputPartitions(config), workers);
    log.debug("Topology:\n{}", topology.describe());
    this.sourceTopics = sourceTopics(topology);
    this.subtopologies = topology.describe().subtopologies().size();
    Properties props = config.streamsProperties();
    props.put(KembedMeters.REGISTRY_CONFIG, metrics.registry());
    this.streams = new KafkaStreams(topology, props);
    metrics.bind(streams);
    streams.setStateListener(
        (now, before) -> {
          log.info("kembed {} -> {}", before, now);
          if (now == KafkaStreams.State.RUNNING && firstRunningNanos == 0) {
            firstRunningNanos = System.nanoTime();
          }
          if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
            stopped.countDown();
          }
        });
    streams.setUncaughtExceptionHandler(
        e -> {
          log.error("Stream thread failed; shutting this instance down", e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
  }

  /**
   * The partition counts of the input topics as the cluster has them (they decide how many upstream
   * tasks send watermarks); {@code topics.partitions} for a topic that cannot be described, e.g.
   * one that does not exist yet.
   */
  static InputPartitions inputPartitions(KembedConfig config) {
    InputPartitions assumed = InputPartitions.of(config);
    java.util.List<String> names =
        java.util.List.of(
            config.topic(KembedConfig.TOPIC_POSTS),
            config.topic(KembedConfig.TOPIC_COMMENTS),
            config.topic(KembedConfig.TOPIC_INTERACTIONS),
            config.topic(KembedConfig.TOPIC_SEARCH_QUERIES));
    java.util.Map<String, Integer> found = new java.util.HashMap<>();
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(AdminProps.of(config))) {
      admin
          .describeTopics(names)
          .topicNameValues()
          .forEach(
              (name, f) -> {
                try {
                  found.put(name, f.get(15, TimeUnit.SECONDS).partitions().size());
                } catch (Exception e) {
                  log.info(
                      "input topic {} not described ({}); assuming topics.partitions",
                      name,
                      e.getClass().getSimpleName());
                }
              });
    } catch (RuntimeException e) {
      log.warn("could not describe the input topics; assuming topics.partitions for each", e);
    }
    int n = assumed.posts();
    InputPartitions p =
        new InputPartitions(
            found.getOrDefault(names.get(0), n),
            found.getOrDefault(names.get(1), n),
            found.getOrDefault(names.get(2), n),
            found.getOrDefault(names.get(3), n));
    log.info("input partitions: {}", p);
    return p;
  }

  public void start() {
    Properties p = config.streamsProperties();
    log.info(
        "Starting kembed: application.id={} bootstrap.servers={} processing.guarantee={} threads={}"
            + " state.dir={}",
        p.get(StreamsConfig.APPLICATION_ID_CONFIG),
        p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG),
        p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG),
        p.getOrDefault(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1),
        p.getOrDefault(StreamsConfig.STATE_DIR_CONFIG, "(default)"));
    streams.start();
  }

  /**
   * {@link System#nanoTime()} when the instance first reached RUNNING (group joined, internal
   * topics ready, stores open), or empty if it has not yet.
   */
  public java.util.OptionalLong firstRunningNanos() {
    long t = firstRunningNanos;
    return t == 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(t);
  }

  /** Waits until the instance is RUNNING; false if it did not get there in time or failed. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      KafkaStreams.State s = streams.state();
      if (s == KafkaStreams.State.RUNNING) {
        return true;
      }
      if (!s.isRunningOrRebalancing() && s != KafkaStreams.State.CREATED) {
        return false;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** Blocks until the instance stops (closed or failed); true if it stopped within the timeout. */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Sub-topologies of this build: with every topic at {@code topics.partitions} partitions, the
   * instance group runs {@code subtopologies() × partitions} tasks.
   */
  public int subtopologies() {
    return subtopologies;
  }

  /**
   * The non-internal topics this build of the topology reads (inputs it does not read yet are
   * absent).
   */
  public java.util.Set<String> sourceTopics() {
    return sourceTopics;
  }

  static java.util.Set<String> sourceTopics(Topology topology) {
    java.util.Set<String> topics = new java.util.TreeSet<>();
    for (var sub : topology.describe().subtopologies()) {
      for (var node : sub.nodes()) {
        if (node instanceof org.apache.kafka.streams.TopologyDescription.Source src
            && src.topicSet() != null) {
          topics.addAll(src.topicSet());
        }
      }
    }
    return topics;
  }

  /**
   * The threads this instance runs inference on (their CPU time is what {@code kembed bench}
   * reports).
   */
  public InferenceWorkers inferenceWorkers() {
    return workers;
  }

  public KafkaStreams streams() {
    return streams;
  }

  /** This instance's metrics; {@code GET /metrics} serves its scrape. */
  public PrometheusMeterRegistry meterRegistry() {
    return metrics.registry();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Closes the client, committing what it processed (a graceful shutdown under exactly-once). */
  public boolean close(Duration timeout) {
    log.info("Closing kembed (up to {} s)", timeout.toSeconds());
    boolean clean = streams.close(timeout);
    workers.close();
    metrics.close();
    log.info(
        clean ? "kembed closed cleanly" : "kembed did not close within {} s", timeout.toSeconds());
    return clean;
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
