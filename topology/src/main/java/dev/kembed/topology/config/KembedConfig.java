package dev.kembed.topology.config;

import dev.kembed.inference.EmbedderOptions;
import dev.kembed.topology.text.TextCleaner;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * kembed's own configuration: every key declared once with its type, default, validator and doc
 * (the README's table is generated from this definition). Keys kembed does not know are passed
 * through untouched to Kafka Streams, so any {@code StreamsConfig}, consumer or producer setting
 * works as documented by Kafka; kembed only changes a few Streams defaults (see {@link
 * #streamsProperties()}).
 */
public final class KembedConfig extends AbstractConfig {

  private static final String TOPICS = "Topics";
  private static final String EMBED = "Embedding";
  private static final String INFERENCE = "Inference";
  private static final String JOIN = "Joins";
  private static final String USERS = "User vectors and features";
  private static final String SERVING = "Serving";

  public static final String TOPIC_POSTS = "topic.posts";
  public static final String TOPIC_COMMENTS = "topic.comments";
  public static final String TOPIC_INTERACTIONS = "topic.interactions";
  public static final String TOPIC_SEARCH_QUERIES = "topic.search.queries";
  public static final String TOPIC_CONTENT_EMBEDDINGS = "topic.content.embeddings";
  public static final String TOPIC_USER_VECTORS = "topic.user.vectors";
  public static final String TOPIC_SIMILARITY_FEATURES = "topic.similarity.features";
  public static final String TOPIC_INDEX_UPDATES = "topic.index.updates";
  public static final String TOPIC_QUERY_EXPANSIONS = "topic.query.expansions";
  public static final String TOPIC_DLQ = "topic.dlq";
  public static final String TOPICS_CREATE = "topics.create";
  public static final String TOPICS_PARTITIONS = "topics.partitions";
  public static final String TOPICS_REPLICATION_FACTOR = "topics.replication.factor";

  public static final String EMBED_BATCH_SIZE = "embed.batch.size";
  public static final String EMBED_MAX_WAIT_MS = "embed.max.wait.ms";
  public static final String TEXT_URL_MODE = "text.url.mode";
  public static final String TEXT_MAX_CHARS = "text.max.chars";
  public static final String OUTPUT_VECTOR_ENCODING = "output.vector.encoding";

  public static final String INFERENCE_MODEL = "inference.model";
  public static final String INFERENCE_DEVICE = "inference.device";
  public static final String INFERENCE_DEVICE_ID = "inference.device.id";
  public static final String INFERENCE_INTRA_OP_THREADS = "inference.intra.op.threads";
  public static final String INFERENCE_PARALLELISM = "inference.parallelism";
  public static final String INFERENCE_MAX_TOKENS = "inference.max.tokens";
  public static final String INFERENCE_OPTIMIZATION = "inference.optimization";
  public static final String INFERENCE_BATCHING = "inference.batching";
  public static final String INFERENCE_PROBE_CHECK = "inference.probe.check";
  public static final String INFERENCE_PROJECTION = "inference.projection";
  public static final String INFERENCE_PROBE_MIN_COSINE = "inference.probe.min.cosine";
  public static final String INFERENCE_PROBE_ACCEPT_MISMATCH = "inference.probe.accept.mismatch";

  public static final String JOIN_GRACE_MS = "join.grace.ms";

  public static final String USER_VECTOR_WINDOWS = "user.vector.windows";
  public static final String USER_VECTOR_WEIGHTS = "user.vector.weights";
  public static final String USER_VECTOR_LATENESS_MS = "user.vector.allowed.lateness.ms";
  public static final String USER_VECTOR_EMIT_INTERVAL_MS = "user.vector.emit.interval.ms";
  public static final String SEARCH_QUERY_WEIGHT = "search.query.weight";
  public static final String SEARCH_QUERY_CACHE_TTL_MS = "search.query.cache.ttl.ms";
  public static final String FEATURES_EXPOSURE_TYPES = "features.exposure.types";

  public static final String EXPANSION_ENABLED = "expansion.enabled";
  public static final String EXPANSION_K = "expansion.k";
  public static final String EXPANSION_MIN_SCORE = "expansion.min.score";
  public static final String INDEX_POSTS_ENABLED = "index.posts.enabled";
  public static final String INDEX_SNAPSHOT_INTERVAL_MS = "index.snapshot.interval.ms";
  public static final String INDEX_SNAPSHOT_RECORDS = "index.snapshot.records";
  public static final String INDEX_SNAPSHOT_MAX_AGE_MS = "index.snapshot.max.age.ms";
  public static final String HTTP_PORT = "http.port";
  public static final String HTTP_BIND_ADDRESS = "http.bind.address";
  public static final String HTTP_AUTH_TOKEN = "http.auth.token";

  /** Largest k that query expansion and the HTTP API accept. */
  public static final int MAX_NEIGHBOURS = 100;

  /** Upper bound on a micro-batch: keeps one flush far inside the transaction timeout. */
  public static final int MAX_BATCH_SIZE = 256;

  public static final ConfigDef CONFIG =
      new ConfigDef()
          .define(TOPIC_POSTS, Type.STRING, "posts", Importance.HIGH, "Input topic of post events (key: post id; tombstone = post deleted).", TOPICS, 1, ConfigDef.Width.MEDIUM, TOPIC_POSTS)
          .define(TOPIC_COMMENTS, Type.STRING, "comments", Importance.HIGH, "Input topic of comment events (key: comment id; tombstone = comment deleted).", TOPICS, 2, ConfigDef.Width.MEDIUM, TOPIC_COMMENTS)
          .define(TOPIC_INTERACTIONS, Type.STRING, "interactions", Importance.HIGH, "Input topic of user interactions (key: user id).", TOPICS, 3, ConfigDef.Width.MEDIUM, TOPIC_INTERACTIONS)
          .define(TOPIC_SEARCH_QUERIES, Type.STRING, "search-queries", Importance.HIGH, "Input topic of search queries (key: user id).", TOPICS, 4, ConfigDef.Width.MEDIUM, TOPIC_SEARCH_QUERIES)
          .define(TOPIC_CONTENT_EMBEDDINGS, Type.STRING, "content-embeddings", Importance.HIGH, "Output: one embedding per post, comment or query (compacted; tombstone on delete).", TOPICS, 5, ConfigDef.Width.MEDIUM, TOPIC_CONTENT_EMBEDDINGS)
          .define(TOPIC_USER_VECTORS, Type.STRING, "user-vectors", Importance.HIGH, "Output: windowed user vectors (compacted; key user|kind|window).", TOPICS, 6, ConfigDef.Width.MEDIUM, TOPIC_USER_VECTORS)
          .define(TOPIC_SIMILARITY_FEATURES, Type.STRING, "similarity-features", Importance.HIGH, "Output: one row of similarity features per exposure (append-only).", TOPICS, 7, ConfigDef.Width.MEDIUM, TOPIC_SIMILARITY_FEATURES)
          .define(TOPIC_INDEX_UPDATES, Type.STRING, "index-updates", Importance.HIGH, "Output: UPSERT/DELETE of vectors for ANN indexes.", TOPICS, 8, ConfigDef.Width.MEDIUM, TOPIC_INDEX_UPDATES)
          .define(TOPIC_QUERY_EXPANSIONS, Type.STRING, "query-expansions", Importance.MEDIUM, "Output: nearest past queries for each search.", TOPICS, 9, ConfigDef.Width.MEDIUM, TOPIC_QUERY_EXPANSIONS)
          .define(TOPIC_DLQ, Type.STRING, "kembed-dlq", Importance.HIGH, "Dead-letter topic: every rejected record, as received, with headers saying why (also set as Kafka Streams' errors.dead.letter.queue.topic.name).", TOPICS, 10, ConfigDef.Width.MEDIUM, TOPIC_DLQ)
          .define(TOPICS_CREATE, Type.BOOLEAN, true, Importance.MEDIUM, "Create missing input and output topics at start (internal topics are always created by Kafka Streams).", TOPICS, 11, ConfigDef.Width.SHORT, TOPICS_CREATE)
          .define(TOPICS_PARTITIONS, Type.INT, 6, Range.atLeast(1), Importance.MEDIUM, "Partitions of topics kembed creates. The unit of parallelism: at most this many instances/threads share the work.", TOPICS, 12, ConfigDef.Width.SHORT, TOPICS_PARTITIONS)
          .define(TOPICS_REPLICATION_FACTOR, Type.SHORT, (short) -1, Importance.MEDIUM, "Replication factor of topics kembed creates; -1 takes the broker's default.", TOPICS, 13, ConfigDef.Width.SHORT, TOPICS_REPLICATION_FACTOR)
          .define(EMBED_BATCH_SIZE, Type.INT, 32, Range.between(1, MAX_BATCH_SIZE), Importance.HIGH, "Texts buffered before an inference batch runs. Bounded so that one flush stays far inside the exactly-once transaction timeout.", EMBED, 1, ConfigDef.Width.SHORT, EMBED_BATCH_SIZE)
          .define(EMBED_MAX_WAIT_MS, Type.LONG, 200L, Range.between(1, 60_000), Importance.HIGH, "Longest a buffered text waits (wall-clock) before its batch runs even if not full. Must stay well under transaction.timeout.ms.", EMBED, 2, ConfigDef.Width.SHORT, EMBED_MAX_WAIT_MS)
          .define(TEXT_URL_MODE, Type.STRING, "keep", ValidString.in("keep", "mask", "domain"), Importance.LOW, "URLs inside text: keep them, mask them as [link], or keep only the host name.", EMBED, 3, ConfigDef.Width.SHORT, TEXT_URL_MODE)
          .define(TEXT_MAX_CHARS, Type.INT, 100_000, Range.atLeast(1), Importance.LOW, "Cleaned text longer than this is rejected to the DLQ (TEXT_TOO_LONG); shorter text is truncated to the model's max tokens.", EMBED, 4, ConfigDef.Width.SHORT, TEXT_MAX_CHARS)
          .define(OUTPUT_VECTOR_ENCODING, Type.STRING, "float32", ValidString.in("float32", "float16", "int8"), Importance.MEDIUM, "How content-embeddings, user-vectors and index-updates carry vectors. float32: the 'vector' float array (schema v1 layout, readable by every consumer). float16 (2 bytes a dimension, cosine to float32 >= 0.99999) or int8 (per-vector scale, 1 byte a dimension, cosine >= 0.999): packed into 'packed_vector' (schema v2); upgrade every consumer to v2 first. Internal topics and stores always use packed float32.", EMBED, 5, ConfigDef.Width.SHORT, OUTPUT_VECTOR_ENCODING)
          .define(INFERENCE_MODEL, Type.STRING, "all-minilm-l6-v2-q", Importance.HIGH, "Model: 'all-minilm-l6-v2-q' (int8, default on cpu), 'all-minilm-l6-v2' (fp32; the default when inference.device=cuda and this key is not set, run in batches), or a directory holding model.onnx and tokenizer.json.", INFERENCE, 1, ConfigDef.Width.LONG, INFERENCE_MODEL)
          .define(INFERENCE_DEVICE, Type.STRING, "cpu", ValidString.in("cpu", "cuda"), Importance.MEDIUM, "Execution provider. 'cuda' needs the gpu Maven profile (onnxruntime_gpu) and a CUDA host.", INFERENCE, 2, ConfigDef.Width.SHORT, INFERENCE_DEVICE)
          .define(INFERENCE_DEVICE_ID, Type.INT, 0, Range.atLeast(0), Importance.LOW, "CUDA device ordinal used when inference.device=cuda (as numbered after CUDA_VISIBLE_DEVICES).", INFERENCE, 12, ConfigDef.Width.SHORT, INFERENCE_DEVICE_ID)
          .define(INFERENCE_INTRA_OP_THREADS, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM, "Threads one ONNX Runtime call may use; 0 chooses (1 when texts run one per call, else every core).", INFERENCE, 3, ConfigDef.Width.SHORT, INFERENCE_INTRA_OP_THREADS)
          .define(INFERENCE_PARALLELISM, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM, "Concurrent ONNX Runtime calls one batch is spread over; 0 chooses (every core when texts run one per call).", INFERENCE, 4, ConfigDef.Width.SHORT, INFERENCE_PARALLELISM)
          .define(INFERENCE_MAX_TOKENS, Type.INT, 0, Range.atLeast(0), Importance.LOW, "Tokens per text (special tokens included) after which text is truncated; 0 takes the model's limit (256 for MiniLM).", INFERENCE, 6, ConfigDef.Width.SHORT, INFERENCE_MAX_TOKENS)
          .define(INFERENCE_OPTIMIZATION, Type.STRING, "all", ValidString.in("none", "basic", "extended", "all"), Importance.LOW, "ONNX Runtime graph optimisation level.", INFERENCE, 7, ConfigDef.Width.SHORT, INFERENCE_OPTIMIZATION)
          .define(INFERENCE_BATCHING, Type.STRING, "auto", ValidString.in("auto", "batched", "per-text"), Importance.LOW, "auto: batch only batch-invariant models, run dynamically quantized ones one text per call (so a vector never depends on its batch).", INFERENCE, 5, ConfigDef.Width.SHORT, INFERENCE_BATCHING)
          .define(INFERENCE_PROBE_CHECK, Type.BOOLEAN, true, Importance.MEDIUM, "At start, embed a fixed set of probe texts and compare them with the probe vectors recorded under the same model id by earlier runs (files under <state.dir>/kembed-probes/); the first run under an id records them. A probe below inference.probe.min.cosine stops the start: something that changes vectors is not covered by the model id.", INFERENCE, 8, ConfigDef.Width.SHORT, INFERENCE_PROBE_CHECK)
          .define(INFERENCE_PROBE_MIN_COSINE, Type.DOUBLE, 0.9999, Range.between(0, 1), Importance.LOW, "Lowest cosine between a probe's recorded and current vector that still counts as the same model. Runs of one build agree to 1e-7; an ONNX Runtime upgrade or another graph optimisation level moves int8 vectors to 0.99-0.9998.", INFERENCE, 9, ConfigDef.Width.SHORT, INFERENCE_PROBE_MIN_COSINE)
          .define(INFERENCE_PROBE_ACCEPT_MISMATCH, Type.BOOLEAN, false, Importance.LOW, "Operator override: start even though the probes moved beyond inference.probe.min.cosine, log it, and record the new probe vectors as the reference for this id. Set it for one start after a deliberate, reviewed change; old and new vectors then share the id.", INFERENCE, 10, ConfigDef.Width.SHORT, INFERENCE_PROBE_ACCEPT_MISMATCH)
          .define(INFERENCE_PROJECTION, Type.STRING, "", Importance.MEDIUM, "Path of a projection artifact written by 'kembed fit-projection' (empty: off, the default). Applied in-process to every vector, so all outputs and state carry k dimensions and the model id gains '+<projection id>'. See docs/projection.md for the measured quality per k before turning it on.", INFERENCE, 11, ConfigDef.Width.LONG, INFERENCE_PROJECTION)
          .define(JOIN_GRACE_MS, Type.LONG, 3_600_000L, Range.atLeast(0), Importance.MEDIUM, "How long (event time) a record waits for the embedding it needs, e.g. a comment for its post. After that it is counted and sent to the DLQ.", JOIN, 1, ConfigDef.Width.SHORT, JOIN_GRACE_MS)
          .define(USER_VECTOR_WINDOWS, Type.LIST, "P7D,P30D,P90D", Importance.HIGH, "Windows of every user vector, as ISO-8601 durations. Windows under 12 days are kept in hourly tiles, longer ones in daily tiles (the window's old edge is exact to one tile).", USERS, 1, ConfigDef.Width.MEDIUM, USER_VECTOR_WINDOWS)
          .define(USER_VECTOR_WEIGHTS, Type.STRING, dev.kembed.topology.features.InteractionWeights.DEFAULT, Importance.HIGH, "Weight of each interaction type in a user's ENGAGEMENT vector (TYPE:weight,...). Types not listed weigh 0.", USERS, 2, ConfigDef.Width.LONG, USER_VECTOR_WEIGHTS)
          .define(USER_VECTOR_LATENESS_MS, Type.LONG, 86_400_000L, Range.atLeast(0), Importance.MEDIUM, "How far (event time) behind a user's latest event an event may arrive and still be applied; older events go to the DLQ as LATE_EVENT.", USERS, 3, ConfigDef.Width.SHORT, USER_VECTOR_LATENESS_MS)
          .define(USER_VECTOR_EMIT_INTERVAL_MS, Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM, "Minimum event-time interval between two user-vectors records of one user and kind; changes in between are emitted once the interval has passed (0 emits every change).", USERS, 4, ConfigDef.Width.SHORT, USER_VECTOR_EMIT_INTERVAL_MS)
          .define(SEARCH_QUERY_WEIGHT, Type.DOUBLE, 1.0, Range.atLeast(0), Importance.LOW, "Weight of one search query in the user's SEARCH_INTENT vector.", USERS, 5, ConfigDef.Width.SHORT, SEARCH_QUERY_WEIGHT)
          .define(SEARCH_QUERY_CACHE_TTL_MS, Type.LONG, 7_776_000_000L, Range.atLeast(0), Importance.LOW, "A cached query embedding unused for this long (event time) is evicted; 0 keeps every query forever. Default 90 days, the longest default window.", USERS, 7, ConfigDef.Width.SHORT, SEARCH_QUERY_CACHE_TTL_MS)
          .define(FEATURES_EXPOSURE_TYPES, Type.LIST, "IMPRESSION,NOTIFICATION_SENT,NOTIFICATION_OPEN", Importance.MEDIUM, "Interaction types that log one similarity-features row (computed before the interaction itself is applied).", USERS, 6, ConfigDef.Width.MEDIUM, FEATURES_EXPOSURE_TYPES)
          .define(EXPANSION_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM, "Emit a query-expansions record for every search: the nearest past queries from the in-memory 'queries' index, which each instance feeds from the content-embeddings topic. Only effective when the app runs with an index service.", SERVING, 1, ConfigDef.Width.SHORT, EXPANSION_ENABLED)
          .define(EXPANSION_K, Type.INT, 10, Range.between(1, MAX_NEIGHBOURS), Importance.MEDIUM, "Most neighbours in one query expansion (the query itself and its trivial variants never count).", SERVING, 2, ConfigDef.Width.SHORT, EXPANSION_K)
          .define(EXPANSION_MIN_SCORE, Type.DOUBLE, 0.5, Range.between(-1, 1), Importance.MEDIUM, "Lowest cosine similarity between a query and a past query for the latter to be offered as an expansion (also applied by GET /expand).", SERVING, 3, ConfigDef.Width.SHORT, EXPANSION_MIN_SCORE)
          .define(INDEX_POSTS_ENABLED, Type.BOOLEAN, true, Importance.LOW, "Also keep an in-memory HNSW index of post embeddings, for GET /similar. Costs about 4 x dimension bytes plus graph links per post on every instance; when false, /similar answers from the queries index.", SERVING, 4, ConfigDef.Width.SHORT, INDEX_POSTS_ENABLED)
          .define(INDEX_SNAPSHOT_INTERVAL_MS, Type.LONG, 300_000L, Range.atLeast(1_000), Importance.LOW, "Wall-clock interval between two snapshots of each in-memory index (with the content-embeddings offsets they cover) under <state.dir>/kembed-index/<index>/; one is also written at shutdown.", SERVING, 5, ConfigDef.Width.SHORT, INDEX_SNAPSHOT_INTERVAL_MS)
          .define(INDEX_SNAPSHOT_RECORDS, Type.INT, 100_000, Range.atLeast(1), Importance.LOW, "Content-embeddings records applied to the in-memory indexes after which a snapshot is written even if the interval has not passed.", SERVING, 6, ConfigDef.Width.SHORT, INDEX_SNAPSHOT_RECORDS)
          .define(INDEX_SNAPSHOT_MAX_AGE_MS, Type.LONG, 86_400_000L, Range.atLeast(0), Importance.LOW, "An index snapshot older than this at start is discarded and the index rebuilt from the earliest offset. Keep it at or below the content-embeddings topic's delete.retention.ms (default one day): compaction may since have removed tombstones the snapshot has not seen. 0 disables the check.", SERVING, 7, ConfigDef.Width.SHORT, INDEX_SNAPSHOT_MAX_AGE_MS)
          .define(HTTP_PORT, Type.INT, 8080, Range.between(0, 65_535), Importance.MEDIUM, "Port of the HTTP interactive-query API (0 picks a free port). Set application.server to host:port of this API so that instances can proxy user lookups to the owner of the key.", SERVING, 8, ConfigDef.Width.SHORT, HTTP_PORT)
          .define(HTTP_BIND_ADDRESS, Type.STRING, "127.0.0.1", Importance.MEDIUM, "Address the HTTP API binds to. Loopback by default: expose it (e.g. 0.0.0.0) only together with http.auth.token or behind a proxy that authenticates.", SERVING, 9, ConfigDef.Width.MEDIUM, HTTP_BIND_ADDRESS)
          .define(HTTP_AUTH_TOKEN, Type.PASSWORD, null, Importance.MEDIUM, "When set, every HTTP API request but GET /health must carry 'Authorization: Bearer <token>' (401 otherwise), and instances send it to each other when proxying.", SERVING, 10, ConfigDef.Width.MEDIUM, HTTP_AUTH_TOKEN);

  private final Map<String, Object> passThrough;

  public KembedConfig(Map<?, ?> props) {
    super(CONFIG, props, false);
    this.passThrough = new HashMap<>();
    props.forEach(
        (k, v) -> {
          if (!CONFIG.names().contains(String.valueOf(k))) {
            passThrough.put(String.valueOf(k), v);
          }
        });
    checkTransactionBudget();
  }

  /** Loads a config from properties, with {@code KEMBED_*} environment variables taking precedence. */
  public static KembedConfig load(Properties fileProps, Map<String, String> env) {
    return new KembedConfig(EnvOverrides.apply(fileProps, env, CONFIG.names()));
  }

  public String topic(String key) {
    return getString(key);
  }

  public TextCleaner.UrlMode urlMode() {
    return TextCleaner.UrlMode.parse(getString(TEXT_URL_MODE));
  }

  /** The embedder these settings describe; its batches are at most {@code embed.batch.size}. */
  public EmbedderOptions embedderOptions() {
    Map<String, String> options = new HashMap<>(Map.of(
        "device", getString(INFERENCE_DEVICE),
        "device.id", getInt(INFERENCE_DEVICE_ID).toString(),
        "intra.op.threads", getInt(INFERENCE_INTRA_OP_THREADS).toString(),
        "parallelism", getInt(INFERENCE_PARALLELISM).toString(),
        "max.tokens", getInt(INFERENCE_MAX_TOKENS).toString(),
        "optimization", getString(INFERENCE_OPTIMIZATION),
        "batching", getString(INFERENCE_BATCHING),
        "batch.size", getInt(EMBED_BATCH_SIZE).toString()));
    // Only a model the operator named overrides the device's default (fp32 on cuda, int8 on cpu).
    if (originals().containsKey(INFERENCE_MODEL) || !"cuda".equals(getString(INFERENCE_DEVICE))) {
      options.put("model", getString(INFERENCE_MODEL));
    }
    return EmbedderOptions.fromMap(options);
  }

  /** The encoding of vectors on the output topics ({@code output.vector.encoding}). */
  public dev.kembed.schemas.vector.PackedVectors.Encoding outputVectorEncoding() {
    return dev.kembed.schemas.vector.PackedVectors.Encoding.valueOf(getString(OUTPUT_VECTOR_ENCODING).toUpperCase(Locale.ROOT));
  }

  /** The Kafka Streams state directory (state.dir, or Streams' default). */
  public java.nio.file.Path stateDir() {
    return java.nio.file.Path.of(new StreamsConfig(streamsProperties()).getString(StreamsConfig.STATE_DIR_CONFIG));
  }

  /** True when the app runs exactly-once (the default). */
  public boolean exactlyOnce() {
    return StreamsConfig.EXACTLY_ONCE_V2.equals(streamsProperties().getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
  }

  /**
   * Properties for {@code KafkaStreams}: everything kembed does not own, over kembed's defaults
   * (exactly-once v2, the DLQ topic, kembed's DLQ exception handlers, application id "kembed").
   */
  public Properties streamsProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "kembed");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, getString(TOPIC_DLQ));
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, "dev.kembed.topology.errors.DlqDeserializationHandler");
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, "dev.kembed.topology.errors.DlqProcessingHandler");
    p.putAll(passThrough);
    return p;
  }

  /** Transaction timeout that applies to this app (Streams sets 10 s under exactly-once). */
  public long transactionTimeoutMs() {
    Object v = passThrough.get(StreamsConfig.producerPrefix("transaction.timeout.ms"));
    if (v == null) {
      v = passThrough.get("transaction.timeout.ms");
    }
    return v == null ? 10_000L : Long.parseLong(v.toString());
  }

  // A buffered text may wait embed.max.wait.ms and then its flush runs inside the same
  // transaction; if wait + flush approached transaction.timeout.ms the broker would abort it and
  // the app would loop on fenced transactions. Half the timeout leaves room for the flush itself.
  private void checkTransactionBudget() {
    long wait = getLong(EMBED_MAX_WAIT_MS);
    long timeout = transactionTimeoutMs();
    if (exactlyOnce() && wait > timeout / 2) {
      throw new ConfigException(
          EMBED_MAX_WAIT_MS,
          wait,
          String.format(Locale.ROOT, "must be at most half of transaction.timeout.ms (%d ms) under exactly_once_v2", timeout));
    }
  }
}
