package dev.kembed.demo.bench;

import static dev.kembed.topology.config.KembedConfig.*;

import dev.kembed.demo.DemoLogging;
import dev.kembed.demo.Latencies;
import dev.kembed.inference.Embedder;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.Surface;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.testkit.EmbeddedKafka;
import dev.kembed.topology.cli.Backfill;
import dev.kembed.topology.cli.EmbedderFactory;
import dev.kembed.topology.cli.KembedApp;
import dev.kembed.topology.cli.TopicCreator;
import dev.kembed.topology.config.AdminProps;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.expansion.IndexService;
import dev.kembed.topology.text.TextCleaner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs {@code kembed bench}: measures the embedder alone on a set of generated posts (before and
 * after the stream runs, since the machine may be shared), then for each {@link Variant} starts
 * kembed on fresh topics against the same broker, warms it up with a few posts, sends the same
 * posts in one burst and times the last content-embeddings record visible to a read_committed
 * consumer (closed loop: capacity). On the first variant it also times the user path (a burst of
 * IMPRESSIONs to their last similarity-features row) and an open-loop sweep at fixed fractions of
 * the measured capacity, with latency percentiles per output topic, and a backfill of its topics
 * with the embedding cache (the replay rate against the live one). Each phase records where the
 * process's CPU went ({@link CpuSplit}). Prints a Markdown report and returns the data for the
 * plot.
 */
public final class BenchRunner {
  /** One configuration of the app to measure. */
  public record Variant(String name, String guarantee, int threads, boolean index) {
    public static Variant parse(String s) {
      String g = s.startsWith("alos") ? StreamsConfig.AT_LEAST_ONCE : StreamsConfig.EXACTLY_ONCE_V2;
      if (!s.startsWith("alos") && !s.startsWith("eos")) {
        throw new IllegalArgumentException("variant must start with eos or alos: " + s);
      }
      return new Variant(s, g, s.contains("-2t") ? 2 : 1, !s.contains("-noindex"));
    }
  }

  /** What to run. */
  public record Options(
      String bootstrapServers,
      int posts,
      int interactions,
      int users,
      List<Double> loads,
      List<Rate> rates,
      Duration sweepStep,
      List<Variant> variants,
      long seed,
      Map<String, String> overrides,
      boolean backfill,
      boolean floor,
      boolean floorWidth) {}

  /** A fixed open-loop rate pair, posts/s and exposures/s ({@code --rates P:E}). */
  public record Rate(double posts, double exposures) {
    static Rate parse(String s) {
      String[] p = s.split(":");
      if (p.length != 2) {
        throw new IllegalArgumentException("a rate is POSTS:EXPOSURES, e.g. 90:580; got " + s);
      }
      Rate r = new Rate(Double.parseDouble(p[0].strip()), Double.parseDouble(p[1].strip()));
      if (!(r.posts() >= 0
          && r.exposures() >= 0
          && r.posts() + r.exposures() > 0
          && Double.isFinite(r.posts() + r.exposures()))) {
        throw new IllegalArgumentException(
            "rates are finite, non-negative and not both 0; got " + s);
      }
      return r;
    }
  }

  /** One point of the open-loop sweep. */
  public record SweepPoint(
      double fraction,
      double postsPerSecond,
      double exposuresPerSecond,
      Latencies embedding,
      Latencies features,
      int postsSent,
      int exposuresSent) {}

  /** What one variant measured. */
  public record VariantResult(
      Variant variant,
      double inStreamPerSecond,
      double inStreamSteadyPerSecond,
      double burstSeconds,
      Map<String, Double> cpu,
      List<double[]> throughput,
      double userPerSecond,
      double userSeconds,
      Map<String, Double> userCpu,
      List<SweepPoint> sweep,
      BackfillRate backfill,
      TopicTraffic.Phase burstTraffic,
      TopicTraffic.Phase userTraffic,
      double aloneJustBefore) {
    /**
     * In-stream over the embedder alone measured right before this burst, on the same texts: the
     * pair sees the same machine, where the run's before and after figures can be minutes and ±15 %
     * apart.
     */
    public double pairedRatio() {
      return inStreamPerSecond / aloneJustBefore;
    }
  }

  /**
   * A backfill of the variant's topics with the embedding cache: records and texts replayed, the
   * cache's share, the whole run's seconds (start to caught up, completion check included), and
   * when the last content-embeddings record and the last feature row of the replay became visible
   * (seconds from the start, as a reader of the backfill's outputs sees them).
   */
  public record BackfillRate(
      long records,
      long embedded,
      long reused,
      double seconds,
      double startupSeconds,
      boolean caughtUp,
      long contentRecords,
      double firstContentSeconds,
      double contentSeconds,
      double contentSteadyPerSecond,
      long featureRows,
      double featureSeconds) {
    public double textsPerSecond() {
      return (embedded + reused) / seconds;
    }

    /** Content-embeddings records of the replay per second, start to the last one visible. */
    public double contentPerSecond() {
      return contentRecords / contentSeconds;
    }

    /** Feature rows of the replay per second, start to the last one visible. */
    public double featureRowsPerSecond() {
      return featureRows / featureSeconds;
    }

    /** Feature rows per second once the replay was running. */
    public double featureRowsPerSecondRunning() {
      return featureRows / (featureSeconds - startupSeconds);
    }

    public double hitRate() {
      return embedded + reused == 0 ? Double.NaN : reused / (double) (embedded + reused);
    }
  }

  /** Everything measured. */
  public record Result(
      String modelId,
      double aloneBefore,
      double aloneAfter,
      Map<String, Double> aloneCpu,
      List<VariantResult> variants,
      StreamsFloor.Result floor,
      StreamsFloor.Result floorKembedWidth) {
    public double alone() {
      return (aloneBefore + aloneAfter) / 2;
    }
  }

  // Built once: a serde reads and parses its schema history from the jar, about 40 us each time,
  // which the bench's producer paid per record (a third of the process's CPU while the user path's
  // 30,000 impressions were produced, taken from the stream thread on 2 cores).
  private static final Serializer<PostEvent> POSTS = KembedSerdes.postEvent().serializer();
  private static final Serializer<InteractionEvent> INTERACTIONS =
      KembedSerdes.interactionEvent().serializer();

  private final Options options;
  private final PrintStream out;
  // The texts and batch size the embedder alone runs on (set by run, before any variant).
  private List<String> aloneTexts = List.of();
  private int aloneBatch = 1;

  public BenchRunner(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public Result run() throws Exception {
    EmbeddedKafka broker = null;
    Path stateDir = Files.createTempDirectory("kembed-bench-state");
    try {
      String bootstrap = options.bootstrapServers();
      if (bootstrap == null) {
        out.println("# starting an in-process Kafka broker (KRaft)...");
        DemoLogging.quietBroker();
        broker = EmbeddedKafka.start();
        bootstrap = broker.bootstrapServers();
      }
      List<BenchTexts.Post> posts = BenchTexts.posts(options.seed(), options.posts());
      KembedConfig base =
          new KembedConfig(settings(bootstrap, stateDir, "base", Variant.parse("eos")));
      TextCleaner cleaner = new TextCleaner(base.urlMode());
      List<String> texts = posts.stream().map(p -> cleaner.post(p.subject(), p.body())).toList();
      try (Embedder embedder = EmbedderFactory.create(base)) {
        embedder.embed(
            texts.subList(0, Math.min(64, texts.size()))); // warm-up: JIT and ONNX Runtime
        aloneTexts = texts;
        aloneBatch = base.getInt(EMBED_BATCH_SIZE);
        CpuSplit aloneCpu = CpuSplit.start();
        double before = alone(embedder, texts, aloneBatch);
        Map<String, Double> cpu = aloneCpu.stop();
        out.printf(
            Locale.ROOT, "# embedder alone: %,.0f texts/s (%d texts)%n", before, texts.size());
        // A throwaway run first, on its own topics: the first variant measured otherwise pays the
        // JIT compilation of the whole stream, client and broker code (7 of its 24 CPU-s in one
        // full run, against 0.2-1.4 for the variants after it), which a running deployment does
        // not.
        // Each runs the same burst and a user-path burst of up to 10,000 interactions: with a
        // shorter one (1,000 posts, no user path) the first variant still paid 4 CPU-s of JIT in
        // its burst and 10 in its user path, compiled for the larger batches only a full-size
        // run reaches.
        // Twice: the first run's user path changes type profiles that its burst had compiled
        // for, and the JIT recompiled them in the next burst (3.5 CPU-s in the first measured
        // variant with one throwaway run, 0.1-0.6 in the variants after it).
        for (String name : List.of("eos-warmup", "eos-warmup2")) {
          out.printf(Locale.ROOT, "# warm-up run %s (not reported) ...%n", name);
          variant(bootstrap, stateDir, Variant.parse(name), embedder, posts, Role.THROWAWAY);
        }
        List<VariantResult> results = new ArrayList<>();
        // Every variant's burst first, each on the same footing, and only then the first
        // variant's user path, sweep and backfill on a run of its own: with those phases in the
        // first variant's run its burst came out 0.1-0.2 below the others in four runs out of
        // four, with extra JIT and GC CPU in its split, whatever the warm-up.
        for (Variant v : options.variants()) {
          out.printf(Locale.ROOT, "# variant %s ...%n", v.name());
          results.add(variant(bootstrap, stateDir, v, embedder, posts, Role.BURST));
        }
        Variant first = options.variants().get(0);
        if (options.interactions() > 0 || options.backfill()) {
          out.printf(Locale.ROOT, "# variant %s: user path, sweep, backfill ...%n", first.name());
          VariantResult rest =
              variant(
                  bootstrap,
                  stateDir,
                  Variant.parse(first.name() + "-rest"),
                  embedder,
                  posts,
                  Role.FULL);
          VariantResult burst = results.get(0);
          results.set(
              0,
              new VariantResult(
                  first,
                  burst.inStreamPerSecond(),
                  burst.inStreamSteadyPerSecond(),
                  burst.burstSeconds(),
                  burst.cpu(),
                  burst.throughput(),
                  rest.userPerSecond(),
                  rest.userSeconds(),
                  rest.userCpu(),
                  rest.sweep(),
                  rest.backfill(),
                  burst.burstTraffic(),
                  rest.userTraffic(),
                  burst.aloneJustBefore()));
        }
        StreamsFloor.Result floor = null;
        StreamsFloor.Result floorWide = null;
        if (options.floor() && options.interactions() > 0) {
          out.printf(Locale.ROOT, "# the Streams floor of the user path's records ...%n");
          floor = floor(bootstrap, stateDir, first, posts, "-floor", false);
          out.printf(
              Locale.ROOT,
              "#   floor: %,.0f interactions/s (%d in %.1f s)%n",
              floor.perSecond(),
              options.interactions(),
              floor.seconds());
          if (options.floorWidth()) {
            out.printf(
                Locale.ROOT, "# the Streams floor again, with kembed's topology width ...%n");
            floorWide = floor(bootstrap, stateDir, first, posts, "-floor-wide", true);
            out.printf(
                Locale.ROOT,
                "#   floor with kembed's width: %,.0f interactions/s (%d in %.1f s)%n",
                floorWide.perSecond(),
                options.interactions(),
                floorWide.seconds());
          }
        }
        double after = alone(embedder, texts, aloneBatch);
        out.printf(Locale.ROOT, "# embedder alone again: %,.0f texts/s%n", after);
        return new Result(embedder.model().id(), before, after, cpu, results, floor, floorWide);
      }
    } finally {
      if (broker != null) {
        broker.close();
      }
      deleteQuietly(stateDir);
    }
  }

  // The user path's records with nothing else (StreamsFloor), on kembed's Streams settings for the
  // first variant, fed the same IMPRESSIONs as the user path.
  private StreamsFloor.Result floor(
      String bootstrap,
      Path stateDir,
      Variant v,
      List<BenchTexts.Post> posts,
      String suffix,
      boolean kembedWidth)
      throws Exception {
    KembedConfig config = new KembedConfig(settings(bootstrap, stateDir, v.name() + suffix, v));
    String prefix = config.streamsProperties().getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    String input = StreamsFloor.topic(prefix, "interactions");
    Map<String, Object> producerProps = new HashMap<>(AdminProps.producer(config));
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    Random r = new Random(options.seed());
    long base = System.currentTimeMillis() - Duration.ofHours(14).toMillis();
    try (Admin admin = Admin.create(AdminProps.of(config));
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer())) {
      return StreamsFloor.run(
          admin,
          config.streamsProperties(),
          AdminProps.consumer(config),
          prefix,
          config.getInt(TOPICS_PARTITIONS),
          config.getShort(TOPICS_REPLICATION_FACTOR),
          options.interactions(),
          i -> sendUserPathImpression(producer, input, r, posts, base),
          producer::flush,
          Duration.ofMillis(2 * config.getLong(WATERMARK_IDLE_MS) + 1_000),
          kembedWidth);
    }
  }

  private static double alone(Embedder embedder, List<String> texts, int batch) {
    long t = System.nanoTime();
    for (int i = 0; i < texts.size(); i += batch) {
      embedder.embed(texts.subList(i, Math.min(texts.size(), i + batch)));
    }
    return texts.size() / ((System.nanoTime() - t) / 1e9);
  }

  /**
   * What a variant run does: the burst only, everything (burst, user path, sweep, backfill), or a
   * throwaway warm-up (burst and a shorter user path, not reported).
   */
  private enum Role {
    BURST,
    FULL,
    THROWAWAY
  }

  private VariantResult variant(
      String bootstrap,
      Path stateDir,
      Variant v,
      Embedder embedder,
      List<BenchTexts.Post> posts,
      Role role)
      throws Exception {
    boolean full = role == Role.FULL;
    KembedConfig config = new KembedConfig(settings(bootstrap, stateDir, v.name(), v));
    try (Admin admin = Admin.create(AdminProps.of(config))) {
      TopicCreator.ensure(admin, config, Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
    }
    IndexService indexes = v.index() ? IndexService.open(config, embedder.model()) : null;
    if (indexes != null) {
      indexes.start();
    }
    KembedApp app = new KembedApp(config, embedder, indexes);
    Map<String, Object> producerProps = new HashMap<>(AdminProps.producer(config));
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    String run = config.streamsProperties().getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    try (Admin admin = Admin.create(AdminProps.of(config));
        Arrivals arrivals =
            new Arrivals(
                AdminProps.consumer(config),
                config.topic(TOPIC_CONTENT_EMBEDDINGS),
                config.topic(TOPIC_SIMILARITY_FEATURES));
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer())) {
      app.start();
      if (!app.awaitRunning(Duration.ofSeconds(120))) {
        throw new IllegalStateException("kembed did not reach RUNNING (state " + app.state() + ")");
      }
      String postTopic = config.topic(TOPIC_POSTS);
      String interactionTopic = config.topic(TOPIC_INTERACTIONS);
      long base = System.currentTimeMillis() - Duration.ofHours(14).toMillis();

      // 0. Warm-up, as the embedder alone had one: JIT-compile the stream's, producer's and
      //    broker's paths (content and user path: join, user vectors, feature rows) and open the
      //    transactions before anything is timed. On 2 cores the JIT compiler otherwise takes a
      //    third of the CPU during the first minute, which is not what a running deployment pays.
      warmUp(producer, postTopic, interactionTopic, arrivals, posts, base);
      out.printf(
          Locale.ROOT,
          "#   warm-up done; JIT compiler quiet after %.1f s%n",
          CpuSplit.awaitJitQuiet(Duration.ofSeconds(60)));

      // The embedder alone again, right before the burst: its pair. This machine drifts by ±15 %
      // over minutes, so the run's before and after figures are a loose reference for a burst
      // measured between them.
      double aloneJustBefore =
          role == Role.THROWAWAY ? Double.NaN : alone(embedder, aloneTexts, aloneBatch);

      // 1. Burst of posts → last content-embeddings record visible (closed loop: capacity).
      TopicTraffic traffic = TopicTraffic.start(admin, run);
      CpuSplit cpu = CpuSplit.start();
      long t0 = System.nanoTime();
      for (int i = 0; i < posts.size(); i++) {
        sendPost(producer, postTopic, posts.get(i), posts.get(i).id(), base + i);
      }
      producer.flush();
      Duration timeout = Duration.ofSeconds(Math.max(120, posts.size() / 5));
      boolean all =
          arrivals.await(
              () -> posts.stream().allMatch(p -> arrivals.embeddingAt.containsKey(p.id())),
              timeout);
      long last =
          posts.stream()
              .map(p -> arrivals.embeddingAt.getOrDefault(p.id(), System.nanoTime()))
              .max(Comparator.naturalOrder())
              .orElse(t0);
      Map<String, Double> burstCpu = cpu.stop();
      // The posts' downstream work (their authors' vectors) goes on after the last embedding:
      // it is counted in the burst's traffic, and the user path starts after it. The authors'
      // vectors are applied once the watermark passes their posts, which after a burst's last
      // record takes the idle rule (watermark.idle.ms, then as long again): a measured run waits
      // for quiet longer than that, so the table does not depend on which came first.
      Duration quiet =
          role == Role.THROWAWAY
              ? Duration.ofSeconds(1)
              : Duration.ofMillis(2 * config.getLong(WATERMARK_IDLE_MS) + 1_000);
      double settled = traffic.settle(quiet, Duration.ofSeconds(60));
      TopicTraffic.Phase burstTraffic = traffic.stop(posts.size());
      double burstSeconds = (last - t0) / 1e9;
      double inStream = (all ? posts.size() : arrivals.embeddingAt.size()) / burstSeconds;
      double inStreamSteady =
          SteadyRate.perSecond(
              posts.stream()
                  .map(p -> arrivals.embeddingAt.get(p.id()))
                  .filter(java.util.Objects::nonNull)
                  .toList());
      out.printf(
          Locale.ROOT,
          "#   in-stream: %,.0f texts/s (%d texts in %.1f s%s%s); its outputs moved until %.1f s"
              + " later%n",
          inStream,
          posts.size(),
          burstSeconds,
          all ? "" : ", TIMED OUT",
          Double.isNaN(aloneJustBefore)
              ? ""
              : String.format(
                  Locale.ROOT, "; the embedder alone just before: %,.0f texts/s", aloneJustBefore),
          settled);
      double from = arrivals.secondsSinceStart(t0);
      List<double[]> throughput = new ArrayList<>();
      for (long[] b : arrivals.buckets) {
        double at = b[0] * Arrivals.BUCKET_MS / 1000.0 - from;
        if (at >= 0 && at <= burstSeconds + 1) {
          throughput.add(new double[] {at, b[1] * 1000.0 / Arrivals.BUCKET_MS});
        }
      }

      double userRate = Double.NaN;
      double userSeconds = Double.NaN;
      Map<String, Double> userCpu = Map.of();
      TopicTraffic.Phase userTraffic = TopicTraffic.Phase.NONE;
      List<SweepPoint> sweep = new ArrayList<>();
      int interactions =
          switch (role) {
            case FULL -> options.interactions();
            case THROWAWAY -> Math.min(options.interactions(), 10_000);
            case BURST -> 0;
          };
      if (interactions > 0) {
        // 2. User path: a burst of IMPRESSIONs on the embedded posts → last similarity-features
        // row.
        Random r = new Random(options.seed());
        long before = arrivals.features.get();
        TopicTraffic utraffic = TopicTraffic.start(admin, run);
        CpuSplit ucpu = CpuSplit.start();
        long u0 = System.nanoTime();
        for (int i = 0; i < interactions; i++) {
          sendUserPathImpression(producer, interactionTopic, r, posts, base);
        }
        producer.flush();
        long target = before + interactions;
        boolean done =
            arrivals.await(
                () -> arrivals.features.get() >= target,
                Duration.ofSeconds(Math.max(120, interactions / 100)));
        long uLast = System.nanoTime();
        userCpu = ucpu.stop();
        utraffic.settle(quiet, Duration.ofSeconds(60));
        userTraffic = utraffic.stop(interactions);
        userSeconds = (uLast - u0) / 1e9;
        userRate = (arrivals.features.get() - before) / userSeconds;
        out.printf(
            Locale.ROOT,
            "#   user path: %,.0f interactions/s (%d in %.1f s%s)%n",
            userRate,
            interactions,
            userSeconds,
            done ? "" : ", TIMED OUT");
      }
      if (full && interactions > 0) {
        // 3. Open-loop sweep. A load L is that share of the machine: posts at L/2 of the content
        //    capacity plus exposures at L/2 of the user-path capacity, each capacity having been
        //    measured with the whole machine to itself (L of both at once would be 2L). Event
        //    time runs with the schedule for posts and exposures alike, after everything sent
        //    before, as a live feed's does (a post stamped hours behind the exposures would hold
        //    their rows back until its partition turned idle: the watermark is exact, not the
        //    bench's friend).
        long sweepClock = base + Duration.ofHours(13).toMillis() + Duration.ofMinutes(1).toMillis();
        // Fixed rates (--rates) instead: each pair's load is its share of this run's machine.
        List<Rate> rates = new ArrayList<>(options.rates());
        if (rates.isEmpty()) {
          for (double f : options.loads()) {
            rates.add(new Rate(f / 2 * inStream, f / 2 * userRate));
          }
        }
        for (Rate rate : rates) {
          sweep.add(
              openLoop(
                  producer,
                  postTopic,
                  interactionTopic,
                  arrivals,
                  posts,
                  rate.posts() / inStream + rate.exposures() / userRate,
                  rate.posts(),
                  rate.exposures(),
                  sweepClock));
          sweepClock += options.sweepStep().toMillis() + Duration.ofMinutes(1).toMillis();
        }
      }
      BackfillRate backfill = null;
      if (full && options.backfill()) {
        // 4. Backfill of everything this variant consumed, with the live content-embeddings as
        // cache.
        app.close(Duration.ofSeconds(30));
        backfill = backfill(config, embedder);
      }
      return new VariantResult(
          v,
          inStream,
          inStreamSteady,
          burstSeconds,
          burstCpu,
          throughput,
          userRate,
          userSeconds,
          userCpu,
          sweep,
          backfill,
          burstTraffic,
          userTraffic,
          aloneJustBefore);
    } finally {
      app.close(Duration.ofSeconds(30));
      if (indexes != null) {
        indexes.close();
      }
    }
  }

  // Posts, then IMPRESSIONs on them from a few hundred users, through to their feature rows; event
  // times before everything timed later, so the warm-up never holds a timed record back.
  private void warmUp(
      KafkaProducer<String, byte[]> producer,
      String postTopic,
      String interactionTopic,
      Arrivals arrivals,
      List<BenchTexts.Post> posts,
      long base)
      throws InterruptedException {
    int warm = Math.min(100, Math.max(10, posts.size() / 6));
    long t = base - Duration.ofHours(1).toMillis();
    List<String> warmIds = new ArrayList<>();
    for (int i = 0; i < warm; i++) {
      BenchTexts.Post src = posts.get(i % posts.size());
      String id = "bench-warmup-" + i;
      warmIds.add(id);
      sendPost(
          producer,
          postTopic,
          new BenchTexts.Post(
              id, src.author(), src.subject(), src.body() + " warm-up " + i, src.topic()),
          id,
          t + i);
    }
    producer.flush();
    arrivals.await(
        () -> warmIds.stream().allMatch(arrivals.embeddingAt::containsKey),
        Duration.ofSeconds(120));
    int impressions = Math.min(2_000, Math.max(100, options.interactions() / 5));
    Random r = new Random(options.seed() - 1);
    long rowsBefore = arrivals.features.get();
    for (int i = 0; i < impressions; i++) {
      sendImpression(
          producer,
          interactionTopic,
          "warmup-user-" + r.nextInt(200),
          warmIds.get(r.nextInt(warm)),
          t + warm + i);
    }
    producer.flush();
    arrivals.await(
        () -> arrivals.features.get() >= rowsBefore + impressions, Duration.ofSeconds(120));
  }

  private BackfillRate backfill(KembedConfig live, Embedder embedder) throws Exception {
    String id =
        live.streamsProperties().getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-backfill";
    // The backfill closes the embedder it is given; the bench still needs this one.
    Embedder shared =
        new Embedder() {
          @Override
          public dev.kembed.inference.ModelInfo model() {
            return embedder.model();
          }

          @Override
          public float[][] embed(List<String> texts) {
            return embedder.embed(texts);
          }

          @Override
          public void close() {}
        };
    Backfill backfill =
        new Backfill(
            live,
            new Backfill.Options(
                id, "backfill.", null, true, Duration.ofSeconds(5), Duration.ofMinutes(10)),
            new PrintStream(java.io.OutputStream.nullOutputStream()));
    KembedConfig replay = backfill.replayConfig();
    // The watcher assigns the replay's output partitions before the backfill starts, so they must
    // exist already; Backfill.run's own ensure then finds them in place.
    try (Admin admin = Admin.create(AdminProps.of(replay))) {
      TopicCreator.ensure(admin, replay);
    }
    Backfill.Result result;
    long t0;
    BackfillRate rate;
    try (Arrivals seen =
        new Arrivals(
            AdminProps.consumer(replay),
            replay.topic(TOPIC_CONTENT_EMBEDDINGS),
            replay.topic(TOPIC_SIMILARITY_FEATURES))) {
      t0 = System.nanoTime();
      result = backfill.run(cfg -> shared);
      Thread.sleep(500); // the watcher's last poll: the backfill waited for quiet outputs anyway
      long lastContent =
          seen.embeddingAt.values().stream().mapToLong(Long::longValue).max().orElse(t0);
      long firstContent =
          seen.embeddingAt.values().stream().mapToLong(Long::longValue).min().orElse(t0);
      long lastRow = seen.featureAt.values().stream().mapToLong(Long::longValue).max().orElse(t0);
      rate =
          new BackfillRate(
              result.records(),
              result.embedded(),
              result.reused(),
              result.seconds(),
              result.startupSeconds(),
              result.caughtUp(),
              seen.embeddings.get(),
              (firstContent - t0) / 1e9,
              (lastContent - t0) / 1e9,
              SteadyRate.perSecond(seen.embeddingAt.values()),
              seen.features.get(),
              (lastRow - t0) / 1e9);
    }
    out.printf(
        Locale.ROOT,
        "#   backfill: %,d records in %.1f s, running after %.1f s; %,d content records from %.1f s"
            + " to %.1f s (%,.0f/s steady), %,d feature rows by %.1f s (%,.0f/s running); cache hit"
            + " rate %.0f %%%s%n",
        rate.records(),
        rate.seconds(),
        rate.startupSeconds(),
        rate.contentRecords(),
        rate.firstContentSeconds(),
        rate.contentSeconds(),
        rate.contentSteadyPerSecond(),
        rate.featureRows(),
        rate.featureSeconds(),
        rate.featureRowsPerSecondRunning(),
        rate.hitRate() * 100,
        rate.caughtUp() ? "" : " (did not catch up)");
    return rate;
  }

  /** How long the feed runs, unmeasured, before an open-loop step's measured records. */
  private static final Duration LEAD = Duration.ofSeconds(5);

  /** How long the feed may run on, unmeasured, after an open-loop step. */
  private static final Duration TAIL = Duration.ofSeconds(30);

  private SweepPoint openLoop(
      KafkaProducer<String, byte[]> producer,
      String postTopic,
      String interactionTopic,
      Arrivals arrivals,
      List<BenchTexts.Post> posts,
      double fraction,
      double postRate,
      double exposureRate,
      long eventBase)
      throws InterruptedException {
    long seconds = options.sweepStep().toSeconds();
    int nPosts = (int) Math.max(1, postRate * seconds);
    int nExposures = (int) Math.max(1, Math.min(exposureRate, 50_000) * seconds);
    Map<String, Long> postSent = new HashMap<>();
    Map<String, Long> exposureSent = new HashMap<>();
    Random r = new Random(options.seed() + Math.round(fraction * 1000));
    String tag = String.format(Locale.ROOT, "load%03d", Math.round(fraction * 100));
    long t0 = System.nanoTime();
    long postGap = (long) (seconds * 1e9 / nPosts);
    long exposureGap = (long) (seconds * 1e9 / nExposures);
    int p = 0;
    int x = 0;
    // The step measures a stream that flows: the feed starts LEAD before the measured records, at
    // the same rates, and goes on after them, unmeasured, until every measured record has arrived
    // (at most TAIL). A feed that starts or stops makes exposures wait for the idle rule
    // (watermark.idle.ms, then as long again to confirm; docs/event-time.md): partitions that were
    // idle must show their first records, and a feed's last records wait for its partitions to
    // turn idle. That is a feed's start and end, not the latency under load.
    int leadPosts = (int) (LEAD.toSeconds() * nPosts / seconds);
    int leadExposures = (int) (LEAD.toSeconds() * nExposures / seconds);
    long tailEnd = t0 + (LEAD.toSeconds() + seconds) * 1_000_000_000L + TAIL.toNanos();
    long nextCheck = 0;
    while (true) {
      long nextPost = t0 + p * postGap;
      long nextExposure = t0 + x * exposureGap;
      long due = Math.min(nextPost, nextExposure);
      boolean measured = p < leadPosts + nPosts || x < leadExposures + nExposures;
      if (!measured
          && (due > tailEnd
              || (due >= nextCheck && allArrived(arrivals, postSent, exposureSent)))) {
        break;
      }
      if (!measured && due >= nextCheck) {
        nextCheck = due + 100_000_000L;
      }
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      // Latency counts from the scheduled send time (open loop: a slow send does not hide
      // queueing).
      if (nextPost <= nextExposure) {
        BenchTexts.Post src = posts.get(p % posts.size());
        String id = src.id() + "-" + tag + "-" + p;
        if (p >= leadPosts && p < leadPosts + nPosts) {
          postSent.put(id, due);
        }
        sendPost(
            producer,
            postTopic,
            new BenchTexts.Post(
                id, src.author(), src.subject(), src.body() + " " + tag + " " + p, src.topic()),
            id,
            eventBase + (due - t0) / 1_000_000);
        p++;
      } else {
        String user = "user-" + r.nextInt(options.users());
        String post = posts.get(r.nextInt(posts.size())).id();
        long eventTime = eventBase + (due - t0) / 1_000_000;
        if (x >= leadExposures && x < leadExposures + nExposures) {
          exposureSent.put(Arrivals.exposureKey(user, post, eventTime), due);
        }
        sendImpression(producer, interactionTopic, user, post, eventTime);
        x++;
      }
    }
    producer.flush();
    arrivals.await(() -> allArrived(arrivals, postSent, exposureSent), Duration.ofSeconds(60));
    Latencies emb = new Latencies();
    Latencies feat = new Latencies();
    postSent.forEach((k, sent) -> emb.add(latencyMs(arrivals.embeddingAt.get(k), sent)));
    exposureSent.forEach((k, sent) -> feat.add(latencyMs(arrivals.featureAt.get(k), sent)));
    out.printf(
        Locale.ROOT,
        "#   %.0f%% load: %.0f posts/s + %.0f exposures/s: embedding p99 %.0f ms, features p99 %.0f"
            + " ms%n",
        fraction * 100,
        postRate,
        exposureRate,
        emb.percentile(99),
        feat.percentile(99));
    return new SweepPoint(fraction, postRate, exposureRate, emb, feat, nPosts, nExposures);
  }

  private static boolean allArrived(
      Arrivals arrivals, Map<String, Long> postSent, Map<String, Long> exposureSent) {
    return postSent.keySet().stream().allMatch(arrivals.embeddingAt::containsKey)
        && exposureSent.keySet().stream().allMatch(arrivals.featureAt::containsKey);
  }

  // A missing output counts as infinitely late, so it shows in the high percentiles.
  private static double latencyMs(Long arrived, long sent) {
    return arrived == null ? Double.POSITIVE_INFINITY : Math.max(0, (arrived - sent) / 1e6);
  }

  private static void sendPost(
      KafkaProducer<String, byte[]> producer,
      String topic,
      BenchTexts.Post p,
      String id,
      long eventTime) {
    PostEvent e =
        PostEvent.newBuilder()
            .setPostId(id)
            .setAuthorId(p.author())
            .setSubject(p.subject())
            .setBody(p.body())
            .setEventTime(Instant.ofEpochMilli(eventTime))
            .build();
    producer.send(new ProducerRecord<>(topic, null, eventTime, id, POSTS.serialize(topic, e)));
  }

  // One IMPRESSION of the user path's burst: a random user of --users on a random post, its event
  // time within 12 h after the posts'.
  private void sendUserPathImpression(
      KafkaProducer<String, byte[]> producer,
      String topic,
      Random r,
      List<BenchTexts.Post> posts,
      long base) {
    String user = "user-" + r.nextInt(options.users());
    sendImpression(
        producer,
        topic,
        user,
        posts.get(r.nextInt(posts.size())).id(),
        base + Duration.ofHours(1).toMillis() + r.nextInt((int) Duration.ofHours(12).toMillis()));
  }

  private static void sendImpression(
      KafkaProducer<String, byte[]> producer,
      String topic,
      String user,
      String post,
      long eventTime) {
    InteractionEvent e =
        InteractionEvent.newBuilder()
            .setUserId(user)
            .setTargetId(post)
            .setTargetType(EntityType.POST)
            .setInteractionType(InteractionType.IMPRESSION)
            .setSurface(Surface.FEED)
            .setEventTime(Instant.ofEpochMilli(eventTime))
            .build();
    producer.send(
        new ProducerRecord<>(topic, null, eventTime, user, INTERACTIONS.serialize(topic, e)));
  }

  private Map<String, Object> settings(String bootstrap, Path stateDir, String name, Variant v) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    s.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(name).toString());
    s.put(TOPICS_PARTITIONS, "3");
    String run = "kembed-bench-" + System.currentTimeMillis() / 1000 + "-" + name;
    s.put(StreamsConfig.APPLICATION_ID_CONFIG, run);
    for (String key : TopicCreator.TOPIC_KEYS) {
      s.put(key, run + "." + KembedConfig.CONFIG.defaultValues().get(key));
    }
    s.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, v.guarantee());
    s.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(v.threads()));
    s.put(INDEX_ENABLED, Boolean.toString(v.index()));
    s.put(HTTP_PORT, "0");
    s.putAll(options.overrides());
    return s;
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory; the OS cleans it eventually
    }
  }
}
