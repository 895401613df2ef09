package dev.kembed.topology.processors;

import dev.kembed.state.window.WindowConfig;
import dev.kembed.state.window.WindowVector;
import dev.kembed.state.window.WindowedVectorAggregator;
import dev.kembed.topology.content.Signals;
import dev.kembed.topology.features.PointInTime;
import dev.kembed.topology.internal.InternalSerdes;
import dev.kembed.topology.internal.UserSignal;
import dev.kembed.topology.time.HeldWrites;
import dev.kembed.topology.time.TaskLocalStore;
import dev.kembed.topology.time.TimelineKeys;
import dev.kembed.topology.time.TimelineKeys.Item;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A user's window vectors as of just before an event time t, as a read in the user-vector task sees
 * them: the tiles, which hold every write released so far, plus, when the read is ahead of the
 * release, the user's writes before t still held in the timeline (through the {@link HeldWrites}
 * index, added by {@link PointInTime#plus}). Both the viewer's side of an exposure ({@link
 * UserVectorProcessor}) and the author's ({@link AuthorFeatureProcessor}) read through it, and one
 * instance per task is shared by both ({@link #of}): its aggregator caches window sums, and a
 * second aggregator over the same tiles would read sums the first has since changed.
 */
final class AsOfVectors {
  static final Serde<UserSignal> SIGNAL_SERDE = InternalSerdes.of(UserSignal.class);

  private final WindowedVectorAggregator aggregator;
  private final WindowConfig windows;
  private final KeyValueStore<Bytes, byte[]> timeline;
  private final HeldWrites held;
  private final SignalWeights weights;

  private AsOfVectors(
      WindowedVectorAggregator aggregator,
      WindowConfig windows,
      KeyValueStore<Bytes, byte[]> timeline,
      int heldVectors,
      SignalWeights weights) {
    this.aggregator = aggregator;
    this.windows = windows;
    this.timeline = timeline;
    this.weights = weights;
    this.held = new HeldWrites(heldVectors);
    indexHeldWrites();
  }

  /** The task's instance, made by whichever of its processors initialises first. */
  @SuppressWarnings("unchecked")
  static AsOfVectors of(
      ProcessorContext<?, ?> context,
      UserVectorProcessor.Stores stores,
      WindowConfig windows,
      int windowCacheEntries,
      int heldVectors,
      SignalWeights weights) {
    var slot =
        ((TaskLocalStore<TaskLocalStore.Once<AsOfVectors>>) context.getStateStore(stores.shared()))
            .value();
    return slot.get(
        () ->
            new AsOfVectors(
                UserVectorProcessor.aggregator(
                    context.getStateStore(stores.tiles()), windows, windowCacheEntries),
                windows,
                context.getStateStore(stores.timeline()),
                heldVectors,
                weights));
  }

  /** The aggregator over the task's tiles, through which writes are applied. */
  WindowedVectorAggregator aggregator() {
    return aggregator;
  }

  /** The task's index of held writes. */
  HeldWrites held() {
    return held;
  }

  /**
   * (user, kind)'s vectors as of just before {@code t}; with {@code withHeld}, including the writes
   * before t that still wait in the timeline.
   */
  List<WindowVector> asOf(String user, String kindKey, long t, boolean withHeld) {
    List<WindowVector> base = aggregator.snapshotAt(user, kindKey, t);
    if (!withHeld) {
      return base;
    }
    List<PointInTime.Held> events = new ArrayList<>();
    for (HeldWrites.Write w : held.before(user, kindKey, t)) {
      if (w.vector() != null) {
        events.add(new PointInTime.Held(w.time(), w.weight(), w.vector()));
        continue;
      }
      // Not kept in the index (it was full): read from the timeline.
      UserSignal h = SIGNAL_SERDE.deserializer().deserialize("", timeline.get(w.timelineKey()));
      if (h.getEventTime() < t) {
        events.add(new PointInTime.Held(h.getEventTime(), weights.of(h), Signals.vector(h)));
      }
    }
    // The snapshot's sums are this call's own copies (every tile store copies on get), so the
    // held writes are added into them rather than into copies of them.
    return PointInTime.plusOwned(base, windows.windows(), t, events);
  }

  /**
   * Indexes the signal held at {@code key} in the timeline as a write of its user and kind; its
   * vector is shared with the held writes on the same target, or unpacked if the index keeps it.
   */
  void hold(UserSignal s, String id, Bytes key) {
    String target = s.getTargetId();
    held.add(
        s.getUserId(),
        UserVectorProcessor.kindKey(s.getKind(), s.getModelId()),
        s.getEventTime(),
        id,
        key,
        weights.of(s),
        target == null ? null : s.getTargetType() + "|" + s.getModelId() + "|" + target,
        s.getPackedVector());
  }

  // The held-write index is derived from the timeline, so it is rebuilt from it whenever the task
  // initialises (Streams initialises processors after restoring their stores, and again when it
  // revives a task): one changelog record and one RocksDB write less per held write than a store.
  private void indexHeldWrites() {
    try (KeyValueIterator<Bytes, byte[]> it = timeline.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        TimelineKeys.Timeline k = TimelineKeys.parseTimeline(kv.key);
        if (k.item() == Item.WRITE || k.item() == Item.EXPOSURE_WRITE) {
          hold(SIGNAL_SERDE.deserializer().deserialize("", kv.value), k.id(), kv.key);
        }
      }
    }
  }
}
