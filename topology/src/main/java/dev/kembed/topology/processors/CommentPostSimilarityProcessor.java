package dev.kembed.topology.processors;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.Surface;
import dev.kembed.state.VectorMath;
import dev.kembed.topology.content.Vectors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits the {@code cos_comment_post} feature for each embedded comment once both the comment and
 * its post are embedded with the same model, whichever arrives first. Input is keyed by post id
 * (post embeddings by their own id, comment embeddings re-keyed by their parent through a
 * repartition topic), so the post's vector and its waiting comments share a partition. Comments
 * whose post does not arrive within {@code join.grace.ms} of stream time are counted and dropped;
 * a post tombstone removes the post.
 */
public final class CommentPostSimilarityProcessor implements Processor<String, ContentEmbedding, String, SimilarityFeatures> {
  public static final String FEATURE = "cos_comment_post";
  private static final Logger log = LoggerFactory.getLogger(CommentPostSimilarityProcessor.class);
  private static final char SEP = '\u0000';

  private final String postStore;
  private final String pendingStore;
  private final long graceMs;
  private ProcessorContext<String, SimilarityFeatures> context;
  private KeyValueStore<String, ContentEmbedding> posts;
  private KeyValueStore<String, ContentEmbedding> pending;
  private long expired;

  public CommentPostSimilarityProcessor(String postStore, String pendingStore, long graceMs) {
    this.postStore = postStore;
    this.pendingStore = pendingStore;
    this.graceMs = graceMs;
  }

  @Override
  public void init(ProcessorContext<String, SimilarityFeatures> context) {
    this.context = context;
    this.posts = context.getStateStore(postStore);
    this.pending = context.getStateStore(pendingStore);
    context.schedule(Duration.ofMillis(Math.max(1_000, Math.min(graceMs, 60_000))), PunctuationType.STREAM_TIME, this::expire);
  }

  @Override
  public void process(Record<String, ContentEmbedding> record) {
    String postId = record.key();
    ContentEmbedding e = record.value();
    if (e == null) {
      posts.delete(postId);
      return;
    }
    if (e.getEntityType() == EntityType.POST) {
      posts.put(postId, e);
      List<KeyValue<String, ContentEmbedding>> waiting = new ArrayList<>();
      try (KeyValueIterator<String, ContentEmbedding> it = pending.prefixScan(postId + SEP, new StringSerializer())) {
        it.forEachRemaining(waiting::add);
      }
      for (KeyValue<String, ContentEmbedding> kv : waiting) {
        if (emit(kv.value, e)) {
          pending.delete(kv.key);
        }
      }
    } else if (e.getEntityType() == EntityType.COMMENT) {
      if (!emit(e, posts.get(postId))) {
        pending.put(postId + SEP + e.getEntityId(), e);
      }
    }
  }

  // A comment is scored only against its post embedded with the same model: after a model
  // change the post is re-embedded too, and the comment waits for that.
  private boolean emit(ContentEmbedding comment, ContentEmbedding post) {
    if (post == null || !post.getModelId().equals(comment.getModelId())) {
      return false;
    }
    double cos = VectorMath.cosine(Vectors.toArray(comment.getVector()), Vectors.toArray(post.getVector()));
    Map<String, Double> features = new HashMap<>();
    features.put(FEATURE, Double.isNaN(cos) ? null : cos);
    SimilarityFeatures row =
        SimilarityFeatures.newBuilder()
            .setViewerId(comment.getAuthorId())
            .setEntityId(comment.getEntityId())
            .setEntityType(EntityType.COMMENT)
            .setAuthorId(post.getAuthorId())
            .setExposureType(InteractionType.COMMENT)
            .setSurface(Surface.UNKNOWN)
            .setModelId(comment.getModelId())
            .setEventTime(comment.getEventTime())
            .setFeatures(features)
            .build();
    context.forward(new Record<>(comment.getAuthorId() + "|" + comment.getEntityId(), row, comment.getEventTime().toEpochMilli()));
    return true;
  }

  private void expire(long streamTime) {
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, ContentEmbedding> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<String, ContentEmbedding> kv = it.next();
        if (kv.value.getEventTime().toEpochMilli() < streamTime - graceMs) {
          old.add(kv.key);
        }
      }
    }
    old.forEach(pending::delete);
    if (!old.isEmpty()) {
      expired += old.size();
      log.info("{} comments dropped from the comment_post join: their post was not embedded within join.grace.ms ({} ms); {} in total", old.size(), graceMs, expired);
    }
  }
}
