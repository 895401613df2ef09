package dev.kembed.demo.bench;

import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.serde.KembedSerdes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The bench's reference for the user path: a Kafka Streams application that moves the same records
 * an interaction makes kembed move, with kembed's Streams settings (guarantee, commit interval,
 * producer batching and compression, poll), and does nothing else. No event-time order, no
 * watermarks, no point-in-time reads, no Avro past the input: per interaction it repartitions the
 * input by entity, looks the entity's vector up in a logged store, repartitions a 1.6 KB signal by
 * user, holds it in a logged timeline store and deletes it at the next 100 ms punctuation, adds it
 * to two float64 tiles and a meta record in a logged, cached store, sends 3 user vectors, a 3 KB
 * row to the author's partition (same sub-topology, as in kembed) and there a small feature row.
 * kembed's user path over this one's rate is what kembed's own logic costs on top of the framework
 * and the broker for its record layout; this one's rate is what that layout allows on the machine.
 */
final class StreamsFloor {
  static final int DIM = 384;
  private static final String[] TOPICS = {
    "interactions", "by-entity", "by-user", "by-author", "user-vectors", "features"
  };
  // With kembed's width: the topics of the idle content-like and search-like sub-topologies and of
  // the idle sources beside the join's and the user task's.
  private static final String[] IDLE_TOPICS = {
    "i-posts", "i-comments", "i-queries", "i-searches", "i-embeddings", "i-authored", "i-search-sig"
  };
  private static final String ENTITIES = "floor-entities";
  private static final String TIMELINE = "floor-timeline";
  private static final String TILES = "floor-tiles";

  /** What the floor measured: rate, wall seconds, CPU by role, traffic per interaction. */
  record Result(
      double perSecond, double seconds, Map<String, Double> cpu, TopicTraffic.Phase traffic) {}

  private StreamsFloor() {}

  /**
   * Runs the floor once: creates its topics under {@code prefix}, starts the app with {@code
   * streams} (kembed's own Streams properties; the application id is replaced), sends {@code
   * interactions} inputs through {@code send} (called with the topic's index 0 only; the caller
   * writes the same IMPRESSIONs as the user path) and times the last feature row visible
   * read_committed.
   */
  static Result run(
      Admin admin,
      Properties streams,
      Map<String, Object> consumerProps,
      String prefix,
      int partitions,
      short replication,
      int interactions,
      IntConsumer send,
      Runnable flush,
      Duration quiet,
      boolean kembedWidth)
      throws Exception {
    List<String> names = new ArrayList<>(List.of(TOPICS));
    if (kembedWidth) {
      names.addAll(List.of(IDLE_TOPICS));
    }
    List<NewTopic> topics = new ArrayList<>();
    for (String t : names) {
      topics.add(new NewTopic(topic(prefix, t), partitions, replication));
    }
    admin.createTopics(topics).all().get();
    Properties p = new Properties();
    p.putAll(streams);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix);
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    AtomicLong rows = new AtomicLong();
    try (KafkaStreams app = new KafkaStreams(topology(prefix, kembedWidth), p);
        RowCounter counter = new RowCounter(consumerProps, topic(prefix, "features"), rows)) {
      app.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (app.state() != KafkaStreams.State.RUNNING) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the floor app did not reach RUNNING: " + app.state());
        }
        Thread.sleep(50);
      }
      CpuSplit.awaitJitQuiet(Duration.ofSeconds(30));
      TopicTraffic traffic = TopicTraffic.start(admin, prefix);
      CpuSplit cpu = CpuSplit.start();
      long t0 = System.nanoTime();
      for (int i = 0; i < interactions; i++) {
        send.accept(i);
      }
      flush.run();
      long end =
          System.nanoTime() + Duration.ofSeconds(Math.max(120, interactions / 100)).toNanos();
      while (rows.get() < interactions && System.nanoTime() < end) {
        Thread.sleep(5);
      }
      long last = counter.lastAt();
      Map<String, Double> split = cpu.stop();
      traffic.settle(quiet, Duration.ofSeconds(60));
      TopicTraffic.Phase phase = traffic.stop(interactions);
      double seconds = (last - t0) / 1e9;
      app.close(Duration.ofSeconds(30));
      return new Result(rows.get() / seconds, seconds, split, phase);
    }
  }

  static String topic(String prefix, String name) {
    return prefix + ".floor-" + name;
  }

  static Topology topology(String prefix) {
    return topology(prefix, false);
  }

  /**
   * The floor's topology; with {@code kembedWidth}, kembed's width as well: 5 sub-topologies over
   * 11 source topics instead of 3 over 4. The extra ones are idle, as kembed's content and search
   * tasks and its join's and user task's other sources are during the user path, and punctuate
   * every 100 ms, sending a marker to each partition every second as kembed's watermark forwarders
   * do when nothing changes. It measures what the width alone costs.
   */
  static Topology topology(String prefix, boolean kembedWidth) {
    var strings = Serdes.String();
    var bytes = Serdes.ByteArray();
    Topology t = new Topology();
    t.addSource("in", strings.deserializer(), bytes.deserializer(), topic(prefix, "interactions"));
    t.addProcessor("by-entity", ByEntity::new, "in");
    t.addSink(
        "to-entity",
        topic(prefix, "by-entity"),
        strings.serializer(),
        bytes.serializer(),
        "by-entity");
    t.addSource("entity", strings.deserializer(), bytes.deserializer(), topic(prefix, "by-entity"));
    t.addProcessor("join", Join::new, "entity");
    t.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ENTITIES), strings, bytes),
        "join");
    t.addSink(
        "to-user", topic(prefix, "by-user"), strings.serializer(), bytes.serializer(), "join");
    t.addSource("user", strings.deserializer(), bytes.deserializer(), topic(prefix, "by-user"));
    t.addSource("author", strings.deserializer(), bytes.deserializer(), topic(prefix, "by-author"));
    t.addProcessor("vectors", UserVectors::new, "user");
    t.addProcessor("rows", AuthorRow::new, "author");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(TIMELINE), Serdes.Bytes(), bytes),
        "vectors");
    // Cached like kembed's tile store, so that a tile written again within a commit reaches the
    // changelog once here too.
    t.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TILES), strings, bytes)
            .withCachingEnabled(),
        "vectors",
        "rows");
    t.addSink(
        "to-vectors",
        topic(prefix, "user-vectors"),
        strings.serializer(),
        bytes.serializer(),
        "vectors");
    t.addSink(
        "to-author",
        topic(prefix, "by-author"),
        strings.serializer(),
        bytes.serializer(),
        "vectors");
    t.addSink(
        "to-features", topic(prefix, "features"), strings.serializer(), bytes.serializer(), "rows");
    if (kembedWidth) {
      addIdleWidth(t, prefix);
    }
    return t;
  }

  private static void addIdleWidth(Topology t, String prefix) {
    var strings = Serdes.String();
    var bytes = Serdes.ByteArray();
    var sd = strings.deserializer();
    var bd = bytes.deserializer();
    t.addSource(
        "i-content-src",
        sd,
        bd,
        topic(prefix, "i-posts"),
        topic(prefix, "i-comments"),
        topic(prefix, "i-queries"));
    t.addProcessor("i-content", () -> new Idle(true), "i-content-src");
    for (String o : new String[] {"i-embeddings", "i-authored", "i-search-sig"}) {
      t.addSink("to-" + o, topic(prefix, o), strings.serializer(), bytes.serializer(), "i-content");
    }
    t.addSource("i-search-src", sd, bd, topic(prefix, "i-searches"));
    t.addProcessor("i-search", () -> new Idle(true), "i-search-src");
    t.addSink(
        "to-i-queries",
        topic(prefix, "i-queries"),
        strings.serializer(),
        bytes.serializer(),
        "i-search");
    // Idle sources in the join's and the user task's sub-topologies (sharing their stores).
    t.addSource("i-join-src", sd, bd, topic(prefix, "i-embeddings"));
    t.addProcessor("i-join", () -> new Idle(false), "i-join-src");
    t.connectProcessorAndStateStores("i-join", ENTITIES);
    t.addSource("i-user-src", sd, bd, topic(prefix, "i-authored"), topic(prefix, "i-search-sig"));
    t.addProcessor("i-user", () -> new Idle(false), "i-user-src");
    t.connectProcessorAndStateStores("i-user", TIMELINE);
  }

  // An idle task's punctuation every 100 ms and, if it marks, a marker to each partition every
  // tenth (kembed's forwarders resend an unchanged watermark every ten intervals); it drops input.
  private static final class Idle implements Processor<String, byte[], String, byte[]> {
    private final boolean marks;
    private long ticks;

    Idle(boolean marks) {
      this.marks = marks;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      context.schedule(
          Duration.ofMillis(100),
          PunctuationType.WALL_CLOCK_TIME,
          now -> {
            if (marks && ++ticks % 10 == 0) {
              for (int p = 0; p < 3; p++) {
                context.forward(new Record<>("m" + p, new byte[16], now));
              }
            }
          });
    }

    @Override
    public void process(Record<String, byte[]> r) {}
  }

  // The input, parsed (every pipeline parses its input), re-keyed by entity: user and event time.
  private static final class ByEntity implements Processor<String, byte[], String, byte[]> {
    private final Deserializer<InteractionEvent> events =
        KembedSerdes.interactionEvent().deserializer();
    private ProcessorContext<String, byte[]> context;

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> r) {
      InteractionEvent e = events.deserialize("", r.value());
      byte[] user = e.getUserId().getBytes(StandardCharsets.UTF_8);
      byte[] v = ByteBuffer.allocate(8 + user.length).putLong(r.timestamp()).put(user).array();
      context.forward(r.withKey(e.getTargetId()).withValue(v));
    }
  }

  // The entity's vector from a logged store (made once per entity), sent to the viewer's partition.
  private static final class Join implements Processor<String, byte[], String, byte[]> {
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> entities;

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
      this.entities = context.getStateStore(ENTITIES);
    }

    @Override
    public void process(Record<String, byte[]> r) {
      byte[] vector = entities.get(r.key());
      if (vector == null) {
        vector = unitVector(r.key().hashCode());
        entities.put(r.key(), vector);
      }
      ByteBuffer in = ByteBuffer.wrap(r.value());
      long time = in.getLong();
      String user = new String(r.value(), 8, r.value().length - 8, StandardCharsets.UTF_8);
      byte[] author = ("author-" + Math.floorMod(r.key().hashCode(), 500)).getBytes();
      byte[] signal =
          ByteBuffer.allocate(8 + 4 + author.length + vector.length)
              .putLong(time)
              .putInt(author.length)
              .put(author)
              .put(vector)
              .array();
      context.forward(r.withKey(user).withValue(signal));
    }
  }

  // Holds the signal in the timeline until the next punctuation, adds it to two tiles and a meta
  // record, sends the 3 user vectors and the row to the author's partition.
  private static final class UserVectors implements Processor<String, byte[], String, byte[]> {
    private static final String[] WINDOWS = {"1h", "24h", "7d"};
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<Bytes, byte[]> timeline;
    private KeyValueStore<String, byte[]> tiles;
    private final List<Bytes> held = new ArrayList<>();
    private long seq;

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
      this.timeline = context.getStateStore(TIMELINE);
      this.tiles = context.getStateStore(TILES);
      context.schedule(
          Duration.ofMillis(100),
          PunctuationType.WALL_CLOCK_TIME,
          now -> {
            held.forEach(timeline::delete);
            held.clear();
          });
    }

    @Override
    public void process(Record<String, byte[]> r) {
      ByteBuffer in = ByteBuffer.wrap(r.value());
      long time = in.getLong();
      byte[] author = new byte[in.getInt()];
      in.get(author);
      float[] v = new float[DIM];
      in.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
      Bytes key =
          Bytes.wrap(
              ByteBuffer.allocate(16 + r.key().length())
                  .putLong(time)
                  .putLong(seq++)
                  .put(r.key().getBytes(StandardCharsets.UTF_8))
                  .array());
      timeline.put(key, r.value());
      held.add(key);
      double[] sum = null;
      for (String tile : new String[] {"h" + time / 3_600_000L, "d" + time / 86_400_000L}) {
        String k = r.key() + "|" + tile;
        sum = unpack(tiles.get(k));
        for (int i = 0; i < DIM; i++) {
          sum[i] += v[i];
        }
        tiles.put(k, pack(sum));
      }
      tiles.put(
          r.key() + "|meta", ByteBuffer.allocate(24).putLong(time).putLong(seq).putLong(0).array());
      float[] unit = new float[DIM];
      double norm = 0;
      for (double x : sum) {
        norm += x * x;
      }
      double scale = norm == 0 ? 0 : 1 / Math.sqrt(norm);
      for (int i = 0; i < DIM; i++) {
        unit[i] = (float) (sum[i] * scale);
      }
      for (String w : WINDOWS) {
        context.forward(r.withKey(r.key() + "|" + w).withValue(packFloats(unit)), "to-vectors");
      }
      context.forward(
          r.withKey(new String(author, StandardCharsets.UTF_8)).withValue(pack(sum)), "to-author");
    }
  }

  // Completes the row on the author's partition: the author's tile, then a small feature row.
  private static final class AuthorRow implements Processor<String, byte[], String, byte[]> {
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> tiles;

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
      this.tiles = context.getStateStore(TILES);
    }

    @Override
    public void process(Record<String, byte[]> r) {
      double[] author = unpack(tiles.get(r.key() + "|d" + r.timestamp() / 86_400_000L));
      ByteBuffer viewer = ByteBuffer.wrap(r.value()).order(ByteOrder.LITTLE_ENDIAN);
      double dot = 0;
      for (int i = 0; i < DIM; i++) {
        dot += author[i] * viewer.getDouble();
      }
      ByteBuffer row = ByteBuffer.allocate(15 * 8);
      for (int i = 0; i < 15; i++) {
        row.putDouble(dot * i);
      }
      context.forward(r.withValue(row.array()));
    }
  }

  static byte[] unitVector(int seed) {
    Random random = new Random(seed);
    float[] v = new float[DIM];
    double norm = 0;
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < DIM; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return packFloats(v);
  }

  static byte[] packFloats(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  static byte[] pack(double[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(v);
    return b.array();
  }

  static double[] unpack(byte[] b) {
    double[] v = new double[DIM];
    if (b != null) {
      ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v);
    }
    return v;
  }

  // Counts the floor's feature rows as a read_committed reader sees them, and when the last came.
  private static final class RowCounter implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastAt = System.nanoTime();

    RowCounter(Map<String, Object> consumerProps, String topic, AtomicLong rows) {
      Map<String, Object> props = new HashMap<>(consumerProps);
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      props.remove(ConsumerConfig.GROUP_ID_CONFIG);
      KafkaConsumer<String, byte[]> consumer =
          new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
      var partitions =
          consumer.partitionsFor(topic).stream()
              .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      this.thread =
          new Thread(
              () -> {
                try (consumer) {
                  while (running) {
                    int n = consumer.poll(Duration.ofMillis(50)).count();
                    if (n > 0) {
                      rows.addAndGet(n);
                      lastAt = System.nanoTime();
                    }
                  }
                }
              },
              "bench-floor-rows");
      thread.setDaemon(true);
      thread.start();
    }

    long lastAt() {
      return lastAt;
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(5_000);
    }
  }
}
