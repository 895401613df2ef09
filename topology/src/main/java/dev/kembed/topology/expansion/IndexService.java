package dev.kembed.topology.expansion;

import static dev.kembed.topology.config.KembedConfig.*;

import dev.kembed.inference.ModelInfo;
import dev.kembed.schemas.EntityType;
import dev.kembed.state.index.IndexOptions;
import dev.kembed.state.index.VectorIndex;
import dev.kembed.topology.config.KembedConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory nearest-neighbour indexes of one app instance ({@value #QUERIES}, and {@value
 * #POSTS} unless {@code index.posts.enabled} is false), fed from the compacted {@code
 * content-embeddings} topic by a background thread that reads every partition. Each index holds
 * only vectors of the running model, is snapshotted with the offsets it covers under {@code
 * <state.dir>/kembed-index/<name>/} every {@code index.snapshot.records} records or {@code
 * index.snapshot.interval.ms} and at {@link #close()}, and at start resumes from that snapshot or
 * is rebuilt from the earliest offset (see {@link IndexFeeder}). Readiness means every index has
 * read up to the end offsets seen at start; queries are answered before that, from what is there.
 */
public final class IndexService implements Indexes, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IndexService.class);

  public static final String QUERIES = "queries";
  public static final String POSTS = "posts";

  /** Sub-directory of the Kafka Streams state directory that holds the index snapshots. */
  public static final String DIRECTORY = "kembed-index";

  private static final Duration POLL = Duration.ofMillis(500);

  private final IndexFeeder feeder;
  private final EmbeddingSource source;
  private final Thread thread;
  private volatile boolean stopping;
  private volatile Throwable failure;

  private IndexService(IndexFeeder feeder, EmbeddingSource source) {
    this.feeder = feeder;
    this.source = source;
    this.thread = new Thread(this::feed, "kembed-index-feeder");
    this.thread.setDaemon(true);
  }

  /**
   * Opens the indexes for {@code model}, fed by a {@link KafkaEmbeddingSource} with the app's
   * connection settings, snapshots under the Streams {@code state.dir}. Call {@link #start()} next.
   */
  public static IndexService open(KembedConfig config, ModelInfo model) {
    var streams = config.streamsProperties();
    String stateDir = new StreamsConfig(streams).getString(StreamsConfig.STATE_DIR_CONFIG);
    String appId = streams.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    EmbeddingSource source =
        new KafkaEmbeddingSource(
            streams, config.topic(TOPIC_CONTENT_EMBEDDINGS), appId, config.schemaRegistry());
    try {
      return open(
          config, model, Path.of(stateDir).resolve(DIRECTORY), source, System::currentTimeMillis);
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
  }

  /** Opens the indexes over any source; {@code clock} times snapshots and snapshot age. */
  public static IndexService open(
      KembedConfig config,
      ModelInfo model,
      Path baseDir,
      EmbeddingSource source,
      LongSupplier clock) {
    var settings =
        new IndexFeeder.Settings(
            model.id(),
            model.dimension(),
            IndexOptions.defaults().withEf(config.getInt(INDEX_EF)),
            baseDir,
            config.getLong(INDEX_SNAPSHOT_INTERVAL_MS),
            config.getInt(INDEX_SNAPSHOT_RECORDS),
            config.getLong(INDEX_SNAPSHOT_MAX_AGE_MS));
    Map<String, IndexSpec> specs = new LinkedHashMap<>();
    specs.put(QUERIES, new IndexSpec(QUERIES, Set.of(EntityType.QUERY)));
    if (config.getBoolean(INDEX_POSTS_ENABLED)) {
      specs.put(POSTS, new IndexSpec(POSTS, Set.of(EntityType.POST)));
    }
    return new IndexService(IndexFeeder.open(source, settings, specs, clock), source);
  }

  /** Starts the feeding thread. */
  public void start() {
    thread.start();
  }

  private void feed() {
    try {
      while (!stopping) {
        feeder.step(POLL);
      }
    } catch (WakeupException e) {
      // close() woke a blocking call; it takes the final snapshot.
    } catch (Throwable t) {
      failure = t;
      log.error("index feeder stopped; the indexes will not change until the app restarts", t);
    }
  }

  @Override
  public Optional<VectorIndex> index(String name) {
    FedIndex f = feeder.indexes().get(name);
    return f == null ? Optional.empty() : Optional.of(f.index());
  }

  /** The {@value #QUERIES} index, as query expansion wants it. */
  public Supplier<VectorIndex> queries() {
    VectorIndex q = feeder.indexes().get(QUERIES).index();
    return () -> q;
  }

  /**
   * True once every index has read up to the end offsets seen at start, and the feeder has not
   * failed.
   */
  @Override
  public boolean ready() {
    return failure == null && feeder.ready();
  }

  /** A description of every index, for health checks and metrics. */
  @Override
  public List<IndexStatus> status() {
    List<IndexStatus> out = new ArrayList<>();
    feeder
        .indexes()
        .values()
        .forEach(
            f ->
                out.add(
                    new IndexStatus(
                        f.name(),
                        f.index().modelId(),
                        f.index().size(),
                        ready(),
                        failure == null ? null : failure.toString())));
    return out;
  }

  /** Records read from the topic since start. */
  public long recordsRead() {
    return feeder.applied();
  }

  /** Stops feeding, writes a final snapshot of what changed, and releases the indexes. */
  @Override
  public void close() {
    stopping = true;
    source.wakeup();
    if (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      if (failure == null) {
        feeder.snapshot();
      }
    } catch (IOException e) {
      log.warn("final index snapshot failed; the next start replays more of the topic", e);
    } finally {
      source.close();
      feeder.indexes().values().forEach(f -> f.index().close());
    }
  }

  /** Package-private hook for tests that feed synchronously instead of starting the thread. */
  IndexFeeder feeder() {
    return feeder;
  }
}
