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
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.state.window.Resolution;
import dev.kembed.state.window.WindowConfig;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.content.ContentChange;
import dev.kembed.topology.content.ContentOutputs;
import dev.kembed.topology.content.ContentRequests;
import dev.kembed.topology.content.EntityEvent;
import dev.kembed.topology.content.Signals;
import dev.kembed.topology.content.UserVectorOut;
import dev.kembed.topology.errors.DeadLetter;
import dev.kembed.topology.expansion.IndexService;
import dev.kembed.topology.expansion.QueryExpansions;
import dev.kembed.topology.features.InteractionWeights;
import dev.kembed.topology.features.QueryNormalizer;
import dev.kembed.topology.internal.EmbedRequest;
import dev.kembed.topology.internal.PartialFeatureRow;
import dev.kembed.topology.internal.PendingInteraction;
import dev.kembed.topology.internal.UserSignal;
import dev.kembed.topology.processors.AuthorFeatureProcessor;
import dev.kembed.topology.processors.EmbedBatchProcessor;
import dev.kembed.topology.processors.EntityJoinProcessor;
import dev.kembed.topology.processors.QueryEmbedProcessor;
import dev.kembed.topology.processors.ToEmbedRequestProcessor;
import dev.kembed.topology.processors.UserVectorProcessor;
import dev.kembed.topology.processors.ValidateInteractionProcessor;
import dev.kembed.topology.processors.ValidateSearchProcessor;
import dev.kembed.topology.text.TextCleaner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.common.utils.Utils;

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
 * [brackets] are repartition topics ({@code <application.id>-<name>-repartition}), all with
 * {@code topics.partitions} partitions so that joins across keys (entity, user, author) go through
 * them rather than through global tables and state scales with partitions. Every store and
 * processor has a stable name, so internal topics keep their names across releases.
 */
public final class KembedTopology {
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

  public static final String SEARCHES_BY_QUERY = "searches-by-query";
  public static final String EMBEDDINGS_BY_ENTITY = "embeddings-by-entity";
  public static final String INTERACTIONS_BY_ENTITY = "interactions-by-entity";
  public static final String INTERACTION_SIGNALS_BY_USER = "interaction-signals-by-user";
  public static final String AUTHORED_SIGNALS_BY_USER = "authored-signals-by-user";
  public static final String SEARCH_SIGNALS_BY_USER = "search-signals-by-user";
  public static final String ROWS_BY_AUTHOR = "rows-by-author";

  private KembedTopology() {}

  public static Topology build(KembedConfig config, Embedder embedder) {
    return build(config, embedder, null);
  }

  /**
   * The topology with query expansion fed by {@code indexes}' queries index; with {@code null}
   * (as the two-argument overload passes) no query-expansions are produced.
   */
  public static Topology build(KembedConfig config, Embedder embedder, IndexService indexes) {
    return new Wiring(config, embedder, indexes).build();
  }

  /** The builder's state while the topology is assembled; one instance per build. */
  private static final class Wiring {
    private final KembedConfig config;
    private final Embedder embedder;
    private final IndexService indexes;
    private final StreamsBuilder builder = new StreamsBuilder();
    private final Serde<String> strings = Serdes.String();
    // Internal hops and stores: the vector as packed float32 bytes, not a boxed Avro array.
    private final Serde<ContentEmbedding> storedEmbeddingSerde = dev.kembed.topology.content.StoredEmbeddingSerde.create();
    private final dev.kembed.topology.content.OutputSerdes outputs;
    private final Serde<SimilarityFeatures> featureSerde = KembedSerdes.of(SimilarityFeatures.class);
    private final int partitions;

    Wiring(KembedConfig config, Embedder embedder, IndexService indexes) {
      this.config = config;
      this.outputs = new dev.kembed.topology.content.OutputSerdes(config.outputVectorEncoding());
      this.embedder = embedder;
      this.indexes = indexes;
      this.partitions = config.getInt(TOPICS_PARTITIONS);
    }

    Topology build() {
      addStores();
      KStream<String, ContentChange> content = contentChanges();
      KStream<String, Object> queries = searches();
      KStream<String, ContentChange> changes = content.merge(only(queries, ContentChange.class, "query-changes"), Named.as("all-content-changes"));

      KStream<String, ContentChange> embedded = changes.filter((id, c) -> c.kind() != ContentChange.Kind.FAILED, Named.as("embedded"));
      toDeadLetters(changes.filter((id, c) -> c.kind() == ContentChange.Kind.FAILED, Named.as("embed-failed"))
          .mapValues(ContentChange::request, Named.as("failed-request"))
          .mapValues((id, r) -> new DeadLetter(id.getBytes(StandardCharsets.UTF_8), r.getSourceValue() == null ? null : Utils.toArray(r.getSourceValue())), Named.as("failed-to-dead-letter")), "embed");
      contentOutputs(embedded);
      if (indexes != null) QueryExpansions.attach(only(queries, UserSignal.class, "expansion-signals"), config, indexes.queries());

      KStream<String, Object> joined = entityJoin(embedded);
      // Each path that moves user vectors keeps its own repartition topic: Kafka Streams then
      // picks across them by event time (and, with max.task.idle.ms, waits for a slower path), so a
      // replay applies a user's own posts, clicks and searches in the order live processing did.
      KStream<String, UserSignal> signals =
          bySignalUser(only(joined, UserSignal.class, "interaction-signals"), INTERACTION_SIGNALS_BY_USER)
              .merge(bySignalUser(authoredSignals(embedded), AUTHORED_SIGNALS_BY_USER), Named.as("plus-authored"))
              .merge(bySignalUser(only(queries, UserSignal.class, "search-signals"), SEARCH_SIGNALS_BY_USER), Named.as("plus-searches"));
      userVectors(signals);
      return builder.build();
    }

    private void addStores() {
      persistent(EMBED_BUFFER_STORE, InternalSerdes.embedRequest());
      persistent(EMBED_HASH_STORE, strings);
      persistent(QUERY_BUFFER_STORE, InternalSerdes.embedRequest());
      persistent(QUERY_CACHE_STORE, Serdes.ByteArray());
      persistent(ENTITY_VECTOR_STORE, storedEmbeddingSerde);
      persistent(DELETED_ENTITY_STORE, Serdes.Long());
      persistent(PENDING_INTERACTION_STORE, InternalSerdes.of(PendingInteraction.class));
      persistent(PENDING_COMMENT_STORE, storedEmbeddingSerde);
      builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(USER_TILE_STORE), Serdes.Bytes(), Serdes.ByteArray()));
      persistent(USER_EMIT_STORE, Serdes.Long());
    }

    private <V> void persistent(String name, Serde<V> values) {
      builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), strings, values));
    }

    // 1. Posts and comments become embedding requests (bad input goes to the DLQ there), then
    //    micro-batched, exactly-once inference.
    private KStream<String, ContentChange> contentChanges() {
      Serde<PostEvent> postSerde = KembedSerdes.of(PostEvent.class);
      Serde<CommentEvent> commentSerde = KembedSerdes.of(CommentEvent.class);
      ContentRequests requests = new ContentRequests(new TextCleaner(config.urlMode()), config.getInt(TEXT_MAX_CHARS), embedder.model().id());
      KStream<String, EmbedRequest> posts =
          builder.stream(config.topic(TOPIC_POSTS), Consumed.with(strings, postSerde).withName("posts"))
              .processValues(() -> new ToEmbedRequestProcessor<>(requests::fromPost, postSerde.serializer()), Named.as("post-to-request"));
      KStream<String, EmbedRequest> comments =
          builder.stream(config.topic(TOPIC_COMMENTS), Consumed.with(strings, commentSerde).withName("comments"))
              .processValues(() -> new ToEmbedRequestProcessor<>(requests::fromComment, commentSerde.serializer()), Named.as("comment-to-request"));
      int batchSize = config.getInt(EMBED_BATCH_SIZE);
      long maxWait = config.getLong(EMBED_MAX_WAIT_MS);
      return posts.merge(comments, Named.as("content-requests"))
          .process(() -> new EmbedBatchProcessor(embedder, EMBED_BUFFER_STORE, EMBED_HASH_STORE, batchSize, maxWait), Named.as("embed-batch"), EMBED_BUFFER_STORE, EMBED_HASH_STORE);
    }

    // 2. Searches, re-keyed by normalised query so the embedding cache sees every repeat.
    private KStream<String, Object> searches() {
      Serde<SearchQueryEvent> searchSerde = KembedSerdes.of(SearchQueryEvent.class);
      int batchSize = config.getInt(EMBED_BATCH_SIZE);
      long maxWait = config.getLong(EMBED_MAX_WAIT_MS);
      long cacheTtl = config.getLong(SEARCH_QUERY_CACHE_TTL_MS);
      return builder.stream(config.topic(TOPIC_SEARCH_QUERIES), Consumed.with(strings, searchSerde).withName("search-queries"))
          .processValues(ValidateSearchProcessor::new, Named.as("validate-search"))
          .selectKey((user, q) -> QueryNormalizer.normalize(q.getQuery()), Named.as("key-by-query"))
          .repartition(Repartitioned.with(strings, searchSerde).withName(SEARCHES_BY_QUERY).withNumberOfPartitions(partitions))
          .process(() -> new QueryEmbedProcessor(embedder, QUERY_BUFFER_STORE, QUERY_CACHE_STORE, batchSize, maxWait, searchSerde.serializer(), cacheTtl), Named.as("query-embed"), QUERY_BUFFER_STORE, QUERY_CACHE_STORE);
    }

    // 3. Public content outputs: embeddings (tombstone on delete) and ANN index updates.
    private void contentOutputs(KStream<String, ContentChange> embedded) {
      embedded.mapValues(ContentOutputs::embedding, Named.as("to-content-embedding"))
          .to(config.topic(TOPIC_CONTENT_EMBEDDINGS), Produced.with(strings, outputs.contentEmbedding()).withName("content-embeddings"));
      embedded.map((id, c) -> KeyValue.pair(ContentOutputs.indexKey(c), ContentOutputs.indexUpdate(c)), Named.as("to-index-update"))
          .to(config.topic(TOPIC_INDEX_UPDATES), Produced.with(strings, outputs.indexUpdate()).withName("index-updates"));
    }

    // 4. The join on entity id: embeddings (and comments, sent to their post's key) meet
    //    interactions (re-keyed by target).
    private KStream<String, Object> entityJoin(KStream<String, ContentChange> embedded) {
      KStream<String, ContentEmbedding> embeddings =
          embedded.filter((id, c) -> !isQuery(c), Named.as("posts-and-comments"))
              .flatMap((id, c) -> {
                List<KeyValue<String, ContentEmbedding>> out = new ArrayList<>(2);
                ContentEmbedding e = ContentOutputs.embedding(c);
                out.add(KeyValue.pair(id, e));
                if (e != null && e.getEntityType() == EntityType.COMMENT) {
                  out.add(KeyValue.pair(e.getParentId(), e)); // waits on its post's key
                }
                return out;
              }, Named.as("key-by-entity"))
              .repartition(Repartitioned.with(strings, storedEmbeddingSerde).withName(EMBEDDINGS_BY_ENTITY).withNumberOfPartitions(partitions));
      Serde<InteractionEvent> interactionSerde = KembedSerdes.of(InteractionEvent.class);
      InteractionWeights weights = InteractionWeights.parse(config.getString(USER_VECTOR_WEIGHTS));
      Set<InteractionType> exposures = exposureTypes();
      KStream<String, InteractionEvent> interactions =
          builder.stream(config.topic(TOPIC_INTERACTIONS), Consumed.with(strings, interactionSerde).withName("interactions"))
              .processValues(() -> new ValidateInteractionProcessor(weights, exposures), Named.as("validate-interaction"))
              .selectKey((user, i) -> i.getTargetId(), Named.as("key-by-target"))
              .repartition(Repartitioned.with(strings, interactionSerde).withName(INTERACTIONS_BY_ENTITY).withNumberOfPartitions(partitions));
      var stores = new EntityJoinProcessor.Stores(ENTITY_VECTOR_STORE, DELETED_ENTITY_STORE, PENDING_INTERACTION_STORE, PENDING_COMMENT_STORE);
      long grace = config.getLong(JOIN_GRACE_MS);
      KStream<String, Object> joined =
          embeddings.mapValues(EntityEvent::fromEmbeddingTopic, Named.as("wrap-embedding"))
              .merge(interactions.mapValues(EntityEvent::interaction, Named.as("wrap-interaction")), Named.as("entity-events"))
              .process(() -> new EntityJoinProcessor(stores, grace, exposures, interactionSerde), Named.as("entity-join"), ENTITY_VECTOR_STORE, DELETED_ENTITY_STORE, PENDING_INTERACTION_STORE, PENDING_COMMENT_STORE);
      toFeatures(only(joined, SimilarityFeatures.class, "comment-post-rows"), "comment-post");
      toDeadLetters(only(joined, DeadLetter.class, "join-dead-letters"), "join");
      return joined;
    }

    // A user's own new post or comment counts as CREATE / COMMENT on it, once.
    private KStream<String, UserSignal> authoredSignals(KStream<String, ContentChange> embedded) {
      return embedded.filter((id, c) -> c.kind() == ContentChange.Kind.UPSERT && c.firstVersion() && !isQuery(c) && c.request().getAuthorId() != null, Named.as("new-content"))
          .map((id, c) -> KeyValue.pair(c.request().getAuthorId(), Signals.authored(c)), Named.as("authored-signal"));
    }

    // 5. User vectors, keyed by user; exposure rows finish on the author's partition.
    private void userVectors(KStream<String, UserSignal> signals) {
      WindowConfig windows = WindowConfig.of(config.getList(USER_VECTOR_WINDOWS), Resolution.defaults(), Duration.ofMillis(config.getLong(USER_VECTOR_LATENESS_MS)));
      InteractionWeights weights = InteractionWeights.parse(config.getString(USER_VECTOR_WEIGHTS));
      double searchWeight = config.getDouble(SEARCH_QUERY_WEIGHT);
      long emitInterval = config.getLong(USER_VECTOR_EMIT_INTERVAL_MS);
      KStream<String, Object> users =
          signals.process(() -> new UserVectorProcessor(USER_TILE_STORE, USER_EMIT_STORE, windows, weights, searchWeight, emitInterval, featureSerde), Named.as("user-vectors"), USER_TILE_STORE, USER_EMIT_STORE);
      only(users, UserVectorOut.class, "vector-updates")
          .mapValues(UserVectorOut::vector, Named.as("unwrap-vector"))
          .peek((k, v) -> { if (v != null) dev.kembed.topology.drift.DriftMetrics.forModel(v.getModelId()).userVector(dev.kembed.schemas.vector.RecordVectors.of(v)); }, Named.as("user-vector-drift"))
          .to(config.topic(TOPIC_USER_VECTORS), Produced.with(strings, outputs.userVector()).withName("user-vectors-sink"));
      toFeatures(only(users, SimilarityFeatures.class, "authorless-rows"), "authorless");
      toDeadLetters(only(users, DeadLetter.class, "user-dead-letters"), "user");
      KStream<String, SimilarityFeatures> rows =
          only(users, PartialFeatureRow.class, "viewer-rows")
              .repartition(Repartitioned.with(strings, InternalSerdes.of(PartialFeatureRow.class)).withName(ROWS_BY_AUTHOR).withNumberOfPartitions(partitions))
              .process(() -> new AuthorFeatureProcessor(USER_TILE_STORE, windows, featureSerde), Named.as("author-features"), USER_TILE_STORE);
      toFeatures(rows, "exposure");
    }

    private KStream<String, UserSignal> bySignalUser(KStream<String, UserSignal> signals, String topic) {
      return signals.repartition(Repartitioned.with(strings, InternalSerdes.of(UserSignal.class)).withName(topic).withNumberOfPartitions(partitions));
    }

    private Set<InteractionType> exposureTypes() {
      Set<InteractionType> s = EnumSet.noneOf(InteractionType.class);
      config.getList(FEATURES_EXPOSURE_TYPES).forEach(t -> s.add(InteractionType.valueOf(t.trim().toUpperCase(Locale.ROOT))));
      return s;
    }

    private void toFeatures(KStream<String, SimilarityFeatures> rows, String name) {
      rows.peek((k, row) -> dev.kembed.topology.drift.DriftMetrics.forModel(row.getModelId()).features(row.getFeatures()), Named.as(name + "-features-drift"))
          .to(config.topic(TOPIC_SIMILARITY_FEATURES), Produced.with(strings, featureSerde).withName(name + "-features-sink"));
    }

    private void toDeadLetters(KStream<String, DeadLetter> letters, String name) {
      letters.map((k, d) -> KeyValue.pair(d.key(), d.value()), Named.as(name + "-dead-letter-bytes"))
          .to(config.topic(TOPIC_DLQ), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-dlq-sink"));
    }

    /** The records of one type from a processor that emits several. */
    private static <T> KStream<String, T> only(KStream<String, Object> mixed, Class<T> type, String name) {
      return mixed.filter((k, v) -> type.isInstance(v), Named.as(name + "-filter")).mapValues(type::cast, Named.as(name));
    }

    private static boolean isQuery(ContentChange c) {
      return "QUERY".equals(c.request().getEntityType());
    }
  }
}
