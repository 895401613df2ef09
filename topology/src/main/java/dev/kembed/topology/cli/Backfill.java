package dev.kembed.topology.cli;

import static dev.kembed.topology.config.KembedConfig.*;

import dev.kembed.inference.Embedder;
import dev.kembed.topology.config.AdminProps;
import dev.kembed.topology.config.KembedConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays the input topics through the topology under a new application id, writing to prefixed
 * output topics, and stops by itself once it has processed everything up to the end offsets it saw
 * at start. The live {@code content-embeddings} topic serves as a cache of vectors ({@link
 * CachedEmbedder}), so only text never embedded by this model is embedded again.
 *
 * <p>"Done" is read from the committed offsets of the new consumer group: first every input
 * partition reaches its target; then the internal repartition topics drain and the committed
 * offsets stop moving for a few commit intervals (the embed buffer flushes on a wall-clock timer,
 * so inputs can be committed while texts still wait for their batch).
 */
public final class Backfill {
  private static final Logger log = LoggerFactory.getLogger(Backfill.class);

  /** How to run one backfill. {@code from} null means the earliest offsets. */
  public record Options(
      String applicationId,
      String outputPrefix,
      Instant from,
      boolean useCache,
      Duration progressInterval,
      Duration timeout) {}

  /**
   * What one backfill did. {@code startupSeconds}: from the start of {@link #run} until the replay
   * was RUNNING (cache loaded, internal topics created, group joined, stores opened), a fixed cost
   * however much there is to replay; NaN if it never got there.
   */
  public record Result(
      String applicationId,
      long records,
      long embedded,
      long reused,
      double seconds,
      double startupSeconds,
      boolean caughtUp,
      KembedConfig config) {}

  private static final List<String> INPUTS =
      List.of(TOPIC_POSTS, TOPIC_COMMENTS, TOPIC_INTERACTIONS, TOPIC_SEARCH_QUERIES);
  private static final List<String> OUTPUTS =
      List.of(
          TOPIC_CONTENT_EMBEDDINGS,
          TOPIC_USER_VECTORS,
          TOPIC_SIMILARITY_FEATURES,
          TOPIC_INDEX_UPDATES,
          TOPIC_QUERY_EXPANSIONS,
          TOPIC_DLQ);

  /** How long a backfill task waits for an empty input before processing the others. */
  private final KembedConfig live;

  private final Options options;
  private final PrintStream progress;

  public Backfill(KembedConfig live, Options options, PrintStream progress) {
    this.live = live;
    this.options = options;
    this.progress = progress;
  }

  /** The config of the replay: same inputs, new application id, prefixed outputs. */
  public KembedConfig replayConfig() {
    Map<String, Object> props = new HashMap<>(live.originals());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, options.applicationId());
    // No max.task.idle.ms: event-time order comes from the watermarks (docs/event-time.md), and a
    // task waiting on an "empty" repartition partition that receives a marker every second would
    // starve its other partitions.
    for (String key : OUTPUTS) {
      props.put(key, options.outputPrefix() + live.topic(key));
    }
    return new KembedConfig(props);
  }

  public Result run(Function<KembedConfig, Embedder> embedders) throws Exception {
    KembedConfig replay = replayConfig();
    long t0 = System.nanoTime();
    Embedder model = embedders.apply(replay);
    CachedEmbedder embedder =
        new CachedEmbedder(
            model,
            options.useCache()
                ? EmbeddingCacheLoader.load(
                    AdminProps.consumer(live),
                    live.topic(TOPIC_CONTENT_EMBEDDINGS),
                    model.model().id(),
                    live.schemaRegistry())
                : Map.of());
    KembedApp app = new KembedApp(replay, embedder);
    try (Admin admin = Admin.create(AdminProps.of(replay))) {
      TopicCreator.ensure(admin, replay);
      // Only inputs this build of the topology reads: the others would never be committed.
      List<String> read =
          INPUTS.stream().map(live::topic).filter(app.sourceTopics()::contains).toList();
      List<String> unread =
          INPUTS.stream().map(live::topic).filter(t -> !app.sourceTopics().contains(t)).toList();
      if (!unread.isEmpty()) {
        progress.printf("Not replayed (this topology does not read them): %s%n", unread);
      }
      Set<TopicPartition> inputs = inputPartitions(admin, read);
      Map<TopicPartition, Long> target = offsets(admin, inputs, OffsetSpec.latest());
      Map<TopicPartition, Long> start = startOffsets(admin, inputs);
      BackfillProgress progressOf = new BackfillProgress(start, target);
      progress.printf(
          "Backfill %s: %,d records on %d input partitions, outputs to %s*%n",
          options.applicationId(), progressOf.total(), inputs.size(), options.outputPrefix());

      boolean caughtUp = false;
      long tStart = System.nanoTime();
      try {
        app.start();
        caughtUp = await(admin, progressOf, tStart, app, replay);
      } finally {
        app.close(Duration.ofSeconds(60));
        embedder.close();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double startup =
          app.firstRunningNanos().isPresent()
              ? (app.firstRunningNanos().getAsLong() - t0) / 1e9
              : Double.NaN;
      progress.printf(
          "Backfill %s %s in %.1f s (running after %.1f s of start-up): %,d records, %,d texts"
              + " embedded, %,d reused from %s%n",
          options.applicationId(),
          caughtUp ? "caught up" : "stopped before catching up",
          seconds,
          startup,
          progressOf.total(),
          embedder.misses(),
          embedder.hits(),
          live.topic(TOPIC_CONTENT_EMBEDDINGS));
      return new Result(
          options.applicationId(),
          progressOf.total(),
          embedder.misses(),
          embedder.hits(),
          seconds,
          startup,
          caughtUp,
          replay);
    }
  }

  private boolean await(
      Admin admin, BackfillProgress p, long tStart, KembedApp app, KembedConfig replay)
      throws Exception {
    long deadline = System.nanoTime() + options.timeout().toNanos();
    long lastLine = 0;
    Map<TopicPartition, Long> previous = Map.of();
    int stableChecks = 0;
    long lastDiag = 0;
    // Outputs must stay still longer than an idle partition may hold the watermark back (twice
    // watermark.idle.ms), so the last release after the inputs ran dry is inside the wait.
    int needed =
        (int) Math.max(3, (2 * replay.getLong(KembedConfig.WATERMARK_IDLE_MS) + 2_000) / 500);
    while (System.nanoTime() < deadline) {
      if (!app.state().isRunningOrRebalancing()
          && app.state() != org.apache.kafka.streams.KafkaStreams.State.CREATED) {
        throw new IllegalStateException("backfill instance stopped: " + app.state());
      }
      Map<TopicPartition, Long> committed = committed(admin);
      double elapsed = (System.nanoTime() - tStart) / 1e9;
      if (System.nanoTime() - lastLine >= options.progressInterval().toNanos()) {
        lastLine = System.nanoTime();
        progress.println(p.line(committed, elapsed));
      }
      boolean inputsDone = p.caughtUp(committed);
      boolean drained = inputsDone && internalDrained(admin, committed);
      boolean idle = drained && nothingHeld(app);
      if (System.nanoTime() - lastDiag >= 10_000_000_000L) {
        lastDiag = System.nanoTime();
        log.info(
            "backfill: inputs consumed {}, repartition topics drained {} {}, nothing held {},"
                + " outputs quiet for {} checks",
            inputsDone,
            drained,
            lagging,
            idle,
            stableChecks);
      }
      if (idle) {
        // Watermark markers keep flowing through the repartition topics, so quiet is judged on the
        // outputs: nothing new for a while, nothing waiting in a buffer.
        Map<TopicPartition, Long> outputs = outputEnds(admin, replay);
        stableChecks = outputs.equals(previous) ? stableChecks + 1 : 0;
        previous = outputs;
        if (stableChecks >= needed) {
          progress.println(p.line(committed, elapsed));
          return true;
        }
      } else {
        stableChecks = 0;
        previous = Map.of();
      }
      Thread.sleep(500);
    }
    log.warn("Backfill timed out after {} s", options.timeout().toSeconds());
    return false;
  }

  // Texts waiting in an embedding buffer or signals waiting for the watermark, per the metrics.
  // (held-items is a Streams metric of the user-vector task, the queue depth a Micrometer gauge.)
  private static boolean nothingHeld(KembedApp app) {
    boolean noSignalsHeld =
        app.streams().metrics().entrySet().stream()
            .filter(e -> e.getKey().name().equals("held-items"))
            .allMatch(e -> e.getValue().metricValue() instanceof Number n && n.doubleValue() == 0);
    boolean noTextsBuffered =
        app.meterRegistry().find("kembed.embed.queue.depth").gauges().stream()
            .allMatch(g -> g.value() == 0);
    return noSignalsHeld && noTextsBuffered;
  }

  private static Map<TopicPartition, Long> outputEnds(Admin admin, KembedConfig replay)
      throws Exception {
    List<String> outputs =
        List.of(
                TOPIC_CONTENT_EMBEDDINGS,
                KembedConfig.TOPIC_USER_VECTORS,
                KembedConfig.TOPIC_SIMILARITY_FEATURES,
                KembedConfig.TOPIC_INDEX_UPDATES,
                KembedConfig.TOPIC_DLQ)
            .stream()
            .map(replay::topic)
            .toList();
    return offsets(admin, inputPartitions(admin, outputs), OffsetSpec.latest());
  }

  // Every partition of this application's repartition topics must have been read past what it held
  // a little while ago (two seconds), including partitions the group has not committed yet.
  // Watermark markers keep arriving in every partition about once a second, so "read to the very
  // end" would never hold; "read past the end of two seconds ago" says no data record is still
  // waiting there.
  private final java.util.ArrayDeque<Map.Entry<Long, Map<TopicPartition, Long>>> internalEnds =
      new java.util.ArrayDeque<>();
  private String lagging = "";

  private boolean internalDrained(Admin admin, Map<TopicPartition, Long> committed)
      throws Exception {
    String prefix = options.applicationId() + "-";
    List<String> repartition =
        admin.listTopics().names().get().stream()
            .filter(t -> t.startsWith(prefix) && t.endsWith("-repartition"))
            .toList();
    if (repartition.isEmpty()) {
      return true;
    }
    long now = System.nanoTime();
    internalEnds.addLast(
        Map.entry(now, offsets(admin, inputPartitions(admin, repartition), OffsetSpec.latest())));
    Map<TopicPartition, Long> before = null;
    while (!internalEnds.isEmpty() && now - internalEnds.peekFirst().getKey() >= 2_000_000_000L) {
      before = internalEnds.pollFirst().getValue();
    }
    if (before == null) {
      return false;
    }
    internalEnds.addFirst(
        Map.entry(now - 2_000_000_000L, before)); // still the reference for the next check
    for (var e : before.entrySet()) {
      long c = committed.getOrDefault(e.getKey(), 0L);
      if (c < e.getValue() - 1) {
        lagging = e.getKey() + " committed " + c + " < " + e.getValue();
        return false;
      }
    }
    lagging = "";
    return true;
  }

  private Map<TopicPartition, Long> committed(Admin admin)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets(options.applicationId())
            .partitionsToOffsetAndMetadata()
            .get();
    Map<TopicPartition, Long> out = new HashMap<>();
    offsets.forEach(
        (tp, om) -> {
          if (om != null) {
            out.put(tp, om.offset());
          }
        });
    return out;
  }

  private static Set<TopicPartition> inputPartitions(Admin admin, List<String> topics)
      throws ExecutionException, InterruptedException {
    return admin.describeTopics(topics).allTopicNames().get().values().stream()
        .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
        .collect(Collectors.toSet());
  }

  private Map<TopicPartition, Long> startOffsets(Admin admin, Set<TopicPartition> inputs)
      throws Exception {
    if (options.from() == null) {
      return offsets(admin, inputs, OffsetSpec.earliest());
    }
    // Offsets for a time: the first record at or after it (or the end where there is none), set
    // as the new group's committed offsets before the group has any member.
    Map<TopicPartition, Long> byTime =
        offsets(admin, inputs, OffsetSpec.forTimestamp(options.from().toEpochMilli()));
    Map<TopicPartition, Long> end = offsets(admin, inputs, OffsetSpec.latest());
    Map<TopicPartition, Long> start = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    for (TopicPartition tp : inputs) {
      long o = byTime.get(tp) < 0 ? end.get(tp) : byTime.get(tp);
      start.put(tp, o);
      commit.put(tp, new OffsetAndMetadata(o));
    }
    admin.alterConsumerGroupOffsets(options.applicationId(), commit).all().get();
    log.info("Backfill starts at {} on the inputs", options.from());
    return start;
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, Set<TopicPartition> parts, OffsetSpec spec)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetSpec> req = new HashMap<>();
    parts.forEach(tp -> req.put(tp, spec));
    Map<TopicPartition, Long> out = new HashMap<>();
    admin
        .listOffsets(req, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
        .all()
        .get()
        .forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }
}
