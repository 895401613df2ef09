package dev.kembed.topology;

import static dev.kembed.topology.config.KembedConfig.*;

import dev.kembed.inference.Embedder;
import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SearchQueryEvent;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.serde.AvroSerde;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.schemas.serde.OutputFormat;
import dev.kembed.schemas.serde.OutputSerdes;
import dev.kembed.schemas.vector.PackedVectors;
import dev.kembed.state.window.Resolution;
import dev.kembed.state.window.WindowConfig;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.content.ContentChange;
import dev.kembed.topology.content.ContentOutputs;
import dev.kembed.topology.content.ContentRequests;
import dev.kembed.topology.content.EntityEvent;
import dev.kembed.topology.content.InferenceWorkers;
import dev.kembed.topology.content.Signals;
import dev.kembed.topology.content.UserVectorOut;
import dev.kembed.topology.content.VectorEncodingSerdes;
import dev.kembed.topology.errors.BadInputException;
import dev.kembed.topology.errors.DeadLetter;
import dev.kembed.topology.errors.DlqMetrics;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.expansion.IndexService;
import dev.kembed.topology.expansion.QueryExpansions;
import dev.kembed.topology.features.InteractionWeights;
import dev.kembed.topology.features.QueryNormalizer;
import dev.kembed.topology.guard.InputGuard;
import dev.kembed.topology.internal.EmbedRequest;
import dev.kembed.topology.internal.InternalSerdes;
import dev.kembed.topology.internal.PartialFeatureRow;
import dev.kembed.topology.internal.PendingInteraction;
import dev.kembed.topology.internal.UserSignal;
import dev.kembed.topology.processors.AuthorFeatureProcessor;
import dev.kembed.topology.processors.DriftObserver;
import dev.kembed.topology.processors.EmbedBatchProcessor;
import dev.kembed.topology.processors.EntityJoinOutput;
import dev.kembed.topology.processors.EntityJoinProcessor;
import dev.kembed.topology.processors.EventTimeGate;
import dev.kembed.topology.processors.QueryEmbedOutput;
import dev.kembed.topology.processors.QueryEmbedProcessor;
import dev.kembed.topology.processors.SignalWeights;
import dev.kembed.topology.processors.ToEmbedRequestProcessor;
import dev.kembed.topology.processors.UserVectorOutput;
import dev.kembed.topology.processors.UserVectorProcessor;
import dev.kembed.topology.processors.ValidateInteractionProcessor;
import dev.kembed.topology.processors.ValidateSearchProcessor;
import dev.kembed.topology.processors.WatermarkForwarder;
import dev.kembed.topology.processors.WatermarkReceiver;
import dev.kembed.topology.text.TextCleaner;
import dev.kembed.topology.time.MarkerCadence;
import dev.kembed.topology.time.MulticastPartitioner;
import dev.kembed.topology.time.TaskClockStore;
import dev.kembed.topology.time.TaskLocalStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The whole kembed topology, built in one place. Read top to bottom, it is the data flow:
 *
 * <pre>
 * posts ──► post-to-request ──┐
 * comments ► comment-to-request ┴► embed-batch ─┐
 * search-queries ► validate-search ► [searches-by-query] ► query-embed ─┬─ new queries ─┤
 *                                                                        └─ SEARCH_INTENT signals ──────┐
 *                         content changes ◄─────────────────────────────────────────────┘              │
 *                           ├─► content-embeddings, index-updates, kembed-dlq (model failures)         │
 *                           ├─► authors' own CREATE/COMMENT signals ──────────────────────────────────┤
 *                           └─► [embeddings-by-entity] ─┐                                               │
 * interactions ► validate-interaction ► [interactions-by-entity] ─┴► entity-join ─┬─► cos_comment_post │
 *                                                                                   ├─► ENGAGEMENT signals ┤
 *                                                                                   └─► kembed-dlq (join timeout)
 *                          [interaction-, authored-, search-signals-by-user] ◄──────────────────────────┘
 *                                                 └─► user-vectors (tiles) ─┬─► user-vectors, kembed-dlq (late)
 *                                                                           └─► viewer-side feature rows
 *                                                     [rows-by-author] ◄────┘
 *                                                         └─► author-features ─► similarity-features
 * </pre>
 *
 * [brackets] are repartition topics ({@code <application.id>-<name>-repartition}), all with {@code
 * topics.partitions} partitions so that joins across keys (entity, user, author) go through them
 * rather than through global tables and state scales with partitions. Every store and processor has
 * a stable name, so internal topics keep their names across releases.
 */
public final class KembedTopology {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(KembedTopology.class);
  public static final String EMBED_BUFFER_STORE = "embed-buffer";
  public static final String EMBED_HASH_STORE = "embed-hashes";
  public static final String QUERY_BUFFER_STORE = "query-buffer";
  public static final String QUERY_CACHE_STORE = "query-vectors";
  public static final String ENTITY_VECTOR_STORE = "entity-vectors";
  public static final String DELETED_ENTITY_STORE = "deleted-entities";
  public static final String PENDING_INTERACTION_STORE = "pending-interactions";
  public static final String PENDING_COMMENT_STORE = "pending-comments";
  public static final String USER_TILE_STORE = "user-vector-tiles";
  public static final String USER_EMIT_STORE = "user-vector-emits";
  public static final String USER_TIMELINE_STORE = "user-vector-timeline";
  // In memory, not logged: the user-vector task's aggregator and its index of the timeline's
  // writes (rebuilt from it), shared by the task's two processors.
  public static final String USER_SHARED_STORE = "user-vector-shared";
  public static final String USER_RELEASED_STORE = "user-vector-released";
  public static final String INPUT_TIME_CONTENT = "input-time-content";
  public static final String INPUT_TIME_INTERACTIONS = "input-time-interactions";
  public static final String INPUT_TIME_SEARCHES = "input-time-searches";
  public static final String CLOCK_CONTENT = "clock-content";
  public static final String CLOCK_INTERACTIONS = "clock-interactions";
  public static final String CLOCK_SEARCHES = "clock-searches";
  public static final String CLOCK_JOIN = "clock-join";
  public static final String CLOCK_USERS = "clock-users";

  public static final String SEARCHES_BY_QUERY = "searches-by-query";
  public static final String EMBEDDINGS_BY_ENTITY = "embeddings-by-entity";
  public static final String INTERACTIONS_BY_ENTITY = "interactions-by-entity";
  public static final String INTERACTION_SIGNALS_BY_USER = "interaction-signals-by-user";
  public static final String AUTHORED_SIGNALS_BY_USER = "authored-signals-by-user";
  public static final String SEARCH_SIGNALS_BY_USER = "search-signals-by-user";
  public static final String ROWS_BY_AUTHOR = "rows-by-author";

  /** The stores of the user-vector sub-topology, shared by its two processors. */
  public static final UserVectorProcessor.Stores USER_STORES =
      new UserVectorProcessor.Stores(
          USER_TILE_STORE,
          USER_EMIT_STORE,
          USER_TIMELINE_STORE,
          USER_RELEASED_STORE,
          CLOCK_USERS,
          USER_SHARED_STORE);

  private KembedTopology() {}

  public static Topology build(KembedConfig config, Embedder embedder) {
    return build(config, embedder, null);
  }

  /**
   * The topology with query expansion fed by {@code indexes}' queries index; with {@code null} (as
   * the two-argument overload passes) no query-expansions are produced. Every input topic is taken
   * to have {@code topics.partitions} partitions.
   */
  public static Topology build(KembedConfig config, Embedder embedder, IndexService indexes) {
    return build(config, embedder, indexes, InputPartitions.of(config), InferenceWorkers.inline());
  }

  /** The topology for input topics with these partition counts (inference inline). */
  public static Topology build(
      KembedConfig config, Embedder embedder, IndexService indexes, InputPartitions inputs) {
    return build(config, embedder, indexes, inputs, InferenceWorkers.inline());
  }

  /**
   * As {@link #build(KembedConfig, Embedder, IndexService)}, with inference on {@code workers} (the
   * overloads without it run inference inline on the stream thread, which keeps TopologyTestDriver
   * tests deterministic). The caller owns and closes the workers.
   */
  public static Topology build(
      KembedConfig config, Embedder embedder, IndexService indexes, InferenceWorkers workers) {
    return build(config, embedder, indexes, InputPartitions.of(config), workers);
  }

  /**
   * The topology for input topics with these partition counts, with inference on {@code workers}.
   */
  public static Topology build(
      KembedConfig config,
      Embedder embedder,
      IndexService indexes,
      InputPartitions inputs,
      InferenceWorkers workers) {
    return new Wiring(config, embedder, indexes, inputs, workers).build();
  }

  /** The builder's state while the topology is assembled; one instance per build. */
  private static final class Wiring {
    private final KembedConfig config;
    private final Embedder embedder;
    private final IndexService indexes;
    private final InferenceWorkers workers;
    private final InputPartitions inputs;
    private final StreamsBuilder builder = new StreamsBuilder();
    private final Serde<String> strings = Serdes.String();
    // Internal hops and stores: the vector as packed float32 bytes, not a boxed Avro array.
    private final Serde<ContentEmbedding> storedEmbeddingSerde = StoredEmbeddingSerde.create();
    private final VectorEncodingSerdes vectorEncoding;
    private final Serde<SimilarityFeatures> featureSerde =
        KembedSerdes.of(SimilarityFeatures.class);
    private final int partitions;
    private final int contentTasks;
    private final long interval;
    // One per topology, so per instance: after any of its tasks turns busy or idle, its idle tasks
    // repeat their markers every tick (MarkerCadence).
    private final MarkerCadence cadence;
    private final long lateness;
    private final OutputSerdes outputs;
    // Branches of processors' sealed outputs not yet taken (see byVariant).
    private final Set<String> unrouted = new java.util.LinkedHashSet<>();

    Wiring(
        KembedConfig config,
        Embedder embedder,
        IndexService indexes,
        InputPartitions inputs,
        InferenceWorkers workers) {
      this.config = config;
      this.workers = workers;
      this.outputs = new OutputSerdes(config.outputSettings());
      this.vectorEncoding = new VectorEncodingSerdes(config.outputVectorEncoding());
      if (outputs.settings().format() != OutputFormat.AVRO
          && config.outputVectorEncoding() != PackedVectors.Encoding.FLOAT32) {
        log.warn(
            "{}={} applies to output.format=avro only; {} sinks carry vectors as float arrays",
            OUTPUT_VECTOR_ENCODING,
            config.getString(OUTPUT_VECTOR_ENCODING),
            outputs.settings().format().configName());
      }
      this.embedder = embedder;
      this.indexes = indexes;
      this.inputs = inputs;
      this.partitions = config.getInt(TOPICS_PARTITIONS);
      // The content sub-topology reads posts, comments and searches-by-query: one task per
      // partition of the widest of them.
      this.contentTasks = Math.max(partitions, Math.max(inputs.posts(), inputs.comments()));
      this.interval = config.getLong(WATERMARK_INTERVAL_MS);
      this.cadence = new MarkerCadence(interval);
      this.lateness = config.getLong(USER_VECTOR_LATENESS_MS);
    }

    Topology build() {
      addStores();
      unrouted.clear();
      KStream<String, ContentChange> content = contentChanges();
      Map<String, KStream<String, QueryEmbedOutput>> queries =
          byVariant(searches(), QueryEmbedOutput.class);
      toDeadLetters(
          value(queries, QueryEmbedOutput.Dead.class, QueryEmbedOutput.Dead::value), "query");
      KStream<String, UserSignal> searchSignals =
          value(queries, QueryEmbedOutput.Signal.class, QueryEmbedOutput.Signal::value);
      KStream<String, ContentChange> changes =
          content.merge(
              value(queries, QueryEmbedOutput.Change.class, QueryEmbedOutput.Change::value),
              Named.as("all-content-changes"));

      KStream<String, ContentChange> embedded =
          changes.filter((id, c) -> c.kind() != ContentChange.Kind.FAILED, Named.as("embedded"));
      toDeadLetters(
          changes
              .filter((id, c) -> c.kind() == ContentChange.Kind.FAILED, Named.as("embed-failed"))
              .mapValues(ContentChange::request, Named.as("failed-request"))
              .mapValues(
                  (id, r) ->
                      new DeadLetter(
                          id.getBytes(StandardCharsets.UTF_8),
                          r.getSourceValue() == null ? null : Utils.toArray(r.getSourceValue())),
                  Named.as("failed-to-dead-letter")),
          "embed");
      contentOutputs(embedded);
      if (indexes != null) QueryExpansions.attach(searchSignals, config, indexes.queries());

      KStream<String, UserSignal> interactionSignals = entityJoin(embedded);
      // Each path that moves user vectors keeps its own repartition topic, and each carries its
      // writers' watermarks, so the user-vector task knows when every signal before t has arrived.
      Serde<UserSignal> signalSerde = InternalSerdes.of(UserSignal.class);
      KStream<String, UserSignal> signals =
          watermarked(
                  interactionSignals,
                  signalSerde,
                  INTERACTION_SIGNALS_BY_USER,
                  CLOCK_JOIN,
                  partitions,
                  CLOCK_USERS,
                  UserVectorProcessor.SIGNALS,
                  null)
              .merge(
                  watermarked(
                      authoredSignals(embedded),
                      signalSerde,
                      AUTHORED_SIGNALS_BY_USER,
                      CLOCK_CONTENT,
                      contentTasks,
                      CLOCK_USERS,
                      UserVectorProcessor.SIGNALS,
                      null),
                  Named.as("plus-authored"))
              .merge(
                  watermarked(
                      searchSignals,
                      signalSerde,
                      SEARCH_SIGNALS_BY_USER,
                      CLOCK_CONTENT,
                      contentTasks,
                      CLOCK_USERS,
                      UserVectorProcessor.SIGNALS,
                      null),
                  Named.as("plus-searches"));
      userVectors(signals);
      if (!unrouted.isEmpty()) {
        throw new IllegalStateException("processor outputs never routed: " + unrouted);
      }
      return builder.build();
    }

    private void addStores() {
      // Cached (Streams' record cache, flushed at each commit): stores whose keys are written
      // again or deleted within a commit interval. A buffered text embedded before the commit
      // leaves one tombstone in the changelog instead of its request and a tombstone; an input
      // channel's latest event time, put by every record that advances it, one record per commit.
      cached(EMBED_BUFFER_STORE, InternalSerdes.embedRequest());
      persistent(EMBED_HASH_STORE, strings);
      cached(QUERY_BUFFER_STORE, InternalSerdes.embedRequest());
      persistent(QUERY_CACHE_STORE, Serdes.ByteArray());
      persistent(ENTITY_VECTOR_STORE, storedEmbeddingSerde);
      persistent(DELETED_ENTITY_STORE, Serdes.Long());
      persistent(PENDING_INTERACTION_STORE, InternalSerdes.of(PendingInteraction.class));
      persistent(PENDING_COMMENT_STORE, storedEmbeddingSerde);
      // A user's tiles are written by every event of theirs; cached, a tile written again within
      // a commit leaves one changelog record (3.00 -> 1.0-1.5 per interaction in the bench's user
      // path) and reads of a tile just written skip RocksDB. The timeline is not: its items wait
      // for the watermark across commits, so a cache would only hold them twice (measured: 2.00
      // records per interaction either way).
      cachedBinary(USER_TILE_STORE);
      binary(USER_TIMELINE_STORE);
      persistent(USER_EMIT_STORE, Serdes.Long());
      cached(USER_RELEASED_STORE, Serdes.Long());
      cached(INPUT_TIME_CONTENT, Serdes.Long());
      cached(INPUT_TIME_INTERACTIONS, Serdes.Long());
      cached(INPUT_TIME_SEARCHES, Serdes.Long());
      long idle = config.getLong(WATERMARK_IDLE_MS);
      long outOfOrder = config.getLong(WATERMARK_OUT_OF_ORDERNESS_MS);
      for (String clock :
          List.of(CLOCK_CONTENT, CLOCK_INTERACTIONS, CLOCK_SEARCHES, CLOCK_JOIN, CLOCK_USERS)) {
        builder.addStateStore(TaskClockStore.builder(clock, idle, outOfOrder));
      }
      builder.addStateStore(TaskLocalStore.builder(USER_SHARED_STORE, TaskLocalStore.Once::new));
    }

    private <V> void persistent(String name, Serde<V> values) {
      builder.addStateStore(
          Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), strings, values));
    }

    private <V> void cached(String name, Serde<V> values) {
      builder.addStateStore(
          Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), strings, values)
              .withCachingEnabled());
    }

    private void binary(String name) {
      builder.addStateStore(binaryStore(name));
    }

    private void cachedBinary(String name) {
      builder.addStateStore(binaryStore(name).withCachingEnabled());
    }

    private static StoreBuilder<KeyValueStore<Bytes, byte[]>> binaryStore(String name) {
      return Stores.keyValueStoreBuilder(
          Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray());
    }

    /**
     * Re-keys through a repartition topic that carries watermarks: the upstream task's forwarder
     * sends markers to every partition (multicast), the downstream receiver takes them out into its
     * task's clock.
     */
    private <V> KStream<String, V> watermarked(
        KStream<String, V> stream,
        Serde<V> serde,
        String topic,
        String fromClock,
        int producers,
        String toClock,
        String group,
        String published) {
      return stream
          .process(
              () ->
                  new WatermarkForwarder<V>(
                      fromClock, topic, producers, interval, published, cadence),
              Named.as(topic + "-watermarks-out"),
              fromClock)
          .repartition(
              Repartitioned.with(strings, serde)
                  .withName(topic)
                  .withNumberOfPartitions(partitions)
                  .withStreamPartitioner(new MulticastPartitioner<>()))
          .process(
              () -> new WatermarkReceiver<V>(toClock, group, topic, producers),
              Named.as(topic + "-watermarks-in"),
              toClock);
    }

    private Map<String, Integer> topics(String topicA, int a, String topicB, int b) {
      Map<String, Integer> m = new LinkedHashMap<>();
      m.put(config.topic(topicA), a);
      if (topicB != null) {
        m.put(config.topic(topicB), b);
      }
      return m;
    }

    // 1. Posts and comments become embedding requests (bad input goes to the DLQ there), their
    //    event time is checked against their partition's, then micro-batched, exactly-once
    //    inference.
    private KStream<String, ContentChange> contentChanges() {
      Serde<PostEvent> postSerde = input(PostEvent.class);
      Serde<CommentEvent> commentSerde = input(CommentEvent.class);
      ContentRequests requests =
          new ContentRequests(
              new TextCleaner(config.urlMode()),
              config.getInt(TEXT_MAX_CHARS),
              embedder.model().id());
      InputGuard guard = InputGuard.from(config);
      Map<String, Integer> contentInputs =
          topics(TOPIC_POSTS, inputs.posts(), TOPIC_COMMENTS, inputs.comments());
      KStream<String, EmbedRequest> posts =
          builder.stream(
                  config.topic(TOPIC_POSTS), Consumed.with(strings, postSerde).withName("posts"))
              .processValues(
                  () ->
                      new ToEmbedRequestProcessor<>(
                          requests::fromPost, postSerde.serializer(), guard),
                  Named.as("post-to-request"))
              .processValues(
                  () -> contentGate(contentInputs),
                  Named.as("post-event-time"),
                  CLOCK_CONTENT,
                  INPUT_TIME_CONTENT);
      KStream<String, EmbedRequest> comments =
          builder.stream(
                  config.topic(TOPIC_COMMENTS),
                  Consumed.with(strings, commentSerde).withName("comments"))
              .processValues(
                  () ->
                      new ToEmbedRequestProcessor<>(
                          requests::fromComment, commentSerde.serializer(), guard),
                  Named.as("comment-to-request"))
              .processValues(
                  () -> contentGate(contentInputs),
                  Named.as("comment-event-time"),
                  CLOCK_CONTENT,
                  INPUT_TIME_CONTENT);
      int batchSize = config.getInt(EMBED_BATCH_SIZE);
      long minWait = config.getLong(EMBED_MAX_WAIT_MS);
      return posts
          .merge(comments, Named.as("content-requests"))
          .process(
              () ->
                  new EmbedBatchProcessor(
                      embedder,
                      EMBED_BUFFER_STORE,
                      EMBED_HASH_STORE,
                      batchSize,
                      minWait,
                      workers,
                      CLOCK_CONTENT),
              Named.as("embed-batch"),
              EMBED_BUFFER_STORE,
              EMBED_HASH_STORE,
              CLOCK_CONTENT);
    }

    // A late post or comment is still embedded (its vector does not depend on time) but moves no
    // user vector.
    private EventTimeGate<EmbedRequest> contentGate(Map<String, Integer> contentInputs) {
      return new EventTimeGate<>(
          CLOCK_CONTENT,
          INPUT_TIME_CONTENT,
          contentInputs,
          EmbedRequest::getEventTime,
          lateness,
          (r, t, reason, dlq) -> {
            if (!r.getDeleted()) {
              dlq.dropped(DlqReason.LATE_EVENT);
            }
            r.setLate(true);
            return r;
          });
    }

    private static <V> V rejectLate(V value, long t, String reason, DlqMetrics dlq) {
      throw new BadInputException(DlqReason.LATE_EVENT, reason);
    }

    // 2. Searches, re-keyed by normalised query so the embedding cache sees every repeat.
    private KStream<String, QueryEmbedOutput> searches() {
      Serde<SearchQueryEvent> searchSerde = input(SearchQueryEvent.class);
      int batchSize = config.getInt(EMBED_BATCH_SIZE);
      long minWait = config.getLong(EMBED_MAX_WAIT_MS);
      long cacheTtl = config.getLong(SEARCH_QUERY_CACHE_TTL_MS);
      Map<String, Integer> searchInputs = topics(TOPIC_SEARCH_QUERIES, inputs.searches(), null, 0);
      KStream<String, SearchQueryEvent> byQuery =
          builder.stream(
                  config.topic(TOPIC_SEARCH_QUERIES),
                  Consumed.with(strings, searchSerde).withName("search-queries"))
              .processValues(
                  () -> new ValidateSearchProcessor(InputGuard.from(config)),
                  Named.as("validate-search"))
              .processValues(
                  () ->
                      new EventTimeGate<SearchQueryEvent>(
                          CLOCK_SEARCHES,
                          INPUT_TIME_SEARCHES,
                          searchInputs,
                          q -> q.getEventTime().toEpochMilli(),
                          lateness,
                          KembedTopology.Wiring::rejectLate),
                  Named.as("search-event-time"),
                  CLOCK_SEARCHES,
                  INPUT_TIME_SEARCHES)
              .selectKey(
                  (user, q) -> QueryNormalizer.normalize(q.getQuery()), Named.as("key-by-query"));
      return watermarked(
              byQuery,
              searchSerde,
              SEARCHES_BY_QUERY,
              CLOCK_SEARCHES,
              inputs.searches(),
              CLOCK_CONTENT,
              EventTimeGate.GROUP,
              null)
          .process(
              () ->
                  new QueryEmbedProcessor(
                      embedder,
                      QUERY_BUFFER_STORE,
                      QUERY_CACHE_STORE,
                      batchSize,
                      minWait,
                      searchSerde.serializer(),
                      cacheTtl,
                      workers,
                      CLOCK_CONTENT),
              Named.as("query-embed"),
              QUERY_BUFFER_STORE,
              QUERY_CACHE_STORE,
              CLOCK_CONTENT);
    }

    // 3. Public content outputs: embeddings (tombstone on delete) and ANN index updates.
    private void contentOutputs(KStream<String, ContentChange> embedded) {
      embedded
          .mapValues(ContentOutputs::embedding, Named.as("to-content-embedding"))
          .to(
              config.topic(TOPIC_CONTENT_EMBEDDINGS),
              produced(ContentEmbedding.class, TOPIC_CONTENT_EMBEDDINGS)
                  .withName("content-embeddings"));
      embedded
          .map(
              (id, c) -> KeyValue.pair(ContentOutputs.indexKey(c), ContentOutputs.indexUpdate(c)),
              Named.as("to-index-update"))
          .to(
              config.topic(TOPIC_INDEX_UPDATES),
              produced(IndexUpdate.class, TOPIC_INDEX_UPDATES).withName("index-updates"));
    }

    // 4. The join on entity id: embeddings (and comments, sent to their post's key) meet
    //    interactions (re-keyed by target).
    private KStream<String, UserSignal> entityJoin(KStream<String, ContentChange> embedded) {
      KStream<String, ContentEmbedding> byEntity =
          embedded
              .filter((id, c) -> !isQuery(c), Named.as("posts-and-comments"))
              .flatMap(
                  (id, c) -> {
                    List<KeyValue<String, ContentEmbedding>> out = new ArrayList<>(2);
                    ContentEmbedding e = ContentOutputs.embedding(c);
                    out.add(KeyValue.pair(id, e));
                    if (e != null && e.getEntityType() == EntityType.COMMENT) {
                      out.add(KeyValue.pair(e.getParentId(), e)); // waits on its post's key
                    }
                    return out;
                  },
                  Named.as("key-by-entity"));
      KStream<String, ContentEmbedding> embeddings =
          watermarked(
              byEntity,
              storedEmbeddingSerde,
              EMBEDDINGS_BY_ENTITY,
              CLOCK_CONTENT,
              contentTasks,
              CLOCK_JOIN,
              EventTimeGate.GROUP,
              null);
      Serde<InteractionEvent> interactionSerde = input(InteractionEvent.class);
      InteractionWeights weights = InteractionWeights.parse(config.getString(USER_VECTOR_WEIGHTS));
      Set<InteractionType> exposures = exposureTypes();
      Map<String, Integer> interactionInputs =
          topics(TOPIC_INTERACTIONS, inputs.interactions(), null, 0);
      KStream<String, InteractionEvent> byTarget =
          builder.stream(
                  config.topic(TOPIC_INTERACTIONS),
                  Consumed.with(strings, interactionSerde).withName("interactions"))
              .processValues(
                  () ->
                      new ValidateInteractionProcessor(weights, exposures, InputGuard.from(config)),
                  Named.as("validate-interaction"))
              .processValues(
                  () ->
                      new EventTimeGate<InteractionEvent>(
                          CLOCK_INTERACTIONS,
                          INPUT_TIME_INTERACTIONS,
                          interactionInputs,
                          i -> i.getEventTime().toEpochMilli(),
                          lateness,
                          KembedTopology.Wiring::rejectLate),
                  Named.as("interaction-event-time"),
                  CLOCK_INTERACTIONS,
                  INPUT_TIME_INTERACTIONS)
              .selectKey((user, i) -> i.getTargetId(), Named.as("key-by-target"));
      KStream<String, InteractionEvent> interactions =
          watermarked(
              byTarget,
              interactionSerde,
              INTERACTIONS_BY_ENTITY,
              CLOCK_INTERACTIONS,
              inputs.interactions(),
              CLOCK_JOIN,
              EventTimeGate.GROUP,
              null);
      var stores =
          new EntityJoinProcessor.Stores(
              ENTITY_VECTOR_STORE,
              DELETED_ENTITY_STORE,
              PENDING_INTERACTION_STORE,
              PENDING_COMMENT_STORE);
      long grace = config.getLong(JOIN_GRACE_MS);
      KStream<String, EntityJoinOutput> joined =
          embeddings
              .mapValues(EntityEvent::fromEmbeddingTopic, Named.as("wrap-embedding"))
              .merge(
                  interactions.mapValues(EntityEvent::interaction, Named.as("wrap-interaction")),
                  Named.as("entity-events"))
              .process(
                  () ->
                      new EntityJoinProcessor(
                          stores, CLOCK_JOIN, interval, grace, exposures, interactionSerde),
                  Named.as("entity-join"),
                  ENTITY_VECTOR_STORE,
                  DELETED_ENTITY_STORE,
                  PENDING_INTERACTION_STORE,
                  PENDING_COMMENT_STORE,
                  CLOCK_JOIN);
      Map<String, KStream<String, EntityJoinOutput>> out =
          byVariant(joined, EntityJoinOutput.class);
      toFeatures(
          value(out, EntityJoinOutput.Row.class, EntityJoinOutput.Row::value), "comment-post");
      toDeadLetters(value(out, EntityJoinOutput.Dead.class, EntityJoinOutput.Dead::value), "join");
      return value(out, EntityJoinOutput.Signal.class, EntityJoinOutput.Signal::value);
    }

    // A user's own new post or comment counts as CREATE / COMMENT on it, once; not if it arrived
    // late (it is embedded all the same).
    private KStream<String, UserSignal> authoredSignals(KStream<String, ContentChange> embedded) {
      return embedded
          .filter(
              (id, c) ->
                  c.kind() == ContentChange.Kind.UPSERT
                      && c.firstVersion()
                      && !isQuery(c)
                      && c.request().getAuthorId() != null
                      && !c.request().getLate(),
              Named.as("new-content"))
          .map(
              (id, c) -> KeyValue.pair(c.request().getAuthorId(), Signals.authored(c)),
              Named.as("authored-signal"));
    }

    // 5. User vectors, keyed by user, released in event-time order; exposure rows finish on the
    //    author's partition, in the same order.
    private void userVectors(KStream<String, UserSignal> signals) {
      WindowConfig windows =
          WindowConfig.of(
              config.getList(USER_VECTOR_WINDOWS),
              Resolution.defaults(),
              Duration.ofMillis(config.getLong(USER_VECTOR_LATENESS_MS)));
      SignalWeights weights =
          new SignalWeights(
              InteractionWeights.parse(config.getString(USER_VECTOR_WEIGHTS)),
              config.getDouble(SEARCH_QUERY_WEIGHT));
      long emitInterval = config.getLong(USER_VECTOR_EMIT_INTERVAL_MS);
      KStream<String, UserVectorOutput> processed =
          signals.process(
              () ->
                  new UserVectorProcessor(
                      USER_STORES,
                      windows,
                      weights,
                      emitInterval,
                      interval,
                      config.getInt(USER_VECTOR_WINDOW_CACHE_ENTRIES),
                      config.getInt(USER_VECTOR_HELD_VECTORS),
                      featureSerde,
                      UserVectorProcessor.RELEASE_MAX_ITEMS),
              Named.as("user-vectors"),
              USER_STORES.all());
      Map<String, KStream<String, UserVectorOutput>> users =
          byVariant(processed, UserVectorOutput.class);
      value(users, UserVectorOutput.Vector.class, UserVectorOutput.Vector::value)
          .processValues(
              () ->
                  new DriftObserver<UserVectorOut>(
                      (drift, v) -> {
                        if (v.vector() != null) {
                          drift.forModel(v.vector().getModelId()).userVector(v.unit());
                        }
                      }),
              Named.as("user-vector-drift"))
          .mapValues(UserVectorOut::vector, Named.as("unwrap-vector"))
          .to(
              config.topic(TOPIC_USER_VECTORS),
              produced(UserVector.class, TOPIC_USER_VECTORS).withName("user-vectors-sink"));
      toFeatures(
          value(users, UserVectorOutput.Row.class, UserVectorOutput.Row::value), "completed");
      toDeadLetters(
          value(users, UserVectorOutput.Dead.class, UserVectorOutput.Dead::value), "user");
      KStream<String, SimilarityFeatures> rows =
          watermarked(
                  value(users, UserVectorOutput.Partial.class, UserVectorOutput.Partial::value),
                  InternalSerdes.of(PartialFeatureRow.class),
                  ROWS_BY_AUTHOR,
                  CLOCK_USERS,
                  partitions,
                  CLOCK_USERS,
                  UserVectorProcessor.ROWS,
                  UserVectorProcessor.VIEWER_RELEASED)
              .process(
                  () ->
                      new AuthorFeatureProcessor(
                          USER_STORES,
                          windows,
                          weights,
                          config.getInt(USER_VECTOR_WINDOW_CACHE_ENTRIES),
                          config.getInt(USER_VECTOR_HELD_VECTORS),
                          featureSerde),
                  Named.as("author-features"),
                  USER_STORES.all());
      toFeatures(rows, "exposure");
    }

    private Set<InteractionType> exposureTypes() {
      Set<InteractionType> s = EnumSet.noneOf(InteractionType.class);
      config
          .getList(FEATURES_EXPOSURE_TYPES)
          .forEach(t -> s.add(InteractionType.valueOf(t.trim().toUpperCase(Locale.ROOT))));
      return s;
    }

    private void toFeatures(KStream<String, SimilarityFeatures> rows, String name) {
      rows.processValues(
              () ->
                  new DriftObserver<SimilarityFeatures>(
                      (drift, row) -> drift.forModel(row.getModelId()).features(row.getFeatures())),
              Named.as(name + "-features-drift"))
          .to(
              config.topic(TOPIC_SIMILARITY_FEATURES),
              produced(SimilarityFeatures.class, TOPIC_SIMILARITY_FEATURES)
                  .withName(name + "-features-sink"));
    }

    private void toDeadLetters(KStream<String, DeadLetter> letters, String name) {
      letters
          .map((k, d) -> KeyValue.pair(d.key(), d.value()), Named.as(name + "-dead-letter-bytes"))
          .to(
              config.topic(TOPIC_DLQ),
              Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-dlq-sink"));
    }

    // Inputs are read in any format: single-object Avro, JSON, or registry Avro when a registry is
    // set.
    private <V extends SpecificRecord> Serde<V> input(Class<V> type) {
      return new AvroSerde<>(type, outputs.settings().registry());
    }

    // Output topics are written in output.format (KembedSerdes' single-object Avro by default);
    // in avro, vectors are packed as output.vector.encoding says, in the serializer.
    private <V extends SpecificRecord> Produced<String, V> produced(
        Class<V> type, String topicKey) {
      String topic = config.topic(topicKey);
      Serde<V> values = outputs.value(type, topic);
      if (outputs.settings().format() == OutputFormat.AVRO) {
        values = vectorEncoding.wrap(type, values);
      }
      return Produced.with(outputs.key(type, topic), values);
    }

    /**
     * Splits a processor's sealed output into one branch per permitted variant ({@code split()},
     * branches named {@code <output>-<variant>}). Every branch must be taken by {@link #value}
     * before {@link #build} returns, so a new variant cannot be dropped unrouted.
     */
    private <R> Map<String, KStream<String, R>> byVariant(KStream<String, R> out, Class<R> sealed) {
      var split = out.split(Named.as(lower(sealed) + "-"));
      for (Class<?> variant : sealed.getPermittedSubclasses()) {
        split = split.branch((k, v) -> variant.isInstance(v), Branched.as(lower(variant)));
        unrouted.add(branchName(variant));
      }
      return split.noDefaultBranch();
    }

    /** The values of one variant's branch, unwrapped. */
    private <R, V extends R, T> KStream<String, T> value(
        Map<String, KStream<String, R>> branches, Class<V> variant, Function<V, T> unwrap) {
      String name = branchName(variant);
      KStream<String, R> branch = branches.get(name);
      if (branch == null || !unrouted.remove(name)) {
        throw new IllegalStateException("no untaken branch " + name + " in " + branches.keySet());
      }
      return branch.mapValues(v -> unwrap.apply(variant.cast(v)), Named.as(name + "-value"));
    }

    private static String branchName(Class<?> variant) {
      return lower(variant.getEnclosingClass()) + "-" + lower(variant);
    }

    private static String lower(Class<?> type) {
      return type.getSimpleName().toLowerCase(Locale.ROOT);
    }

    private static boolean isQuery(ContentChange c) {
      return "QUERY".equals(c.request().getEntityType());
    }
  }
}
