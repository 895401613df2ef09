package dev.kembed.topology.processors;

import dev.kembed.schemas.SimilarityFeatures;
import dev.kembed.schemas.vector.PackedVectors;
import dev.kembed.state.window.WindowConfig;
import dev.kembed.state.window.WindowVector;
import dev.kembed.topology.content.Signals;
import dev.kembed.topology.features.ExposureFeatures;
import dev.kembed.topology.features.MeanBuffers;
import dev.kembed.topology.internal.InternalSerdes;
import dev.kembed.topology.internal.PartialFeatureRow;
import dev.kembed.topology.metrics.EventTimeMetrics;
import dev.kembed.topology.time.TaskClock;
import dev.kembed.topology.time.TaskClockStore;
import dev.kembed.topology.time.TimelineKeys;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Completes a similarity-feature row on the author's partition: {@code cos_viewer_author_<w>}, the
 * cosine between the viewer's engagement vector (carried in the row) and the author's as of the
 * exposure. The author's vector must be read with exactly the author's events before t. When the
 * task's signals watermark has already passed t (the usual case: a row travels one hop behind the
 * viewer's read-ahead), all of them are known, in the tiles or held in the reorder buffer, and the
 * row is completed on arrival ({@link AsOfVectors}), costing no state write. Otherwise it joins the
 * author's signals in the {@link UserVectorProcessor}'s reorder buffer and is completed there when
 * the watermark passes it. A row that arrives behind the released watermark is completed at once
 * from the author's current tiles and counted.
 */
public final class AuthorFeatureProcessor
    implements Processor<String, PartialFeatureRow, String, SimilarityFeatures> {
  private static final Serde<PartialFeatureRow> ROW_SERDE =
      InternalSerdes.of(PartialFeatureRow.class);

  private final UserVectorProcessor.Stores stores;
  private final WindowConfig windows;
  private final Serde<SimilarityFeatures> rowSerde;
  private ProcessorContext<String, SimilarityFeatures> context;
  private AsOfVectors vectors;
  private KeyValueStore<Bytes, byte[]> timeline;
  private TaskClock clock;
  private EventTimeMetrics metrics;
  private MeanBuffers means;
  private final int windowCacheEntries;
  private final int heldVectors;
  private final SignalWeights weights;

  public AuthorFeatureProcessor(
      UserVectorProcessor.Stores stores,
      WindowConfig windows,
      SignalWeights weights,
      int windowCacheEntries,
      int heldVectors,
      Serde<SimilarityFeatures> rowSerde) {
    this.stores = stores;
    this.heldVectors = heldVectors;
    this.weights = weights;
    this.windowCacheEntries = windowCacheEntries;
    this.windows = windows;
    this.rowSerde = rowSerde;
  }

  @Override
  public void init(ProcessorContext<String, SimilarityFeatures> context) {
    this.context = context;
    this.timeline = context.getStateStore(stores.timeline());
    this.vectors =
        AsOfVectors.of(context, stores, windows, windowCacheEntries, heldVectors, weights);
    this.clock = ((TaskClockStore) context.getStateStore(stores.clock())).clock();
    this.means = new MeanBuffers(windows.windows().size() + 1);
    this.metrics =
        new EventTimeMetrics(
            context.metrics(), Thread.currentThread().getName() + ".author", context.taskId());
  }

  @Override
  public void process(Record<String, PartialFeatureRow> record) {
    String author = record.key();
    PartialFeatureRow partial = record.value();
    long t = record.timestamp();
    boolean behind = t <= clock.published(UserVectorProcessor.RELEASED);
    if (behind || t <= clock.published(UserVectorProcessor.VIEWER_RELEASED)) {
      if (behind) {
        metrics.behind();
      }
      SimilarityFeatures row =
          complete(vectors, means, !behind, windows, author, partial, rowSerde);
      context.forward(new Record<>(rowKey(row), row, t));
      return;
    }
    timeline.put(
        TimelineKeys.timeline(t, TimelineKeys.Item.AUTHOR_READ, author, partial.getId()),
        ROW_SERDE.serializer().serialize("", partial));
  }

  /** The key of a similarity-features row: viewer|entity. */
  static String rowKey(SimilarityFeatures row) {
    return row.getViewerId() + "|" + row.getEntityId();
  }

  /**
   * The finished row: the viewer-side row plus cos_viewer_author from the author's vectors as of t
   * (with the author's held writes before t when {@code withHeld}).
   */
  static SimilarityFeatures complete(
      AsOfVectors vectors,
      MeanBuffers means,
      boolean withHeld,
      WindowConfig windows,
      String author,
      PartialFeatureRow partial,
      Serde<SimilarityFeatures> rowSerde) {
    SimilarityFeatures row =
        rowSerde.deserializer().deserialize("", Utils.toArray(partial.getRow()));
    List<WindowVector> authorVectors =
        vectors.asOf(
            author,
            UserVectorProcessor.kindKey(Signals.ENGAGEMENT, row.getModelId()),
            row.getEventTime().toEpochMilli(),
            withHeld);
    Map<String, Double> features = new HashMap<>(row.getFeatures());
    // Windows whose means are equal share one packed mean: it is unpacked once, into the slot of
    // the window it was packed under (slots 0..n-1); the author's mean takes slot n.
    Map<String, double[]> unpacked = new HashMap<>();
    int n = windows.windows().size();
    for (int i = 0; i < n; i++) {
      String name = windows.windows().get(i).name();
      double[] viewer =
          viewerMean(
              partial,
              name,
              unpacked,
              (packedName, packed) -> {
                int slot = slotOf(windows, packedName);
                return slot < 0 ? PackedVectors.unpackDoubles(packed) : means.unpack(packed, slot);
              });
      double[] authorMean = i < authorVectors.size() ? means.mean(authorVectors.get(i), n) : null;
      var f = ExposureFeatures.viewerAuthor(name, viewer, authorMean);
      features.put(f.getKey(), f.getValue());
    }
    row.setFeatures(features);
    return row;
  }

  /**
   * The viewer's mean for a window: packed, or the same as an earlier window's, or boxed in a
   * record written before packing.
   */
  static double[] viewerMean(PartialFeatureRow partial, String window) {
    return viewerMean(
        partial, window, new HashMap<>(), (name, packed) -> PackedVectors.unpackDoubles(packed));
  }

  // The same, with the means unpacked so far by the name they were packed under, and how to
  // unpack one (into a reused buffer, or a new array).
  private static double[] viewerMean(
      PartialFeatureRow partial,
      String window,
      Map<String, double[]> unpacked,
      BiFunction<String, ByteBuffer, double[]> unpack) {
    String same = partial.getViewerMeanSameAs().get(window);
    String name = same == null ? window : same;
    ByteBuffer packed = partial.getPackedViewerMeans().get(name);
    if (packed != null) {
      return unpacked.computeIfAbsent(name, n -> unpack.apply(n, packed));
    }
    List<Double> boxed = partial.getViewerMeans().get(window);
    return boxed == null ? null : boxed.stream().mapToDouble(Double::doubleValue).toArray();
  }

  // The position of the window named {@code name}, or -1 (a row packed under another config).
  private static int slotOf(WindowConfig windows, String name) {
    for (int i = 0; i < windows.windows().size(); i++) {
      if (windows.windows().get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
