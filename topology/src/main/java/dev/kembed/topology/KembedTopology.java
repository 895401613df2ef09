package dev.kembed.topology;

import static dev.kembed.topology.config.KembedConfig.*;

import dev.kembed.inference.Embedder;
import dev.kembed.schemas.CommentEvent;
import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.IndexUpdate;
import dev.kembed.schemas.PostEvent;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.serde.KembedSerdes;
import dev.kembed.topology.config.KembedConfig;
import dev.kembed.topology.content.ContentChange;
import dev.kembed.topology.content.ContentOutputs;
import dev.kembed.topology.content.ContentRequests;
import dev.kembed.topology.internal.EmbedRequest;
import dev.kembed.topology.processors.CommentPostSimilarityProcessor;
import dev.kembed.topology.processors.EmbedBatchProcessor;
import dev.kembed.topology.processors.ToEmbedRequestProcessor;
import dev.kembed.topology.text.TextCleaner;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The whole kembed topology, built in one place. Read top to bottom, it is the data flow:
 *
 * <pre>
 * posts ────► post-to-request ───┐
 *                                ├─► embed-batch ─┬─► content-embeddings
 * comments ─► comment-to-request ┘  (buffer,      ├─► index-updates
 *                                    hashes)      ├─► kembed-dlq (model failures)
 *                                                 └─► [repartition by post id: content-by-post]
 *                                                        └─► comment-post-similarity ─► similarity-features
 * </pre>
 *
 * Every store and processor has a stable name, so internal topics keep their names across
 * releases and a rolling upgrade finds its state.
 */
public final class KembedTopology {
  public static final String EMBED_BUFFER_STORE = "embed-buffer";
  public static final String EMBED_HASH_STORE = "embed-hashes";
  public static final String POST_VECTOR_STORE = "post-vectors";
  public static final String PENDING_COMMENT_STORE = "pending-comments";
  public static final String CONTENT_BY_POST = "content-by-post";

  private KembedTopology() {}

  public static Topology build(KembedConfig config, Embedder embedder) {
    StreamsBuilder builder = new StreamsBuilder();
    Serde<String> strings = Serdes.String();
    Serde<PostEvent> postSerde = KembedSerdes.of(PostEvent.class);
    Serde<CommentEvent> commentSerde = KembedSerdes.of(CommentEvent.class);
    Serde<ContentEmbedding> embeddingSerde = KembedSerdes.of(ContentEmbedding.class);
    ContentRequests requests = new ContentRequests(new TextCleaner(config.urlMode()), config.getInt(TEXT_MAX_CHARS), embedder.model().id());

    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EMBED_BUFFER_STORE), strings, InternalSerdes.embedRequest()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EMBED_HASH_STORE), strings, strings));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(POST_VECTOR_STORE), strings, embeddingSerde));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_COMMENT_STORE), strings, embeddingSerde));

    // 1. posts and comments become embedding requests (bad input goes to the DLQ from here).
    KStream<String, EmbedRequest> postRequests =
        builder.stream(config.topic(TOPIC_POSTS), Consumed.with(strings, postSerde).withName("posts"))
            .processValues(() -> new ToEmbedRequestProcessor<>(requests::fromPost, postSerde.serializer()), Named.as("post-to-request"));
    KStream<String, EmbedRequest> commentRequests =
        builder.stream(config.topic(TOPIC_COMMENTS), Consumed.with(strings, commentSerde).withName("comments"))
            .processValues(() -> new ToEmbedRequestProcessor<>(requests::fromComment, commentSerde.serializer()), Named.as("comment-to-request"));

    // 2. micro-batched, exactly-once inference.
    int batchSize = config.getInt(EMBED_BATCH_SIZE);
    long maxWait = config.getLong(EMBED_MAX_WAIT_MS);
    Map<String, KStream<String, ContentChange>> changes =
        postRequests.merge(commentRequests, Named.as("content-requests"))
            .process(() -> new EmbedBatchProcessor(embedder, EMBED_BUFFER_STORE, EMBED_HASH_STORE, batchSize, maxWait), Named.as("embed-batch"), EMBED_BUFFER_STORE, EMBED_HASH_STORE)
            .split(Named.as("embed-"))
            .branch((id, c) -> c.kind() == ContentChange.Kind.FAILED, Branched.as("failed"))
            .defaultBranch(Branched.as("ok"));
    KStream<String, ContentChange> embedded = changes.get("embed-ok");

    // 3a. model failures: the original record, headers saying why (set by embed-batch).
    changes.get("embed-failed")
        .map((id, c) -> KeyValue.pair(id.getBytes(StandardCharsets.UTF_8), sourceBytes(c)), Named.as("failed-to-dlq-record"))
        .to(config.topic(TOPIC_DLQ), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("embed-dlq"));

    // 3b. public outputs.
    embedded.mapValues(ContentOutputs::embedding, Named.as("to-content-embedding"))
        .to(config.topic(TOPIC_CONTENT_EMBEDDINGS), Produced.with(strings, embeddingSerde).withName("content-embeddings"));
    embedded.map((id, c) -> KeyValue.pair(ContentOutputs.indexKey(c), ContentOutputs.indexUpdate(c)), Named.as("to-index-update"))
        .to(config.topic(TOPIC_INDEX_UPDATES), Produced.with(strings, KembedSerdes.of(IndexUpdate.class)).withName("index-updates"));

    // 4. comment vs post similarity, joined on the post id.
    embedded.filter((id, c) -> !isCommentDelete(c), Named.as("skip-comment-deletes"))
        .map((id, c) -> KeyValue.pair(postIdOf(c), ContentOutputs.embedding(c)), Named.as("key-by-post"))
        .repartition(Repartitioned.with(strings, embeddingSerde).withName(CONTENT_BY_POST))
        .process(() -> new CommentPostSimilarityProcessor(POST_VECTOR_STORE, PENDING_COMMENT_STORE, config.getLong(JOIN_GRACE_MS)), Named.as("comment-post-similarity"), POST_VECTOR_STORE, PENDING_COMMENT_STORE)
        .to(config.topic(TOPIC_SIMILARITY_FEATURES), Produced.with(strings, KembedSerdes.of(SimilarityFeatures.class)).withName("similarity-features"));

    return builder.build();
  }

  private static boolean isCommentDelete(ContentChange c) {
    return c.kind() == ContentChange.Kind.DELETE && EntityType.COMMENT.name().equals(c.request().getEntityType());
  }

  private static String postIdOf(ContentChange c) {
    return EntityType.COMMENT.name().equals(c.request().getEntityType()) ? c.request().getParentId() : c.request().getEntityId();
  }

  private static byte[] sourceBytes(ContentChange c) {
    var b = c.request().getSourceValue();
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
