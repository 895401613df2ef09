package dev.kembed.demo;

import static dev.kembed.topology.config.KembedConfig.*;

import dev.kembed.inference.Embedder;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.schemas.serde.NaturalJson;
import dev.kembed.testkit.EmbeddedKafka;
import dev.kembed.topology.cli.EmbedderFactory;
import dev.kembed.topology.cli.InputType;
import dev.kembed.topology.cli.KembedApp;
import dev.kembed.topology.cli.TopicCreator;
import dev.kembed.topology.config.AdminProps;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.expansion.IndexService;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
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
 * Runs the demo end to end: a broker (in-process unless one is given), the topics, the kembed
 * topology on a fresh application id, a seeded {@link Workload} sent at a steady rate, an {@link
 * OutputCollector} on every output topic, a progress line per second, and the {@link DemoReport}.
 * It waits until every good post and comment has its embedding and the outputs have been quiet for
 * a moment, so the report covers the whole workload.
 */
public final class DemoRunner {
  /** What to run. */
  public record Options(
      long seed,
      int users,
      int posts,
      int actions,
      double rate,
      double jsonShare,
      boolean poison,
      String bootstrapServers,
      Map<String, String> overrides,
      Duration drainTimeout) {}

  private final Options options;
  private final PrintStream progress;
  private final PrintStream report;

  public DemoRunner(Options options, PrintStream progress, PrintStream report) {
    this.options = options;
    this.progress = progress;
    this.report = report;
  }

  /** Runs the demo; returns the collector's view of the outputs for callers that check them. */
  public Result run() throws Exception {
    Workload workload =
        Workload.generate(
            options.seed(),
            options.users(),
            options.posts(),
            options.actions(),
            options.jsonShare(),
            options.poison());
    progress.printf(
        "kembed demo: seed %d, %,d events (%d users, %d posts), sending %s%n",
        options.seed(),
        workload.events().size(),
        workload.personas().size(),
        workload.postCategories().size(),
        options.rate() > 0
            ? String.format(Locale.ROOT, "%,.0f events/s", options.rate())
            : "as fast as possible");
    long t0 = System.nanoTime();
    EmbeddedKafka broker = null;
    Path stateDir = Files.createTempDirectory("kembed-demo-state");
    try {
      String bootstrap = options.bootstrapServers();
      if (bootstrap == null) {
        progress.println("Starting an in-process Kafka broker (KRaft)...");
        DemoLogging.quietBroker();
        broker = EmbeddedKafka.start();
        bootstrap = broker.bootstrapServers();
      }
      KembedConfig config = new KembedConfig(settings(bootstrap, stateDir));
      try (Admin admin = Admin.create(AdminProps.of(config))) {
        // The story's event times (2025) are the record timestamps: keep them past any retention.
        TopicCreator.ensure(admin, config, Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
      }
      progress.println("Loading the model...");
      try (Embedder embedder = EmbedderFactory.create(config);
          IndexService indexes = IndexService.open(config, embedder.model())) {
        indexes.start();
        KembedApp app = new KembedApp(config, embedder, indexes);
        app.start();
        if (!app.awaitRunning(Duration.ofSeconds(120))) {
          throw new IllegalStateException(
              "kembed did not reach RUNNING (state " + app.state() + ")");
        }
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        try (OutputCollector out =
            new OutputCollector(config, AdminProps.consumer(config), sentAt)) {
          out.start();
          long tSend = System.nanoTime();
          send(workload, config, sentAt, out);
          double produceSeconds = (System.nanoTime() - tSend) / 1e9;
          long texts = workload.events().stream().filter(DemoEvent::isText).count();
          drain(out, config, texts, t0);
          double total = (System.nanoTime() - tSend) / 1e9;
          app.close(Duration.ofSeconds(30));
          long poison = workload.events().stream().filter(e -> e.poison() != null).count();
          DemoReport.Timing timing =
              new DemoReport.Timing(
                  produceSeconds,
                  total,
                  workload.events().size(),
                  texts,
                  poison,
                  embedder.model().id());
          new DemoReport(config, workload, out, timing, app.meterRegistry()).print(report);
          return new Result(workload, out, config);
        }
      }
    } finally {
      if (broker != null) {
        broker.close();
      }
      deleteQuietly(stateDir);
    }
  }

  /** The outputs of one run, for tests. */
  public record Result(Workload workload, OutputCollector outputs, KembedConfig config) {}

  private Map<String, Object> settings(String bootstrap, Path stateDir) {
    Map<String, Object> s = new HashMap<>();
    s.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    s.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    s.put(TOPICS_PARTITIONS, "3");
    // The demo plays two weeks of event time in a few seconds, so one second of embedding latency
    // is more than a day of event time: an interaction waiting for its post's vector would miss
    // the one-hour join grace and the one-day lateness bound that fit real time. Widen both to
    // the whole story (the report prints them).
    s.put(JOIN_GRACE_MS, Long.toString(Duration.ofDays(14).toMillis()));
    s.put(USER_VECTOR_LATENESS_MS, Long.toString(Duration.ofDays(14).toMillis()));
    if (options.bootstrapServers() == null) {
      s.put(StreamsConfig.APPLICATION_ID_CONFIG, "kembed-demo");
    } else {
      // On a shared cluster every run gets its own topics and application id, so the report
      // covers this run only and nothing of a real deployment is touched.
      String run = "kembed-demo-" + System.currentTimeMillis() / 1000;
      s.put(StreamsConfig.APPLICATION_ID_CONFIG, run);
      for (String key : TopicCreator.TOPIC_KEYS) {
        s.put(key, run + "." + KembedConfig.CONFIG.defaultValues().get(key));
      }
      progress.println(
          "Using topics prefixed '"
              + run
              + ".' on "
              + bootstrap
              + " (left in place after the run)");
    }
    s.putAll(options.overrides());
    return s;
  }

  private void send(
      Workload workload, KembedConfig config, Map<String, Long> sentAt, OutputCollector out) {
    Map<String, Object> props = new HashMap<>(AdminProps.producer(config));
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    Map<InputType, Serializer<SpecificRecord>> serializers = new HashMap<>();
    List<DemoEvent> events = workload.events();
    long start = System.nanoTime();
    long lastReport = start;
    try (var producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < events.size(); i++) {
        DemoEvent e = events.get(i);
        pace(start, i);
        byte[] value =
            e.value() == null
                ? e.raw()
                : e.asJson()
                    ? NaturalJson.bytes(e.value())
                    : serializer(serializers, e.type())
                        .serialize(e.type().topic(config), e.value());
        long now = System.nanoTime();
        if (e.isText()) {
          sentAt.put(OutputCollector.embeddingKey(e.key()), now);
        } else if (e.value() instanceof InteractionEvent ie
            && (ie.getInteractionType() == InteractionType.IMPRESSION
                || ie.getInteractionType() == InteractionType.NOTIFICATION_OPEN)) {
          sentAt.put(
              OutputCollector.exposureKey(
                  ie.getUserId(), ie.getTargetId(), ie.getEventTime().toEpochMilli()),
              now);
        }
        producer.send(
            new ProducerRecord<>(e.type().topic(config), null, e.eventTime(), e.key(), value));
        if (now - lastReport > 1_000_000_000L) {
          lastReport = now;
          line(out, config, i + 1, events.size(), start);
        }
      }
      producer.flush();
    }
  }

  @SuppressWarnings("unchecked")
  private static Serializer<SpecificRecord> serializer(
      Map<InputType, Serializer<SpecificRecord>> cache, InputType t) {
    return cache.computeIfAbsent(
        t,
        k ->
            (Serializer<SpecificRecord>)
                (Serializer<?>) KembedSerdes.of(k.recordClass()).serializer());
  }

  private void pace(long start, int i) {
    if (options.rate() <= 0) {
      return;
    }
    long due = start + (long) (i / options.rate() * 1e9);
    long wait = due - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // Done when every good text has its embedding and nothing has arrived for a while (features,
  // user vectors and expansions follow the embeddings), or when the drain timeout is up.
  private void drain(OutputCollector out, KembedConfig config, long texts, long t0)
      throws InterruptedException {
    long deadline = System.nanoTime() + options.drainTimeout().toNanos();
    long lastReport = 0;
    while (System.nanoTime() < deadline) {
      boolean embedded = out.contentEmbeddings() >= texts;
      boolean quiet = System.nanoTime() - out.lastArrivalNanos() > 3_000_000_000L;
      if (embedded && quiet) {
        return;
      }
      if (System.nanoTime() - lastReport > 1_000_000_000L) {
        lastReport = System.nanoTime();
        line(out, config, -1, -1, t0);
      }
      Thread.sleep(100);
    }
    progress.printf("Drain timeout: %d of %d texts embedded%n", out.contentEmbeddings(), texts);
  }

  private void line(OutputCollector out, KembedConfig config, int sent, int total, long start) {
    double s = (System.nanoTime() - start) / 1e9;
    String produced =
        sent >= 0 ? String.format(Locale.ROOT, "sent %,d/%,d", sent, total) : "draining";
    progress.printf(
        Locale.ROOT,
        "[%5.1fs] %-16s | embeddings %,6d | index %,6d | user-vectors %,6d | features %,6d |"
            + " expansions %,5d | dlq %,3d%n",
        s,
        produced,
        out.count(config.topic(TOPIC_CONTENT_EMBEDDINGS)),
        out.count(config.topic(TOPIC_INDEX_UPDATES)),
        out.count(config.topic(TOPIC_USER_VECTORS)),
        out.count(config.topic(TOPIC_SIMILARITY_FEATURES)),
        out.count(config.topic(TOPIC_QUERY_EXPANSIONS)),
        out.count(config.topic(TOPIC_DLQ)));
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
