package dev.kembed.topology.processors;

import dev.kembed.schemas.ContentEmbedding;
import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.InteractionEvent;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.Surface;
import dev.kembed.state.VectorMath;
import dev.kembed.topology.content.EntityEvent;
import dev.kembed.topology.content.Signals;
import dev.kembed.topology.content.Vectors;
import dev.kembed.topology.errors.DeadLetter;
import dev.kembed.topology.errors.DlqMetrics;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.errors.SourceHeaders;
import dev.kembed.topology.internal.PendingInteraction;
import dev.kembed.topology.time.TaskClock;
import dev.kembed.topology.time.TaskClockStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
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
 * The join on entity id. It keeps every post's and comment's latest embedding and joins to it:
 * interactions (which become {@code UserSignal}s for the user's vectors, re-keyed by user
 * downstream) and comments waiting for their post (which give the {@code cos_comment_post}
 * feature). Either side may arrive first: an interaction or comment whose target is not embedded
 * yet waits in a store, keyed so that it is released in event-time order when the embedding comes.
 * After {@code join.grace.ms} of event time (the watermark of the join's inputs) a waiting
 * interaction goes to the DLQ (JOIN_TIMEOUT) and a waiting comment is counted and dropped. An
 * interaction on a deleted entity is counted and dropped.
 */
public final class EntityJoinProcessor
    implements Processor<String, EntityEvent, String, EntityJoinOutput> {
  public static final String COMMENT_POST_FEATURE = "cos_comment_post";
  private static final Logger log = LoggerFactory.getLogger(EntityJoinProcessor.class);
  private static final char SEP = '\u0000';

  /** Store names. */
  public record Stores(
      String vectors, String deleted, String pendingInteractions, String pendingComments) {}

  private final Stores names;
  private final String clockStore;
  private final long intervalMs;
  private final long graceMs;
  private final Set<InteractionType> exposures;
  private final Serde<InteractionEvent> interactionSerde;
  private ProcessorContext<String, EntityJoinOutput> context;
  private KeyValueStore<String, ContentEmbedding> vectors;
  private KeyValueStore<String, Long> deleted;
  private KeyValueStore<String, PendingInteraction> pendingInteractions;
  private KeyValueStore<String, ContentEmbedding> pendingComments;
  private TaskClock clock;
  private long lastExpiry = Long.MIN_VALUE;
  private DlqMetrics dlq;

  public EntityJoinProcessor(
      Stores names,
      String clockStore,
      long intervalMs,
      long graceMs,
      Set<InteractionType> exposures,
      Serde<InteractionEvent> interactionSerde) {
    this.names = names;
    this.clockStore = clockStore;
    this.intervalMs = intervalMs;
    this.graceMs = graceMs;
    this.exposures = exposures;
    this.interactionSerde = interactionSerde;
  }

  @Override
  public void init(ProcessorContext<String, EntityJoinOutput> context) {
    this.context = context;
    this.dlq = DlqMetrics.from(context.appConfigs());
    this.vectors = context.getStateStore(names.vectors());
    this.deleted = context.getStateStore(names.deleted());
    this.pendingInteractions = context.getStateStore(names.pendingInteractions());
    this.pendingComments = context.getStateStore(names.pendingComments());
    this.clock = ((TaskClockStore) context.getStateStore(clockStore)).clock();
    // The join's clock is the watermark of its inputs, not stream time: one record stamped far
    // ahead cannot time out everything that waits, and a burst from one upstream task cannot
    // time out what another task has not delivered yet.
    long step = Math.max(1_000, Math.min(graceMs, 60_000));
    context.schedule(
        Duration.ofMillis(intervalMs),
        PunctuationType.WALL_CLOCK_TIME,
        now -> {
          long wm = clock.output(now);
          if (wm != Long.MIN_VALUE && (lastExpiry == Long.MIN_VALUE || wm - lastExpiry >= step)) {
            lastExpiry = wm;
            expire(wm);
          }
        });
  }

  @Override
  public void process(Record<String, EntityEvent> record) {
    String id = record.key();
    EntityEvent e = record.value();
    switch (e.kind()) {
      case EMBEDDING -> onEmbedding(id, e.embedding());
      case DELETE -> onDelete(id, record.timestamp());
      case COMMENT_FOR_PARENT -> {
        if (deleted.get(id) != null) {
          dlq.dropped(DlqReason.DELETED_TARGET); // its post is gone: waiting would only time out
        } else if (!emitCommentPost(e.embedding(), vectors.get(id))) {
          pendingComments.put(id + SEP + e.embedding().getEntityId(), e.embedding());
        }
      }
      case INTERACTION -> onInteraction(id, e.interaction(), record);
    }
  }

  private void onEmbedding(String id, ContentEmbedding embedding) {
    vectors.put(id, embedding);
    // A delete writes a tombstone to the changelog even for an absent key: ask first (a RocksDB
    // read is cheaper than a record per embedding).
    if (deleted.get(id) != null) {
      deleted.delete(id);
    }
    // Release what waited for this entity: interactions in event-time order (their keys sort so).
    // Waiting records are dropped with a null put: delete() would read and decode each old value
    // only to return it.
    for (KeyValue<String, PendingInteraction> kv : prefix(pendingInteractions, id)) {
      PendingInteraction p = kv.value;
      InteractionEvent i =
          interactionSerde
              .deserializer()
              .deserialize(p.getSourceTopic(), Utils.toArray(p.getInteraction()));
      emitSignal(
          i,
          embedding,
          p.getSourceTopic(),
          p.getSourcePartition(),
          p.getSourceOffset(),
          Utils.toArray(p.getInteraction()));
      pendingInteractions.put(kv.key, null);
    }
    if (embedding.getEntityType() == EntityType.POST) {
      for (KeyValue<String, ContentEmbedding> kv : prefix(pendingComments, id)) {
        if (emitCommentPost(kv.value, embedding)) {
          pendingComments.put(kv.key, null);
        }
      }
    }
  }

  private void onDelete(String id, long time) {
    vectors.delete(id);
    deleted.put(id, time);
    for (KeyValue<String, PendingInteraction> kv : prefix(pendingInteractions, id)) {
      pendingInteractions.put(kv.key, null);
      dlq.dropped(DlqReason.DELETED_TARGET);
    }
    for (KeyValue<String, ContentEmbedding> kv : prefix(pendingComments, id)) {
      pendingComments.put(kv.key, null);
      dlq.dropped(DlqReason.DELETED_TARGET);
    }
  }

  private void onInteraction(String id, InteractionEvent i, Record<String, EntityEvent> record) {
    String topic = SourceHeaders.topic(record.headers());
    int partition = SourceHeaders.partition(record.headers());
    long offset = SourceHeaders.offset(record.headers());
    byte[] raw = interactionSerde.serializer().serialize(topic, i);
    ContentEmbedding target = vectors.get(id);
    if (target != null) {
      emitSignal(i, target, topic, partition, offset, raw);
    } else if (deleted.get(id) != null) {
      dlq.dropped(DlqReason.DELETED_TARGET);
    } else {
      // Fixed-width hex time keeps a prefix scan in event-time order; the source coordinates
      // make the key unique per input record, so a restart never overwrites a waiting one.
      String key =
          String.format(
              Locale.ROOT,
              "%s%c%016x%c%s-%d-%d",
              id,
              SEP,
              i.getEventTime().toEpochMilli(),
              SEP,
              topic,
              partition,
              offset);
      pendingInteractions.put(
          key,
          PendingInteraction.newBuilder()
              .setInteraction(ByteBuffer.wrap(raw))
              .setSourceTopic(topic)
              .setSourcePartition(partition)
              .setSourceOffset(offset)
              .build());
    }
  }

  private void emitSignal(
      InteractionEvent i,
      ContentEmbedding target,
      String topic,
      int partition,
      long offset,
      byte[] raw) {
    var signal =
        Signals.interaction(
            i, target, exposures.contains(i.getInteractionType()), topic, partition, offset, raw);
    context.forward(
        new Record<>(
            i.getUserId(), new EntityJoinOutput.Signal(signal), i.getEventTime().toEpochMilli()));
  }

  // A comment is scored only against its post embedded with the same model: after a model
  // change the post is re-embedded too, and the comment waits for that.
  private boolean emitCommentPost(ContentEmbedding comment, ContentEmbedding post) {
    if (post == null || !post.getModelId().equals(comment.getModelId())) {
      return false;
    }
    double cos =
        VectorMath.cosine(Vectors.toArray(comment.getVector()), Vectors.toArray(post.getVector()));
    Map<String, Double> features = new HashMap<>();
    features.put(COMMENT_POST_FEATURE, Double.isFinite(cos) ? cos : null);
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
    context.forward(
        new Record<>(
            comment.getAuthorId() + "|" + comment.getEntityId(),
            new EntityJoinOutput.Row(row),
            comment.getEventTime().toEpochMilli()));
    return true;
  }

  private void expire(long watermark) {
    long streamTime = Math.max(0, watermark);
    long cutoff = watermark - graceMs;
    int timedOut = 0;
    try (KeyValueIterator<String, PendingInteraction> it = pendingInteractions.all()) {
      List<KeyValue<String, PendingInteraction>> old = new ArrayList<>();
      while (it.hasNext()) {
        KeyValue<String, PendingInteraction> kv = it.next();
        if (eventTimeOf(kv.key) < cutoff) {
          old.add(kv);
        }
      }
      for (KeyValue<String, PendingInteraction> kv : old) {
        PendingInteraction p = kv.value;
        InteractionEvent i =
            interactionSerde
                .deserializer()
                .deserialize(p.getSourceTopic(), Utils.toArray(p.getInteraction()));
        String msg =
            "no embedding for "
                + i.getTargetId()
                + " within join.grace.ms ("
                + graceMs
                + " ms of event time)";
        var headers =
            DeadLetter.headers(
                dlq,
                DlqReason.JOIN_TIMEOUT,
                "dev.kembed.topology.errors.JoinTimeout",
                msg,
                p.getSourceTopic(),
                p.getSourcePartition(),
                p.getSourceOffset());
        context.forward(
            new Record<>(
                i.getUserId(),
                new EntityJoinOutput.Dead(
                    new DeadLetter(
                        i.getUserId().getBytes(StandardCharsets.UTF_8),
                        Utils.toArray(p.getInteraction()))),
                streamTime,
                headers));
        pendingInteractions.put(kv.key, null);
        timedOut++;
      }
    }
    List<String> oldComments = new ArrayList<>();
    try (KeyValueIterator<String, ContentEmbedding> it = pendingComments.all()) {
      it.forEachRemaining(
          kv -> {
            if (kv.value.getEventTime().toEpochMilli() < cutoff) {
              oldComments.add(kv.key);
            }
          });
    }
    oldComments.forEach(
        k -> {
          pendingComments.put(k, null);
          dlq.dropped(DlqReason.JOIN_TIMEOUT);
        });
    List<String> forgotten = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = deleted.all()) {
      it.forEachRemaining(
          kv -> {
            if (kv.value < cutoff) {
              forgotten.add(kv.key);
            }
          });
    }
    forgotten.forEach(deleted::delete);
    if (timedOut + oldComments.size() > 0) {
      log.info(
          "join.grace.ms passed: {} interactions dead-lettered, {} comments dropped (their target"
              + " was never embedded)",
          timedOut,
          oldComments.size());
    }
  }

  private static long eventTimeOf(String pendingKey) {
    int a = pendingKey.indexOf(SEP);
    return Long.parseUnsignedLong(pendingKey.substring(a + 1, a + 17), 16);
  }

  private static <V> List<KeyValue<String, V>> prefix(KeyValueStore<String, V> store, String id) {
    List<KeyValue<String, V>> out = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.prefixScan(id + SEP, new StringSerializer())) {
      it.forEachRemaining(out::add);
    }
    return out;
  }
}
