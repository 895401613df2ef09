package dev.kembed.topology.processors;

import dev.kembed.schemas.EntityType;
import dev.kembed.schemas.InteractionType;
import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.Surface;
import dev.kembed.schemas.UserVector;
import dev.kembed.schemas.VectorKind;
import dev.kembed.schemas.vector.PackedVectors;
import dev.kembed.state.window.AddResult;
import dev.kembed.state.window.DerivedWindowSums;
import dev.kembed.state.window.KeyValueTileStore;
import dev.kembed.state.window.WindowConfig;
import dev.kembed.state.window.WindowVector;
import dev.kembed.state.window.WindowedVectorAggregator;
import dev.kembed.topology.content.Signals;
import dev.kembed.topology.content.UserVectorOut;
import dev.kembed.topology.content.Vectors;
import dev.kembed.topology.errors.DeadLetter;
import dev.kembed.topology.errors.DlqMetrics;
import dev.kembed.topology.errors.DlqReason;
import dev.kembed.topology.features.ExposureFeatures;
import dev.kembed.topology.features.MeanBuffers;
import dev.kembed.topology.internal.InternalSerdes;
import dev.kembed.topology.internal.PartialFeatureRow;
import dev.kembed.topology.internal.UserSignal;
import dev.kembed.topology.metrics.EventTimeMetrics;
import dev.kembed.topology.time.HeldWrites;
import dev.kembed.topology.time.TaskClock;
import dev.kembed.topology.time.TaskClockStore;
import dev.kembed.topology.time.TimelineKeys;
import dev.kembed.topology.time.TimelineKeys.Item;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keyed by user: keeps every user's windowed ENGAGEMENT and SEARCH_INTENT vectors (tiles in
 * RocksDB, through {@link WindowedVectorAggregator}), emits them to {@code user-vectors}, and
 * computes the point-in-time similarity features of exposures, in event-time order whatever order
 * the repartition topics deliver the signals in.
 *
 * <p>Signals reach this task from many upstream tasks at once, so their arrival order is not their
 * event-time order. They wait in a reorder buffer (the timeline store) until the task's watermark
 * passes them: {@code S}, the minimum over every upstream task of the signal topics (each sends its
 * progress as markers, see {@link WatermarkForwarder}), and {@code R}, the same over the feature
 * rows that other user tasks send this one for authors it owns ({@link AuthorFeatureProcessor}).
 * Every punctuation:
 *
 * <ul>
 *   <li>reads up to {@code S} are read ahead: all the user's signals before t are known, either in
 *       the tiles or still held, and {@link AsOfVectors} adds the held ones. An exposure's viewer
 *       side is read so; its row goes to the author's task, which completes it the same way, on
 *       arrival when that task has already read ahead past it, else at its read-ahead;
 *   <li>writes up to {@code P = min(S, R)}, and never past the read-ahead, are applied to the tiles
 *       in event-time order ({@code R} keeps the author's tiles behind rows still on their way).
 * </ul>
 *
 * An exposure that weighs in its viewer's vector is one timeline item, read when the read-ahead
 * passes it and applied, after its row (point in time), when the release does. A signal that
 * arrives behind the released watermark (its input partition stalled past {@code
 * watermark.idle.ms}) is still applied to the tiles, so vectors stay exact; it is counted, because
 * features already released cannot include it. Lateness is judged where records enter kembed
 * ({@link EventTimeGate}), never here. Vectors of different models never mix: the aggregator's kind
 * key includes the model id.
 */
public final class UserVectorProcessor
    implements Processor<String, UserSignal, String, UserVectorOutput> {
  /** Clock values the user-vector processors publish: how far they have released. */
  public static final String RELEASED = "user-vectors-released";

  /**
   * How far reads have been read ahead: the signals watermark had passed it, so every signal at or
   * before it is known, in the tiles or held. Also the watermark of the rows sent to authors.
   */
  public static final String VIEWER_RELEASED = "user-vectors-viewer-released";

  public static final String SIGNALS = "signals";
  public static final String ROWS = "rows";

  /**
   * Store names this processor and {@link AuthorFeatureProcessor} share. {@code shared} is
   * task-local and in memory: the aggregator and the held-write index ({@link HeldWrites}, an index
   * of the timeline) that both processors read through ({@link AsOfVectors}).
   */
  public record Stores(
      String tiles, String emits, String timeline, String released, String clock, String shared) {
    public String[] all() {
      return new String[] {tiles, emits, timeline, released, clock, shared};
    }
  }

  private static final Serde<UserSignal> SIGNAL_SERDE = AsOfVectors.SIGNAL_SERDE;
  private static final Serde<PartialFeatureRow> ROW_SERDE =
      InternalSerdes.of(PartialFeatureRow.class);

  private final Stores stores;
  private final WindowConfig windows;
  private final SignalWeights weights;
  private final long emitIntervalMs;
  private final long intervalMs;
  private final Serde<SimilarityFeatures> rowSerde;
  private DlqMetrics dlq;
  private ProcessorContext<String, UserVectorOutput> context;
  private WindowedVectorAggregator aggregator;
  private KeyValueStore<String, Long> emitState;
  private KeyValueStore<Bytes, byte[]> timeline;
  private HeldWrites held;
  private AsOfVectors vectors;
  private MeanBuffers means;
  private KeyValueStore<String, Long> releasedStore;
  private TaskClock clock;
  private EventTimeMetrics metrics;
  private final int windowCacheEntries;
  private final int heldVectors;
  private final int maxItems;

  /** Most work one release punctuation does before it leaves the rest to the next. */
  static final Duration RELEASE_BUDGET = Duration.ofMillis(200);

  /** Most timeline items one release punctuation reads into memory. */
  public static final int RELEASE_MAX_ITEMS = 10_000;

  /**
   * @param maxItems most timeline items one release punctuation reads ({@link #RELEASE_MAX_ITEMS}
   *     in the topology; tests make it small so that releases stop short)
   */
  public UserVectorProcessor(
      Stores stores,
      WindowConfig windows,
      SignalWeights weights,
      long emitIntervalMs,
      long intervalMs,
      int windowCacheEntries,
      int heldVectors,
      Serde<SimilarityFeatures> rowSerde,
      int maxItems) {
    this.maxItems = maxItems;
    this.heldVectors = heldVectors;
    this.stores = stores;
    this.windowCacheEntries = windowCacheEntries;
    this.windows = windows;
    this.weights = weights;
    this.emitIntervalMs = emitIntervalMs;
    this.intervalMs = intervalMs;
    this.rowSerde = rowSerde;
  }

  /** The aggregator's key for a kind under a model: vectors of two models never share tiles. */
  public static String kindKey(String kind, String modelId) {
    return kind + "|" + modelId;
  }

  /**
   * The aggregator over a task's tile store, as the user-vector and author-feature tasks both keep
   * it: window sums derived from the tiles and cached ({@link DerivedWindowSums}), and unbounded
   * lateness, because lateness was judged at the entrance, so the aggregator must accept any event
   * however far behind the user's as-of it arrives.
   */
  static WindowedVectorAggregator aggregator(
      KeyValueStore<Bytes, byte[]> tiles, WindowConfig windows, int windowCacheEntries) {
    return new WindowedVectorAggregator(
        new DerivedWindowSums(new KeyValueTileStore(tiles), windows, windowCacheEntries),
        new WindowConfig(windows.windows(), Long.MAX_VALUE / 4));
  }

  @Override
  public void init(ProcessorContext<String, UserVectorOutput> context) {
    this.context = context;
    this.dlq = DlqMetrics.from(context.appConfigs());
    this.vectors =
        AsOfVectors.of(context, stores, windows, windowCacheEntries, heldVectors, weights);
    this.aggregator = vectors.aggregator();
    this.held = vectors.held();
    this.means = new MeanBuffers(windows.windows().size() + 1);
    this.emitState = context.getStateStore(stores.emits());
    this.timeline = context.getStateStore(stores.timeline());
    this.releasedStore = context.getStateStore(stores.released());
    this.clock = ((TaskClockStore) context.getStateStore(stores.clock())).clock();
    this.metrics =
        new EventTimeMetrics(context.metrics(), Thread.currentThread().getName(), context.taskId());
    Long released = releasedStore.get(RELEASED);
    if (released != null) {
      clock.publish(RELEASED, released);
      clock.publish(VIEWER_RELEASED, released);
    }
    // Stored since an exposure became one read-and-write item (state from before has none: every
    // read after RELEASED is then still its own item). It may run ahead of RELEASED.
    Long readAhead = releasedStore.get(VIEWER_RELEASED);
    if (readAhead != null) {
      clock.publish(VIEWER_RELEASED, readAhead);
    }
    if (emitIntervalMs > 0) {
      context.schedule(
          Duration.ofMillis(emitIntervalMs), PunctuationType.STREAM_TIME, this::emitDue);
    }
    context.schedule(Duration.ofMillis(intervalMs), PunctuationType.WALL_CLOCK_TIME, this::release);
  }

  @Override
  public void process(Record<String, UserSignal> record) {
    UserSignal s = record.value();
    long t = s.getEventTime();
    long released = clock.published(RELEASED);
    boolean readNow = t <= clock.published(VIEWER_RELEASED);
    boolean weighted = weights.of(s) != 0;
    String id = idOf(s);
    if (s.getExposure()) {
      if (t <= released) {
        metrics.behind();
        viewerRead(s, false);
      } else if (readNow) {
        viewerRead(s, true);
      } else if (!weighted) {
        timeline.put(
            TimelineKeys.timeline(t, Item.VIEWER_READ, s.getUserId(), id),
            SIGNAL_SERDE.serializer().serialize("", s));
      }
    }
    if (!weighted) {
      return;
    }
    if (t <= released) {
      metrics.behind();
      apply(s, null);
    } else {
      // An exposure whose read is still ahead is one item: read by the read-ahead, applied later.
      Item item = s.getExposure() && !readNow ? Item.EXPOSURE_WRITE : Item.WRITE;
      Bytes key = TimelineKeys.timeline(t, item, s.getUserId(), id);
      timeline.put(key, SIGNAL_SERDE.serializer().serialize("", s));
      vectors.hold(s, id, key);
    }
  }

  /** Unique per input record: its source coordinates and target. */
  static String idOf(UserSignal s) {
    return s.getSourceTopic()
        + "-"
        + s.getSourcePartition()
        + "@"
        + s.getSourceOffset()
        + "/"
        + s.getTargetId()
        + "/"
        + s.getEventType();
  }

  // Reads ahead, then releases, in event-time order, what the watermarks now allow (see the class
  // comment). Each punctuation reads only the new stretches of the timeline, (VIEWER_RELEASED, S]
  // for reads and (RELEASED, P] for writes, never the released head: a queue in RocksDB leaves a
  // tombstone per released item, and scanning from the start walked all of them every 100 ms
  // (most of the stream thread's time in a 30,000-interaction burst).
  //
  // The release never passes the read-ahead (P <= VIEWER_RELEASED), so every read is done by the
  // read-ahead, with the held writes, and an exposure that also weighs in its viewer's vector is a
  // single item: read when the read-ahead passes it, applied when the release does. VIEWER_RELEASED
  // is stored with RELEASED, so after a restart no exposure is read twice.
  //
  // One punctuation does at most RELEASE_BUDGET of work and reads at most about maxItems items;
  // the rest waits for the next one. A watermark can jump by hours of event time at once (a
  // backfill, an idle partition confirmed), and releasing all of it in one punctuation kept one
  // transaction open past transaction.timeout.ms (10 s under exactly-once): the producer was
  // fenced, the task revived and the same punctuation started over (seen in a backfill of 60,000
  // records). What is published is only what was done.
  private void release(long now) {
    long s = clock.group(SIGNALS).advance(now);
    long r = clock.group(ROWS).advance(now);
    if (s == Long.MIN_VALUE) {
      return;
    }
    long deadline = System.nanoTime() + RELEASE_BUDGET.toNanos();
    long released = clock.published(RELEASED);
    long readFrom = Math.max(clock.published(VIEWER_RELEASED), released);
    if (s > readFrom) {
      long readUpTo = readAhead(readFrom, s, deadline);
      if (readUpTo > readFrom) {
        clock.publish(VIEWER_RELEASED, readUpTo);
        releasedStore.put(VIEWER_RELEASED, readUpTo);
      }
    }
    long p = Math.min(r, clock.published(VIEWER_RELEASED));
    if (p != Long.MIN_VALUE && p > released) {
      long upTo = releaseUpTo(released, p, deadline);
      if (upTo > released) {
        clock.publish(RELEASED, upTo);
        releasedStore.put(RELEASED, upTo);
      }
    }
    metrics.held(timeline.approximateNumEntries());
    metrics.heldVectors(held.vectorsKept());
    if (p != Long.MIN_VALUE) {
      metrics.lag(Math.max(0, now - clock.published(RELEASED)));
    }
  }

  // Processes the items of (after, upTo] in order until the deadline (at least one) and at most
  // maxItems of them; returns the event time up to which every item is done. Items are handled as
  // the iterator reaches them: the iterator reads a consistent view as of its creation (RocksDB's
  // implicit snapshot), so deleting an item already passed does not disturb it, and an item is
  // copied out of RocksDB only if this punctuation gets to it.
  private long releaseUpTo(long after, long upTo, long deadline) {
    int done = 0;
    try (KeyValueIterator<Bytes, byte[]> it = range(after, upTo)) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        TimelineKeys.Timeline k = TimelineKeys.parseTimeline(kv.key);
        if (done >= maxItems || (done > 0 && System.nanoTime() > deadline)) {
          // Items of this time may be done already; the rest wait with it for the next one.
          return Math.max(after, justBefore(k.time()));
        }
        switch (k.item()) {
          // Every read up to P was read ahead; these are left only by a version that read here.
          case VIEWER_READ ->
              viewerRead(SIGNAL_SERDE.deserializer().deserialize("", kv.value), false);
          case AUTHOR_READ -> authorRead(k, kv.value, false);
          case WRITE, EXPOSURE_WRITE -> {
            UserSignal sig = SIGNAL_SERDE.deserializer().deserialize("", kv.value);
            HeldWrites.Write w =
                held.remove(
                    sig.getUserId(), kindKey(sig.getKind(), sig.getModelId()), k.time(), k.id());
            apply(sig, w == null ? null : w.vector());
          }
        }
        drop(kv.key);
        done++;
      }
    }
    return upTo;
  }

  // Reads ahead the reads of (from, s] until the deadline (at least one) and at most maxItems of
  // them; returns the event time up to which every read is done. Plain writes are passed over: they
  // stay for the release, and however many share one event time they never fill the read. Reads
  // are handled as the iterator reaches them (see releaseUpTo): collecting up to maxItems first
  // copied out items that a punctuation stopped by its budget never reached, and the next
  // punctuation copied them again. A read item is deleted once read, except an exposure's, which
  // stays to be applied; one that was read past the time returned (when the read stopped inside an
  // event time, as a batch job stamping a day's events alike makes it) becomes a plain write, so it
  // is not read again.
  private long readAhead(long from, long s, long deadline) {
    List<KeyValue<KeyValue<Bytes, byte[]>, UserSignal>> exposuresRead = new ArrayList<>();
    long upTo = s;
    try (KeyValueIterator<Bytes, byte[]> it = range(from, s)) {
      int done = 0;
      int seen = 0;
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        // Plain writes are only passed over: their keys' user and id are not decoded.
        boolean read = TimelineKeys.parseItem(kv.key) != Item.WRITE;
        long t = TimelineKeys.parseTime(kv.key);
        // Out of time among writes, it stops only past the first event time, so that it moves on.
        boolean stop =
            read
                ? done >= maxItems || (done > 0 && System.nanoTime() > deadline)
                : ++seen % 256 == 0 && System.nanoTime() > deadline && justBefore(t) > from;
        if (stop) {
          upTo = Math.max(from, justBefore(t));
          break;
        }
        if (!read) {
          continue;
        }
        TimelineKeys.Timeline k = TimelineKeys.parseTimeline(kv.key);
        switch (k.item()) {
          case VIEWER_READ, EXPOSURE_WRITE -> {
            UserSignal sig = SIGNAL_SERDE.deserializer().deserialize("", kv.value);
            viewerRead(sig, true);
            if (k.item() == Item.EXPOSURE_WRITE) {
              exposuresRead.add(KeyValue.pair(kv, sig));
            }
          }
          case AUTHOR_READ -> authorRead(k, kv.value, true);
          case WRITE -> throw new IllegalStateException("not a read: " + k);
        }
        if (k.item() != Item.EXPOSURE_WRITE) {
          drop(kv.key);
        }
        done++;
      }
    }
    for (var e : exposuresRead) {
      if (e.value.getEventTime() > upTo) {
        holdAsWrite(e.key, e.value);
      }
    }
    return upTo;
  }

  // Re-keys an exposure already read (its timeline item and signal) as a plain held write.
  private void holdAsWrite(KeyValue<Bytes, byte[]> exposure, UserSignal s) {
    String id = idOf(s);
    Bytes key = TimelineKeys.timeline(s.getEventTime(), Item.WRITE, s.getUserId(), id);
    timeline.put(key, exposure.value);
    drop(exposure.key);
    vectors.hold(s, id, key);
  }

  // Deletes a timeline item. A null put, not delete(): Streams' RocksDB delete reads the old value
  // only to return it, a 1.6-4.8 KB copy out of RocksDB per item for nothing (1.4 % of the stream
  // thread in the user path's profile). The changelog gets the same tombstone.
  private void drop(Bytes key) {
    timeline.put(key, null);
  }

  // An exposure row that waited on its author's partition, completed from the author's vectors.
  private void authorRead(TimelineKeys.Timeline k, byte[] partial, boolean withHeld) {
    SimilarityFeatures row =
        AuthorFeatureProcessor.complete(
            vectors,
            means,
            withHeld,
            windows,
            k.user(),
            ROW_SERDE.deserializer().deserialize("", partial),
            rowSerde);
    context.forward(
        new Record<>(AuthorFeatureProcessor.rowKey(row), new UserVectorOutput.Row(row), k.time()));
  }

  private static long justBefore(long t) {
    return t == Long.MIN_VALUE ? t : t - 1;
  }

  // The timeline from event time after (exclusive) to upTo (inclusive). timelineAfter(t) is the
  // bare 8-byte time t+1: every real key at t+1 is longer and sorts after it, so as an inclusive
  // bound it admits exactly the keys of times up to t.
  private KeyValueIterator<Bytes, byte[]> range(long after, long upTo) {
    Bytes from = after == Long.MIN_VALUE ? null : TimelineKeys.timelineAfter(after);
    return timeline.range(from, TimelineKeys.timelineAfter(upTo));
  }

  // Applies the signal to the tiles; {@code kept} is its vector as the held-write index kept it
  // (the same bits as the signal's), or null to unpack the signal's own.
  private void apply(UserSignal s, float[] kept) {
    String user = s.getUserId();
    AddResult r =
        aggregator.add(
            user,
            kindKey(s.getKind(), s.getModelId()),
            s.getEventTime(),
            weights.of(s),
            kept != null ? kept : Signals.vector(s));
    switch (r.status()) {
      case APPLIED -> emit(s, r.changed());
      // Outside every window at the user's as-of: it would change no vector. Not late input.
      case LATE, EXPIRED -> dlq.dropped(DlqReason.LATE_EVENT);
      case INVALID -> deadLetter(s, DlqReason.INVALID_VECTOR, r.reason());
    }
  }

  // Viewer side of the row, from the viewer's vectors as of just before this exposure.
  private void viewerRead(UserSignal s, boolean withHeld) {
    long t = s.getEventTime();
    List<WindowVector> engagement =
        vectors.asOf(s.getUserId(), kindKey(Signals.ENGAGEMENT, s.getModelId()), t, withHeld);
    List<WindowVector> intent =
        vectors.asOf(s.getUserId(), kindKey(Signals.SEARCH_INTENT, s.getModelId()), t, withHeld);
    float[] post = Signals.vector(s);
    Map<String, Double> features = new LinkedHashMap<>();
    Map<String, ByteBuffer> viewerMeans = new HashMap<>();
    Map<String, String> sameAs = new HashMap<>();
    Map<String, double[]> sent = new LinkedHashMap<>();
    int n = windows.windows().size();
    for (int i = 0; i < n; i++) {
      String name = windows.windows().get(i).name();
      // Slots 0..n-1 hold the viewer's means (compared across windows below), n the intent's.
      double[] viewer = i < engagement.size() ? means.mean(engagement.get(i), i) : null;
      double[] intentMean = i < intent.size() ? means.mean(intent.get(i), n) : null;
      features.putAll(ExposureFeatures.viewerSide(name, viewer, intentMean, post));
      if (viewer != null) {
        String same = sameMean(sent, viewer);
        if (same != null) {
          sameAs.put(name, same);
        } else {
          viewerMeans.put(name, ByteBuffer.wrap(PackedVectors.pack(viewer)));
          sent.put(name, viewer);
        }
      }
    }
    SimilarityFeatures row =
        SimilarityFeatures.newBuilder()
            .setViewerId(s.getUserId())
            .setEntityId(s.getTargetId())
            .setEntityType(EntityType.valueOf(s.getTargetType()))
            .setAuthorId(s.getTargetAuthorId())
            .setExposureType(InteractionType.valueOf(s.getEventType()))
            .setSurface(Surface.valueOf(s.getSurface()))
            .setModelId(s.getModelId())
            .setEventTime(Instant.ofEpochMilli(t))
            .setFeatures(features)
            .build();
    if (s.getTargetAuthorId() == null) {
      for (var w : windows.windows()) {
        var e = ExposureFeatures.viewerAuthor(w.name(), null, null);
        features.put(e.getKey(), e.getValue());
      }
      context.forward(
          new Record<>(s.getUserId() + "|" + s.getTargetId(), new UserVectorOutput.Row(row), t));
      return;
    }
    byte[] bytes = rowSerde.serializer().serialize("", row);
    context.forward(
        new Record<>(
            s.getTargetAuthorId(),
            new UserVectorOutput.Partial(
                PartialFeatureRow.newBuilder()
                    .setRow(ByteBuffer.wrap(bytes))
                    .setPackedViewerMeans(viewerMeans)
                    .setViewerMeanSameAs(sameAs)
                    .setId(idOf(s))
                    .build()),
            t));
  }

  // The window already sent whose mean equals this one exactly, or null.
  private static String sameMean(Map<String, double[]> sent, double[] mean) {
    for (var e : sent.entrySet()) {
      if (Arrays.equals(e.getValue(), mean)) {
        return e.getKey();
      }
    }
    return null;
  }

  private void emit(UserSignal s, List<WindowVector> changed) {
    String user = s.getUserId();
    String key = user + "|" + s.getKind() + "|" + s.getModelId();
    if (emitIntervalMs > 0) {
      Long state = emitState.get(key);
      if (state != null && s.getEventTime() - lastEmit(state) < emitIntervalMs) {
        emitState.put(key, -lastEmit(state) - 1); // negative: changed since the last emit at -v-1
        return;
      }
      emitState.put(key, s.getEventTime());
      changed = aggregator.snapshot(user, kindKey(s.getKind(), s.getModelId()));
    }
    forwardVectors(user, s.getKind(), s.getModelId(), changed);
  }

  private void forwardVectors(String user, String kind, String modelId, List<WindowVector> vs) {
    for (WindowVector v : vs) {
      String key = user + "|" + kind + "|" + v.window();
      float[] unit = v.normalized();
      UserVector out =
          unit == null
              ? null
              : UserVector.newBuilder()
                  .setUserId(user)
                  .setKind(VectorKind.valueOf(kind))
                  .setWindow(v.window())
                  .setModelId(modelId)
                  .setVector(Vectors.toList(unit))
                  .setTotalWeight(v.totalWeight())
                  .setEventCount(v.count())
                  .setAsOf(Instant.ofEpochMilli(v.asOf()))
                  .build();
      context.forward(
          new Record<>(
              key,
              new UserVectorOutput.Vector(new UserVectorOut(out, unit)),
              Math.max(0, v.asOf())));
    }
  }

  private static long lastEmit(long state) {
    return state < 0 ? -state - 1 : state;
  }

  // Throttled keys whose interval has passed get their current vectors now.
  private void emitDue(long streamTime) {
    List<String> due = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = emitState.all()) {
      it.forEachRemaining(
          kv -> {
            if (kv.value < 0 && streamTime - lastEmit(kv.value) >= emitIntervalMs) {
              due.add(kv.key);
            }
          });
    }
    for (String key : due) {
      String[] parts = key.split("\\|", 3);
      emitState.put(key, streamTime);
      forwardVectors(
          parts[0], parts[1], parts[2], aggregator.snapshot(parts[0], kindKey(parts[1], parts[2])));
    }
  }

  private void deadLetter(UserSignal s, DlqReason reason, String message) {
    var headers =
        DeadLetter.headers(
            dlq,
            reason,
            "dev.kembed.state.window.AddResult",
            message,
            s.getSourceTopic(),
            s.getSourcePartition(),
            s.getSourceOffset());
    byte[] value = s.getSourceValue() == null ? null : Utils.toArray(s.getSourceValue());
    context.forward(
        new Record<>(
            s.getUserId(),
            new UserVectorOutput.Dead(
                new DeadLetter(s.getUserId().getBytes(StandardCharsets.UTF_8), value)),
            s.getEventTime(),
            headers));
  }
}
