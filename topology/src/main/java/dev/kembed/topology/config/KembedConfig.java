package dev.kembed.topology.config;

import dev.kembed.inference.EmbedderOptions;
import dev.kembed.schemas.registry.HttpSchemaRegistry;
import dev.kembed.schemas.registry.RegistrySettings;
import dev.kembed.schemas.registry.SchemaRegistry;
import dev.kembed.schemas.serde.OutputFormat;
import dev.kembed.schemas.serde.OutputSettings;
import dev.kembed.topology.rocksdb.BoundedRocksDbConfigSetter;
import dev.kembed.topology.rocksdb.RocksDbBudget;
import dev.kembed.topology.text.TextCleaner;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
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
  private static final String STATE = "State stores";
  private static final String OUTPUT = "Output format";

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
  public static final String EMBED_INFERENCE_THREADS = "embed.inference.threads";
  public static final String TEXT_URL_MODE = "text.url.mode";
  public static final String TEXT_MAX_CHARS = "text.max.chars";
  public static final String INPUT_MAX_FUTURE_MS = "input.max.future.ms";
  public static final String SEARCH_QUERY_MAX_CHARS = "search.query.max.chars";
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
  public static final String USER_VECTOR_WINDOW_CACHE_ENTRIES = "user.vector.window.cache.entries";
  public static final String USER_VECTOR_HELD_VECTORS = "user.vector.held.vectors";
  public static final String WATERMARK_INTERVAL_MS = "watermark.interval.ms";
  public static final String WATERMARK_IDLE_MS = "watermark.idle.ms";
  public static final String WATERMARK_OUT_OF_ORDERNESS_MS = "watermark.out.of.orderness.ms";
  public static final String SEARCH_QUERY_WEIGHT = "search.query.weight";
  public static final String SEARCH_QUERY_CACHE_TTL_MS = "search.query.cache.ttl.ms";
  public static final String FEATURES_EXPOSURE_TYPES = "features.exposure.types";

  public static final String EXPANSION_ENABLED = "expansion.enabled";
  public static final String EXPANSION_K = "expansion.k";
  public static final String EXPANSION_MIN_SCORE = "expansion.min.score";
  public static final String INDEX_ENABLED = "index.enabled";
  public static final String INDEX_POSTS_ENABLED = "index.posts.enabled";
  public static final String INDEX_EF = "index.ef";
  public static final String INDEX_SNAPSHOT_INTERVAL_MS = "index.snapshot.interval.ms";
  public static final String INDEX_SNAPSHOT_RECORDS = "index.snapshot.records";
  public static final String INDEX_SNAPSHOT_MAX_AGE_MS = "index.snapshot.max.age.ms";
  public static final String ROCKSDB_MEMORY_MB = RocksDbBudget.MEMORY_MB_CONFIG;
  public static final String ROCKSDB_WRITE_BUFFER_RATIO = RocksDbBudget.WRITE_BUFFER_RATIO_CONFIG;
  public static final String HTTP_PORT = "http.port";
  public static final String HTTP_BIND_ADDRESS = "http.bind.address";
  public static final String HTTP_AUTH_TOKEN = "http.auth.token";

  public static final String OUTPUT_FORMAT = "output.format";
  public static final String OUTPUT_JSON_SCHEMAS_ENABLE = "output.json.schemas.enable";
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  public static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO =
      "schema.registry.basic.auth.user.info";
  public static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION =
      "schema.registry.ssl.truststore.location";
  public static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD =
      "schema.registry.ssl.truststore.password";
  public static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE =
      "schema.registry.ssl.truststore.type";
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

  /** Largest k that query expansion and the HTTP API accept. */
  public static final int MAX_NEIGHBOURS = 100;

  /** Upper bound on a micro-batch: keeps one flush far inside the transaction timeout. */
  public static final int MAX_BATCH_SIZE = 256;

  public static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              TOPIC_POSTS,
              Type.STRING,
              "posts",
              Importance.HIGH,
              "Input topic of post events (key: post id; tombstone = post deleted).",
              TOPICS,
              1,
              ConfigDef.Width.MEDIUM,
              TOPIC_POSTS)
          .define(
              TOPIC_COMMENTS,
              Type.STRING,
              "comments",
              Importance.HIGH,
              "Input topic of comment events (key: comment id; tombstone = comment deleted).",
              TOPICS,
              2,
              ConfigDef.Width.MEDIUM,
              TOPIC_COMMENTS)
          .define(
              TOPIC_INTERACTIONS,
              Type.STRING,
              "interactions",
              Importance.HIGH,
              "Input topic of user interactions (key: user id).",
              TOPICS,
              3,
              ConfigDef.Width.MEDIUM,
              TOPIC_INTERACTIONS)
          .define(
              TOPIC_SEARCH_QUERIES,
              Type.STRING,
              "search-queries",
              Importance.HIGH,
              "Input topic of search queries (key: user id).",
              TOPICS,
              4,
              ConfigDef.Width.MEDIUM,
              TOPIC_SEARCH_QUERIES)
          .define(
              TOPIC_CONTENT_EMBEDDINGS,
              Type.STRING,
              "content-embeddings",
              Importance.HIGH,
              "Output: one embedding per post, comment or query (compacted; tombstone on delete).",
              TOPICS,
              5,
              ConfigDef.Width.MEDIUM,
              TOPIC_CONTENT_EMBEDDINGS)
          .define(
              TOPIC_USER_VECTORS,
              Type.STRING,
              "user-vectors",
              Importance.HIGH,
              "Output: windowed user vectors (compacted; key user|kind|window).",
              TOPICS,
              6,
              ConfigDef.Width.MEDIUM,
              TOPIC_USER_VECTORS)
          .define(
              TOPIC_SIMILARITY_FEATURES,
              Type.STRING,
              "similarity-features",
              Importance.HIGH,
              "Output: one row of similarity features per exposure (append-only).",
              TOPICS,
              7,
              ConfigDef.Width.MEDIUM,
              TOPIC_SIMILARITY_FEATURES)
          .define(
              TOPIC_INDEX_UPDATES,
              Type.STRING,
              "index-updates",
              Importance.HIGH,
              "Output: UPSERT/DELETE of vectors for ANN indexes.",
              TOPICS,
              8,
              ConfigDef.Width.MEDIUM,
              TOPIC_INDEX_UPDATES)
          .define(
              TOPIC_QUERY_EXPANSIONS,
              Type.STRING,
              "query-expansions",
              Importance.MEDIUM,
              "Output: nearest past queries for each search.",
              TOPICS,
              9,
              ConfigDef.Width.MEDIUM,
              TOPIC_QUERY_EXPANSIONS)
          .define(
              TOPIC_DLQ,
              Type.STRING,
              "kembed-dlq",
              Importance.HIGH,
              "Dead-letter topic: every rejected record, as received, with headers saying why (also"
                  + " set as Kafka Streams' errors.dead.letter.queue.topic.name).",
              TOPICS,
              10,
              ConfigDef.Width.MEDIUM,
              TOPIC_DLQ)
          .define(
              TOPICS_CREATE,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Create missing input and output topics at start (internal topics are always created"
                  + " by Kafka Streams).",
              TOPICS,
              11,
              ConfigDef.Width.SHORT,
              TOPICS_CREATE)
          .define(
              TOPICS_PARTITIONS,
              Type.INT,
              6,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Partitions of topics kembed creates. The unit of parallelism: at most this many"
                  + " instances/threads share the work.",
              TOPICS,
              12,
              ConfigDef.Width.SHORT,
              TOPICS_PARTITIONS)
          .define(
              TOPICS_REPLICATION_FACTOR,
              Type.SHORT,
              (short) -1,
              Importance.MEDIUM,
              "Replication factor of topics kembed creates; -1 takes the broker's default.",
              TOPICS,
              13,
              ConfigDef.Width.SHORT,
              TOPICS_REPLICATION_FACTOR)
          .define(
              EMBED_BATCH_SIZE,
              Type.INT,
              32,
              Range.between(1, MAX_BATCH_SIZE),
              Importance.HIGH,
              "Most texts in one inference batch. Batching is adaptive: a text waits only while the"
                  + " model is busy with an earlier batch, and the next batch takes up to this many"
                  + " of the texts that queued meanwhile. Bounded so that one batch stays far"
                  + " inside the exactly-once transaction timeout.",
              EMBED,
              1,
              ConfigDef.Width.SHORT,
              EMBED_BATCH_SIZE)
          .define(
              EMBED_MAX_WAIT_MS,
              Type.LONG,
              0L,
              Range.between(0, 60_000),
              Importance.MEDIUM,
              "0 (default): adaptive batching, a text never waits for a batch to fill while the"
                  + " model is idle. A positive value holds a partial batch back until its oldest"
                  + " text has waited this long (wall clock) even when the model is idle, trading"
                  + " latency for fuller batches (the fixed-wait behaviour of earlier versions,"
                  + " whose default was 200). Must stay well under transaction.timeout.ms.",
              EMBED,
              2,
              ConfigDef.Width.SHORT,
              EMBED_MAX_WAIT_MS)
          .define(
              EMBED_INFERENCE_THREADS,
              Type.INT,
              1,
              Range.between(0, 64),
              Importance.MEDIUM,
              "Worker threads that run inference off the stream threads (shared by all embedding"
                  + " tasks of the instance), so that inference overlaps deserialisation, state and"
                  + " producing; results are still forwarded from the stream thread, exactly-once."
                  + " 0 runs inference on the stream thread. Each inference call uses"
                  + " inference.intra.op.threads cores, so 1 is right unless those are fewer than"
                  + " the cores.",
              EMBED,
              7,
              ConfigDef.Width.SHORT,
              EMBED_INFERENCE_THREADS)
          .define(
              TEXT_URL_MODE,
              Type.STRING,
              "keep",
              ValidString.in("keep", "mask", "domain"),
              Importance.LOW,
              "URLs inside text: keep them, mask them as [link], or keep only the host name.",
              EMBED,
              3,
              ConfigDef.Width.SHORT,
              TEXT_URL_MODE)
          .define(
              TEXT_MAX_CHARS,
              Type.INT,
              100_000,
              Range.atLeast(1),
              Importance.LOW,
              "Cleaned text longer than this is rejected to the DLQ (TEXT_TOO_LONG); shorter text"
                  + " is truncated to the model's max tokens.",
              EMBED,
              4,
              ConfigDef.Width.SHORT,
              TEXT_MAX_CHARS)
          .define(
              INPUT_MAX_FUTURE_MS,
              Type.LONG,
              600_000L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "An input whose event time is before 1970 or more than this far ahead of the wall"
                  + " clock is rejected to the DLQ (INVALID_TIMESTAMP). Keep it well under the"
                  + " broker's message.timestamp.after.max.ms (1 h by default), which would"
                  + " otherwise reject outputs stamped with that time.",
              EMBED,
              5,
              ConfigDef.Width.SHORT,
              INPUT_MAX_FUTURE_MS)
          .define(
              SEARCH_QUERY_MAX_CHARS,
              Type.INT,
              1_000,
              Range.between(1, 100_000),
              Importance.LOW,
              "A search query longer than this (before normalisation) is rejected to the DLQ"
                  + " (TEXT_TOO_LONG): the normalised query becomes a record key and an index"
                  + " entry.",
              EMBED,
              6,
              ConfigDef.Width.SHORT,
              SEARCH_QUERY_MAX_CHARS)
          .define(
              OUTPUT_VECTOR_ENCODING,
              Type.STRING,
              "float32",
              ValidString.in("float32", "float16", "int8"),
              Importance.MEDIUM,
              "How content-embeddings, user-vectors and index-updates carry vectors. float32: the"
                  + " 'vector' float array (schema v1 layout, readable by every consumer). float16"
                  + " (2 bytes a dimension, cosine to float32 >= 0.99999) or int8 (per-vector"
                  + " scale, 1 byte a dimension, cosine >= 0.999): packed into 'packed_vector'"
                  + " (schema v2); upgrade every consumer to v2 first. Internal topics and stores"
                  + " always use packed float32.",
              EMBED,
              7,
              ConfigDef.Width.SHORT,
              OUTPUT_VECTOR_ENCODING)
          .define(
              INFERENCE_MODEL,
              Type.STRING,
              "all-minilm-l6-v2-q",
              Importance.HIGH,
              "Model: 'all-minilm-l6-v2-q' (int8, default on cpu), 'all-minilm-l6-v2' (fp32; the"
                  + " default when inference.device=cuda and this key is not set, run in batches),"
                  + " or a directory holding model.onnx and tokenizer.json.",
              INFERENCE,
              1,
              ConfigDef.Width.LONG,
              INFERENCE_MODEL)
          .define(
              INFERENCE_DEVICE,
              Type.STRING,
              "cpu",
              ValidString.in("cpu", "cuda"),
              Importance.MEDIUM,
              "Execution provider. 'cuda' needs the gpu Maven profile (onnxruntime_gpu) and a CUDA"
                  + " host.",
              INFERENCE,
              2,
              ConfigDef.Width.SHORT,
              INFERENCE_DEVICE)
          .define(
              INFERENCE_DEVICE_ID,
              Type.INT,
              0,
              Range.atLeast(0),
              Importance.LOW,
              "CUDA device ordinal used when inference.device=cuda (as numbered after"
                  + " CUDA_VISIBLE_DEVICES).",
              INFERENCE,
              12,
              ConfigDef.Width.SHORT,
              INFERENCE_DEVICE_ID)
          .define(
              INFERENCE_INTRA_OP_THREADS,
              Type.INT,
              0,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Threads one ONNX Runtime call may use; 0 chooses (1 when texts run one per call,"
                  + " else every core).",
              INFERENCE,
              3,
              ConfigDef.Width.SHORT,
              INFERENCE_INTRA_OP_THREADS)
          .define(
              INFERENCE_PARALLELISM,
              Type.INT,
              0,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Concurrent ONNX Runtime calls one batch is spread over; 0 chooses (every core when"
                  + " texts run one per call).",
              INFERENCE,
              4,
              ConfigDef.Width.SHORT,
              INFERENCE_PARALLELISM)
          .define(
              INFERENCE_MAX_TOKENS,
              Type.INT,
              0,
              Range.atLeast(0),
              Importance.LOW,
              "Tokens per text (special tokens included) after which text is truncated; 0 takes the"
                  + " model's limit (256 for MiniLM).",
              INFERENCE,
              6,
              ConfigDef.Width.SHORT,
              INFERENCE_MAX_TOKENS)
          .define(
              INFERENCE_OPTIMIZATION,
              Type.STRING,
              "all",
              ValidString.in("none", "basic", "extended", "all"),
              Importance.LOW,
              "ONNX Runtime graph optimisation level.",
              INFERENCE,
              7,
              ConfigDef.Width.SHORT,
              INFERENCE_OPTIMIZATION)
          .define(
              INFERENCE_BATCHING,
              Type.STRING,
              "auto",
              ValidString.in("auto", "batched", "per-text"),
              Importance.LOW,
              "auto: batch only batch-invariant models, run dynamically quantized ones one text per"
                  + " call (so a vector never depends on its batch).",
              INFERENCE,
              5,
              ConfigDef.Width.SHORT,
              INFERENCE_BATCHING)
          .define(
              INFERENCE_PROBE_CHECK,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "At start, embed a fixed set of probe texts and compare them with the probe vectors"
                  + " recorded under the same model id by earlier runs (files under"
                  + " <state.dir>/kembed-probes/); the first run under an id records them. A probe"
                  + " below inference.probe.min.cosine stops the start: something that changes"
                  + " vectors is not covered by the model id.",
              INFERENCE,
              8,
              ConfigDef.Width.SHORT,
              INFERENCE_PROBE_CHECK)
          .define(
              INFERENCE_PROBE_MIN_COSINE,
              Type.DOUBLE,
              0.9999,
              Range.between(0, 1),
              Importance.LOW,
              "Lowest cosine between a probe's recorded and current vector that still counts as the"
                  + " same model. Runs of one build agree to 1e-7; an ONNX Runtime upgrade or"
                  + " another graph optimisation level moves int8 vectors to 0.99-0.9998.",
              INFERENCE,
              9,
              ConfigDef.Width.SHORT,
              INFERENCE_PROBE_MIN_COSINE)
          .define(
              INFERENCE_PROBE_ACCEPT_MISMATCH,
              Type.BOOLEAN,
              false,
              Importance.LOW,
              "Operator override: start even though the probes moved beyond"
                  + " inference.probe.min.cosine, log it, and record the new probe vectors as the"
                  + " reference for this id. Set it for one start after a deliberate, reviewed"
                  + " change; old and new vectors then share the id.",
              INFERENCE,
              10,
              ConfigDef.Width.SHORT,
              INFERENCE_PROBE_ACCEPT_MISMATCH)
          .define(
              INFERENCE_PROJECTION,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Path of a projection artifact written by 'kembed fit-projection' (empty: off, the"
                  + " default). Applied in-process to every vector, so all outputs and state carry"
                  + " k dimensions and the model id gains '+<projection id>'. See"
                  + " docs/projection.md for the measured quality per k before turning it on.",
              INFERENCE,
              11,
              ConfigDef.Width.LONG,
              INFERENCE_PROJECTION)
          .define(
              JOIN_GRACE_MS,
              Type.LONG,
              3_600_000L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "How long (event time) a record waits for the embedding it needs, e.g. a comment for"
                  + " its post. After that it is counted and sent to the DLQ.",
              JOIN,
              1,
              ConfigDef.Width.SHORT,
              JOIN_GRACE_MS)
          .define(
              USER_VECTOR_WINDOWS,
              Type.LIST,
              "P7D,P30D,P90D",
              Importance.HIGH,
              "Windows of every user vector, as ISO-8601 durations. Windows under 12 days are kept"
                  + " in hourly tiles, longer ones in daily tiles (the window's old edge is exact"
                  + " to one tile).",
              USERS,
              1,
              ConfigDef.Width.MEDIUM,
              USER_VECTOR_WINDOWS)
          .define(
              USER_VECTOR_WEIGHTS,
              Type.STRING,
              dev.kembed.topology.features.InteractionWeights.DEFAULT,
              Importance.HIGH,
              "Weight of each interaction type in a user's ENGAGEMENT vector (TYPE:weight,...)."
                  + " Types not listed weigh 0.",
              USERS,
              2,
              ConfigDef.Width.LONG,
              USER_VECTOR_WEIGHTS)
          .define(
              USER_VECTOR_LATENESS_MS,
              Type.LONG,
              86_400_000L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "How far (event time) behind the latest event time of its own input partition an"
                  + " event may arrive and still move user vectors; older interactions and searches"
                  + " go to the DLQ as LATE_EVENT (a late post or comment is still embedded but"
                  + " moves no vector). Judged once, where the record enters kembed.",
              USERS,
              3,
              ConfigDef.Width.SHORT,
              USER_VECTOR_LATENESS_MS)
          .define(
              WATERMARK_INTERVAL_MS,
              Type.LONG,
              100L,
              Range.between(10, 10_000),
              Importance.LOW,
              "Wall-clock interval at which every task sends its event-time watermark through the"
                  + " repartition topics and the user-vector tasks release what it passed. Each hop"
                  + " adds up to this much latency.",
              USERS,
              8,
              ConfigDef.Width.SHORT,
              WATERMARK_INTERVAL_MS)
          .define(
              WATERMARK_IDLE_MS,
              Type.LONG,
              2_000L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "An input partition with no record for this long (wall clock) is idle and stops"
                  + " holding the watermark back, after holding it this long more (so a quiet"
                  + " partition about to receive a burst is not overtaken). The longest a feature"
                  + " row waits for a quiet partition is about twice this.",
              USERS,
              9,
              ConfigDef.Width.SHORT,
              WATERMARK_IDLE_MS)
          .define(
              WATERMARK_OUT_OF_ORDERNESS_MS,
              Type.LONG,
              0L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "How far behind its latest event time an input partition may still deliver events"
                  + " that point-in-time features wait for. 0 assumes each partition is in"
                  + " event-time order; events further out of order still move user vectors but may"
                  + " miss features already released (metric behind-watermark-total).",
              USERS,
              10,
              ConfigDef.Width.SHORT,
              WATERMARK_OUT_OF_ORDERNESS_MS)
          .define(
              USER_VECTOR_EMIT_INTERVAL_MS,
              Type.LONG,
              0L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Minimum event-time interval between two user-vectors records of one user and kind;"
                  + " changes in between are emitted once the interval has passed (0 emits every"
                  + " change).",
              USERS,
              4,
              ConfigDef.Width.SHORT,
              USER_VECTOR_EMIT_INTERVAL_MS)
          .define(
              USER_VECTOR_WINDOW_CACHE_ENTRIES,
              Type.INT,
              dev.kembed.state.window.DerivedWindowSums.DEFAULT_MAX_ENTRIES,
              Range.atLeast(0),
              Importance.LOW,
              "Window sums kept in the heap per task that holds user vectors (the user-vector and"
                  + " author-feature tasks). Window sums are not stored: a miss recomputes one"
                  + " from the window's tiles (one range read). Each entry is about 8 x dimension"
                  + " bytes (3.1 KB at 384); three per active user and kind. The same bound holds"
                  + " the stretches of tile starts known to be empty, which spare a range read per"
                  + " window when a user's as-of moves (a few dozen bytes each). 0 recomputes on"
                  + " every read.",
              USERS,
              11,
              ConfigDef.Width.SHORT,
              USER_VECTOR_WINDOW_CACHE_ENTRIES)
          .define(
              USER_VECTOR_HELD_VECTORS,
              Type.INT,
              dev.kembed.topology.time.HeldWrites.DEFAULT_MAX_VECTORS,
              Range.atLeast(0),
              Importance.LOW,
              "Distinct vectors of signals held in the reorder buffer that are also kept in the"
                  + " heap, per task that holds user vectors, so that a point-in-time read ahead of"
                  + " the release adds those signals without a store read and a decode. Held"
                  + " signals on one target with the same vector (the impressions of one post)"
                  + " share one. About 4 x dimension bytes each (1.6 KB at 384); held signals"
                  + " beyond it are read from the store (metric held-vectors at this value). 0"
                  + " reads every one from the store.",
              USERS,
              12,
              ConfigDef.Width.SHORT,
              USER_VECTOR_HELD_VECTORS)
          .define(
              SEARCH_QUERY_WEIGHT,
              Type.DOUBLE,
              1.0,
              Range.atLeast(0),
              Importance.LOW,
              "Weight of one search query in the user's SEARCH_INTENT vector.",
              USERS,
              5,
              ConfigDef.Width.SHORT,
              SEARCH_QUERY_WEIGHT)
          .define(
              SEARCH_QUERY_CACHE_TTL_MS,
              Type.LONG,
              7_776_000_000L,
              Range.atLeast(0),
              Importance.LOW,
              "A cached query embedding unused for this long (event time) is evicted; 0 keeps every"
                  + " query forever. Default 90 days, the longest default window.",
              USERS,
              7,
              ConfigDef.Width.SHORT,
              SEARCH_QUERY_CACHE_TTL_MS)
          .define(
              FEATURES_EXPOSURE_TYPES,
              Type.LIST,
              "IMPRESSION,NOTIFICATION_SENT,NOTIFICATION_OPEN",
              Importance.MEDIUM,
              "Interaction types that log one similarity-features row (computed before the"
                  + " interaction itself is applied).",
              USERS,
              6,
              ConfigDef.Width.MEDIUM,
              FEATURES_EXPOSURE_TYPES)
          .define(
              EXPANSION_ENABLED,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Emit a query-expansions record for every search: the nearest past queries from the"
                  + " in-memory 'queries' index, which each instance feeds from the"
                  + " content-embeddings topic. Only effective when the app runs with an index"
                  + " service.",
              SERVING,
              1,
              ConfigDef.Width.SHORT,
              EXPANSION_ENABLED)
          .define(
              EXPANSION_K,
              Type.INT,
              10,
              Range.between(1, MAX_NEIGHBOURS),
              Importance.MEDIUM,
              "Most neighbours in one query expansion (the query itself and its trivial variants"
                  + " never count).",
              SERVING,
              2,
              ConfigDef.Width.SHORT,
              EXPANSION_K)
          .define(
              EXPANSION_MIN_SCORE,
              Type.DOUBLE,
              0.5,
              Range.between(-1, 1),
              Importance.MEDIUM,
              "Lowest cosine similarity between a query and a past query for the latter to be"
                  + " offered as an expansion (also applied by GET /expand).",
              SERVING,
              3,
              ConfigDef.Width.SHORT,
              EXPANSION_MIN_SCORE)
          .define(
              INDEX_ENABLED,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Whether 'kembed run' keeps the in-memory HNSW indexes (fed from content-embeddings"
                  + " on their own thread) for query expansion, GET /similar and GET /expand. Every"
                  + " instance indexes every post and query, a cost that does not shrink as"
                  + " instances are added; with false the stream processor pays nothing for it,"
                  + " produces no query-expansions, and 'kembed serve' (a separate deployment)"
                  + " serves /similar and /expand.",
              SERVING,
              0,
              ConfigDef.Width.SHORT,
              INDEX_ENABLED)
          .define(
              INDEX_POSTS_ENABLED,
              Type.BOOLEAN,
              true,
              Importance.LOW,
              "Also keep an in-memory HNSW index of post embeddings, for GET /similar. Costs about"
                  + " 4 x dimension bytes plus graph links per post on every instance; when false,"
                  + " /similar answers from the queries index.",
              SERVING,
              4,
              ConfigDef.Width.SHORT,
              INDEX_POSTS_ENABLED)
          .define(
              INDEX_EF,
              Type.INT,
              dev.kembed.state.index.IndexOptions.DEFAULT_EF,
              Range.between(1, 10_000),
              Importance.LOW,
              "Breadth of an HNSW query (queries and posts indexes): recall against latency, no"
                  + " rebuild needed. Measured on clustered 384-d vectors (docs/index.md): 100"
                  + " gives recall@10 1.0 at 100k but 0.87-0.90 at 1M, where 200 gives 0.956 at"
                  + " 1.3 ms p50; raise it for indexes near a million items.",
              SERVING,
              11,
              ConfigDef.Width.SHORT,
              INDEX_EF)
          .define(
              INDEX_SNAPSHOT_INTERVAL_MS,
              Type.LONG,
              300_000L,
              Range.atLeast(1_000),
              Importance.LOW,
              "Wall-clock interval between two snapshots of each in-memory index (with the"
                  + " content-embeddings offsets they cover) under"
                  + " <state.dir>/kembed-index/<index>/; one is also written at shutdown.",
              SERVING,
              5,
              ConfigDef.Width.SHORT,
              INDEX_SNAPSHOT_INTERVAL_MS)
          .define(
              INDEX_SNAPSHOT_RECORDS,
              Type.INT,
              100_000,
              Range.atLeast(1),
              Importance.LOW,
              "Content-embeddings records applied to the in-memory indexes after which a snapshot"
                  + " is written even if the interval has not passed.",
              SERVING,
              6,
              ConfigDef.Width.SHORT,
              INDEX_SNAPSHOT_RECORDS)
          .define(
              INDEX_SNAPSHOT_MAX_AGE_MS,
              Type.LONG,
              86_400_000L,
              Range.atLeast(0),
              Importance.LOW,
              "An index snapshot older than this at start is discarded and the index rebuilt from"
                  + " the earliest offset. Keep it at or below the content-embeddings topic's"
                  + " delete.retention.ms (default one day): compaction may since have removed"
                  + " tombstones the snapshot has not seen. 0 disables the check.",
              SERVING,
              7,
              ConfigDef.Width.SHORT,
              INDEX_SNAPSHOT_MAX_AGE_MS)
          .define(
              HTTP_PORT,
              Type.INT,
              8080,
              Range.between(0, 65_535),
              Importance.MEDIUM,
              "Port of the HTTP interactive-query API (0 picks a free port). Set application.server"
                  + " to host:port of this API so that instances can proxy user lookups to the"
                  + " owner of the key.",
              SERVING,
              8,
              ConfigDef.Width.SHORT,
              HTTP_PORT)
          .define(
              HTTP_BIND_ADDRESS,
              Type.STRING,
              "127.0.0.1",
              Importance.MEDIUM,
              "Address the HTTP API binds to. Loopback by default: expose it (e.g. 0.0.0.0) only"
                  + " together with http.auth.token or behind a proxy that authenticates.",
              SERVING,
              9,
              ConfigDef.Width.MEDIUM,
              HTTP_BIND_ADDRESS)
          .define(
              HTTP_AUTH_TOKEN,
              Type.PASSWORD,
              null,
              Importance.MEDIUM,
              "When set, every HTTP API request but GET /health, /health/live and /health/ready"
                  + " must carry 'Authorization: Bearer <token>' (401 otherwise), and instances"
                  + " send it to each other when proxying.",
              SERVING,
              10,
              ConfigDef.Width.MEDIUM,
              HTTP_AUTH_TOKEN)
          .define(
              ROCKSDB_MEMORY_MB,
              Type.INT,
              RocksDbBudget.DEFAULT_MEMORY_MB,
              Range.atLeast(8),
              Importance.MEDIUM,
              "Off-heap memory of all RocksDB state stores of this JVM, in MiB: one block cache"
                  + " shared by every store, holding data, index and filter blocks, with the"
                  + " memtables charged to it by a write buffer manager (kembed sets"
                  + " rocksdb.config.setter to BoundedRocksDbConfigSetter unless you set your own)."
                  + " Add it to the heap when sizing a container.",
              STATE,
              1,
              ConfigDef.Width.SHORT,
              ROCKSDB_MEMORY_MB)
          .define(
              ROCKSDB_WRITE_BUFFER_RATIO,
              Type.DOUBLE,
              RocksDbBudget.DEFAULT_WRITE_BUFFER_RATIO,
              Range.between(0.1, 0.9),
              Importance.LOW,
              "Share of rocksdb.memory.mb the memtables (write buffers) may take before RocksDB"
                  + " flushes them; the rest caches blocks.",
              STATE,
              2,
              ConfigDef.Width.SHORT,
              ROCKSDB_WRITE_BUFFER_RATIO)
          .define(
              OUTPUT_FORMAT,
              Type.STRING,
              "avro",
              ValidString.in("avro", "confluent", "json"),
              Importance.HIGH,
              "Encoding of output records. avro: Avro single-object encoding, string keys"
                  + " (unchanged). confluent: Schema Registry wire format (byte 0 + 4-byte schema"
                  + " id + Avro) under subjects <topic>-value / <topic>-key, with sink-shaped"
                  + " values (one nullable column per similarity feature) and struct keys. json:"
                  + " the same sink shapes as plain JSON. Inputs are read in all three formats"
                  + " whatever this says.",
              OUTPUT,
              1,
              ConfigDef.Width.SHORT,
              OUTPUT_FORMAT)
          .define(
              OUTPUT_JSON_SCHEMAS_ENABLE,
              Type.BOOLEAN,
              false,
              Importance.MEDIUM,
              "With output.format=json, wrap keys and values in Kafka Connect's"
                  + " {\"schema\":...,\"payload\":...} envelope (what JsonConverter with"
                  + " schemas.enable=true and JDBC sinks without a registry need).",
              OUTPUT,
              2,
              ConfigDef.Width.SHORT,
              OUTPUT_JSON_SCHEMAS_ENABLE)
          .define(
              SCHEMA_REGISTRY_URL,
              Type.STRING,
              "",
              Importance.HIGH,
              "Base URL of a Schema Registry REST API (Confluent, Karapace, Redpanda; Apicurio:"
                  + " http://host:8080/apis/ccompat/v7). Required for output.format=confluent; when"
                  + " set, registry-encoded input records are decoded too.",
              OUTPUT,
              3,
              ConfigDef.Width.LONG,
              SCHEMA_REGISTRY_URL)
          .define(
              SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO,
              Type.PASSWORD,
              null,
              Importance.MEDIUM,
              "user:password for HTTP basic authentication against the schema registry.",
              OUTPUT,
              4,
              ConfigDef.Width.MEDIUM,
              SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO)
          .define(
              SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION,
              Type.STRING,
              "",
              Importance.LOW,
              "Trust store for an https schema registry URL signed by a private CA (empty: the"
                  + " JVM's default trust).",
              OUTPUT,
              5,
              ConfigDef.Width.LONG,
              SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION)
          .define(
              SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD,
              Type.PASSWORD,
              null,
              Importance.LOW,
              "Password of the schema registry trust store.",
              OUTPUT,
              6,
              ConfigDef.Width.MEDIUM,
              SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD)
          .define(
              SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE,
              Type.STRING,
              "PKCS12",
              ValidString.in("PKCS12", "JKS"),
              Importance.LOW,
              "Type of the schema registry trust store.",
              OUTPUT,
              7,
              ConfigDef.Width.SHORT,
              SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE)
          .define(
              AUTO_REGISTER_SCHEMAS,
              Type.BOOLEAN,
              false,
              Importance.MEDIUM,
              "With output.format=confluent, register missing output schemas at start. Off by"
                  + " default: kembed then only looks up the ids of its schemas at start and"
                  + " refuses to start naming the subject that lacks one (register them before a"
                  + " deploy with 'kembed schemas register').",
              OUTPUT,
              8,
              ConfigDef.Width.SHORT,
              AUTO_REGISTER_SCHEMAS);

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

  /**
   * Loads a config from properties, with {@code KEMBED_*} environment variables taking precedence.
   */
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
    Map<String, String> options =
        new HashMap<>(
            Map.of(
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
    return dev.kembed.schemas.vector.PackedVectors.Encoding.valueOf(
        getString(OUTPUT_VECTOR_ENCODING).toUpperCase(Locale.ROOT));
  }

  /** The Kafka Streams state directory (state.dir, or Streams' default). */
  public java.nio.file.Path stateDir() {
    return java.nio.file.Path.of(
        new StreamsConfig(streamsProperties()).getString(StreamsConfig.STATE_DIR_CONFIG));
  }

  /** The schema registry these settings name, or null when schema.registry.url is empty. */
  public SchemaRegistry schemaRegistry() {
    String url = getString(SCHEMA_REGISTRY_URL);
    if (url == null || url.isBlank()) {
      return null;
    }
    return new HttpSchemaRegistry(
        new RegistrySettings(
            url,
            secret(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO),
            getString(SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION),
            secret(SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD),
            getString(SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE),
            null));
  }

  /**
   * The output-format settings; for confluent, schema ids are resolved when the serdes are made.
   */
  public OutputSettings outputSettings() {
    OutputFormat format = OutputFormat.parse(getString(OUTPUT_FORMAT));
    SchemaRegistry registry = schemaRegistry();
    if (format == OutputFormat.CONFLUENT && registry == null) {
      throw new ConfigException(
          SCHEMA_REGISTRY_URL, "", "is required with output.format=confluent");
    }
    return new OutputSettings(
        format,
        getBoolean(OUTPUT_JSON_SCHEMAS_ENABLE),
        registry,
        getBoolean(AUTO_REGISTER_SCHEMAS),
        getList(USER_VECTOR_WINDOWS));
  }

  private String secret(String key) {
    var p = getPassword(key);
    return p == null ? null : p.value();
  }

  /** True when the app runs exactly-once (the default). */
  public boolean exactlyOnce() {
    return StreamsConfig.EXACTLY_ONCE_V2.equals(
        streamsProperties().getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
  }

  /**
   * Properties for {@code KafkaStreams}: everything kembed does not own, over kembed's defaults
   * (exactly-once v2, the DLQ topic, kembed's DLQ exception handlers for deserialization,
   * processing and production, application id "kembed", the bounded RocksDB config setter with its
   * budget, {@code max.task.idle.ms} -1, producer {@code batch.size} 256 KB and {@code
   * buffer.memory} 64 MiB unless set).
   */
  public Properties streamsProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "kembed");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, getString(TOPIC_DLQ));
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        "dev.kembed.topology.errors.DlqDeserializationHandler");
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        "dev.kembed.topology.errors.DlqProcessingHandler");
    p.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        "dev.kembed.topology.errors.DlqProductionHandler");
    // RocksDB's memory is bounded by one budget for every store; the setter reads it from here.
    p.put(
        StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG,
        BoundedRocksDbConfigSetter.class.getName());
    p.put(ROCKSDB_MEMORY_MB, getInt(ROCKSDB_MEMORY_MB));
    p.put(ROCKSDB_WRITE_BUFFER_RATIO, getDouble(ROCKSDB_WRITE_BUFFER_RATIO));
    // An idle stream thread blocks in poll() this long before it punctuates; a finished inference
    // batch is forwarded at that punctuation, so Streams' 100 ms default would add up to 100 ms.
    p.put(StreamsConfig.POLL_MS_CONFIG, 10L);
    // Event-time order comes from kembed's watermarks (docs/event-time.md), not from Streams
    // picking the lowest timestamp across a task's partitions, so a task need not wait for an
    // empty partition's fetch; Streams' check for it also formats log strings on every record.
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    // Most records kembed writes carry a vector (1.5-3 KB: signals, reorder-buffer items, tiles,
    // user vectors), so Kafka's 16 KB batches held a handful each and the co-located broker spent
    // its CPU per request: 256 KB batches cut its CPU per interaction by 45 % and raised the user
    // path 19 % in one bench pair (docs/performance.md). Room for that many open batches: 64 MiB
    // per stream thread's producer.
    producerDefault(p, ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
    producerDefault(p, ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
    // Those records compress: float64 tile sums of float32 values carry zero low bits, feature rows
    // and user vectors repeat their field layout. snappy, not lz4: Kafka's lz4 stream allocates two
    // fresh 64 KB buffers for every producer batch (Lz4BlockOutputStream), and under exactly-once
    // every commit starts a new batch per partition, so lz4 spent ~10 % of the stream thread's
    // samples zeroing them (4.9 GB in one quick bench) and compressed in 0.6 %; snappy recycles
    // its buffers. In one quick bench per codec: bytes per interaction 19.4 KB none, 15.8 snappy,
    // 14.6 lz4, 12.5 zstd; stream-thread CPU-s per 30,000 interactions 11.8, 12.1, 14.0, 15.5
    // (docs/performance.md). Every Kafka client and sink reads snappy.
    producerDefault(p, ProducerConfig.COMPRESSION_TYPE_CONFIG, "snappy");
    p.putAll(passThrough);
    return p;
  }

  // A producer default of kembed's, unless the user set the key, plain or producer.-prefixed
  // (Streams lets the prefixed key win, so setting it over a plain user value would hide that).
  private void producerDefault(Properties p, String key, Object value) {
    if (!passThrough.containsKey(key)
        && !passThrough.containsKey(StreamsConfig.producerPrefix(key))) {
      p.put(StreamsConfig.producerPrefix(key), value);
    }
  }

  /**
   * The producer's max.request.size for this app (producer.-prefixed or plain; Kafka's 1 MiB
   * default).
   */
  public int maxRequestBytes() {
    Object v = passThrough.get(StreamsConfig.producerPrefix("max.request.size"));
    if (v == null) {
      v = passThrough.get("max.request.size");
    }
    return v == null ? 1_048_576 : Integer.parseInt(v.toString().trim());
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
          String.format(
              Locale.ROOT,
              "must be at most half of transaction.timeout.ms (%d ms) under exactly_once_v2",
              timeout));
    }
  }
}
